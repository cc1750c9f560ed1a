namespace Meta.Models.Standard;

/// <summary>
/// The excitatory and inhibitory synapses shared by PyNN's standard cells: exponential or alpha-shaped currents or
/// conductances, with decay times <c>tau_syn_E</c> and <c>tau_syn_I</c> (PyNN §1.0).
/// </summary>
internal static class SynapticKernels
{
    /// <summary>
    /// Exponentially decaying synaptic variables <c>{prefix}_exc</c> and <c>{prefix}_inh</c>: a weight w adds w, then
    /// <c>dx/dt = -x/tau_syn_X</c>.
    /// </summary>
    internal static ModelBuilder ExpSynapses(this ModelBuilder b, string prefix, string unit, ReceptorKind kind, bool recordable)
    {
        foreach (var (receptor, suffix, tau) in Receptors)
        {
            string x = $"{prefix}_{suffix}";
            b.State(x, 0.0, unit, recordable).Ode(x, $"-{x}/{tau}").Receptor(receptor, x, kind);
        }
        return b;
    }

    /// <summary>
    /// Alpha-shaped synaptic variables: a weight w adds w to the auxiliary <c>y</c>, and
    /// <c>dx/dt = (e·y - x)/tau</c>, <c>dy/dt = -y/tau</c>, so x peaks at w at t = tau.
    /// </summary>
    internal static ModelBuilder AlphaSynapses(this ModelBuilder b, string prefix, string unit, ReceptorKind kind, bool recordable)
    {
        foreach (var (receptor, suffix, tau) in Receptors)
        {
            string x = $"{prefix}_{suffix}", y = $"ysyn_{suffix}";
            b.State(x, 0.0, unit, recordable).State(y, 0.0, unit, recordable: false)
             .Ode(x, $"(exp(1)*{y} - {x})/{tau}").Ode(y, $"-{y}/{tau}")
             .Receptor(receptor, y, kind);
        }
        return b;
    }

    private static readonly (string Receptor, string Suffix, string Tau)[] Receptors =
        [("excitatory", "exc", "tau_syn_E"), ("inhibitory", "inh", "tau_syn_I")];

}
