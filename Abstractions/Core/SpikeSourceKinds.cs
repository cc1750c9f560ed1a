namespace Meta;

/// <summary>The spike generators a backend may implement for spike source models.</summary>
public static class SpikeSourceKinds
{
    /// <summary>A homogeneous Poisson process (rate Hz, start ms, duration ms).</summary>
    public const string Poisson = "poisson";
    /// <summary>
    /// A homogeneous Poisson process that may emit several spikes per step (rate Hz, start ms, duration ms): step s carries k
    /// spikes with the Poisson probability of k at mean rate·dt (NEST's <c>poisson_generator</c>, Brian2's <c>PoissonInput</c>).
    /// </summary>
    public const string PoissonMultiple = "poisson_multiple";
    /// <summary>Spikes at given times (<c>spike_times</c>).</summary>
    public const string Array = "array";
    /// <summary>A gamma renewal process (alpha shape, beta Hz, start ms, duration ms).</summary>
    public const string Gamma = "gamma";
    /// <summary>A Poisson process with a dead time (rate Hz, tau_refrac ms, start ms, duration ms).</summary>
    public const string PoissonRefractory = "poisson_refractory";
    /// <summary>An inhomogeneous gamma process, piecewise constant over bins (a, b seconds, tbins ms, start ms, duration ms).</summary>
    public const string InhomogeneousGamma = "inh_gamma";
    /// <summary>
    /// Spikes relayed from elsewhere as the run goes (a distributed run's copy of a population whose cells live on other
    /// ranks): the host appends them to the group's <c>SpikeFeed</c> before the engine reaches their indices. Not a PyNN cell type.
    /// </summary>
    public const string Relay = "relay";
}
