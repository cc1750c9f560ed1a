using Meta.Models;
using Meta.Models.Standard;

namespace Meta.Projections;

/// <summary>
/// A synapse type whose behaviour is a <see cref="SynapseModel"/>: a standard one below or a user's own, written with
/// <see cref="SynapseModelBuilder"/>. Parameter values take any of PyNN's forms (<see cref="SynapseValue"/>).
/// </summary>
/// <param name="Definition">The synapse model.</param>
/// <param name="Weight">The weight (the initial weight when it is learned).</param>
/// <param name="Delay">The delay in ms, or null for min_delay.</param>
/// <param name="Parameters">Parameter values by name; missing ones take the model's defaults.</param>
/// <param name="DendriticFraction">The fraction of the delay that is dendritic, in [0, 1].</param>
public record ModelSynapse(SynapseModel Definition, SynapseValue? Weight = null, SynapseValue? Delay = null,
    IReadOnlyDictionary<string, SynapseValue>? Parameters = null, double DendriticFraction = 1.0) : SynapseType(Weight, Delay)
{
    /// <inheritdoc />
    public override string Name => Definition.Name;
    /// <inheritdoc />
    public override SynapseModel? Model => Definition;
    /// <inheritdoc />
    public override IReadOnlyDictionary<string, SynapseValue> ParameterValues => Parameters ?? new Dictionary<string, SynapseValue>();
    /// <inheritdoc />
    public override double DendriticDelayFraction => DendriticFraction;
}

/// <summary>
/// PyNN's <c>TsodyksMarkramSynapse</c>: depression (tau_rec) and facilitation (tau_facil) of the transmitted weight
/// (<see cref="ShortTermPlasticity.TsodyksMarkram"/>). <c>tau_psc</c> is the postsynaptic receptor's time constant.
/// </summary>
public sealed record TsodyksMarkramSynapse : ModelSynapse
{
    /// <summary>Creates the type; null parameters take PyNN's defaults (U 0.5, tau_rec 100 ms, tau_facil 0 ms).</summary>
    public TsodyksMarkramSynapse(SynapseValue? weight = null, SynapseValue? delay = null, SynapseValue? U = null, SynapseValue? tau_rec = null,
        SynapseValue? tau_facil = null)
        : base(ShortTermPlasticity.TsodyksMarkram, weight, delay, Given(("U", U), ("tau_rec", tau_rec), ("tau_facil", tau_facil))) { }

    internal static Dictionary<string, SynapseValue> Given(params (string Name, SynapseValue? Value)[] values) =>
        values.Where(v => v.Value is not null).ToDictionary(v => v.Name, v => v.Value!);
}

/// <summary>PyNN's <c>SimpleStochasticSynapse</c>: each spike is transmitted with probability <c>p</c>.</summary>
public sealed record SimpleStochasticSynapse : ModelSynapse
{
    /// <summary>Creates the type (p defaults to 0.5).</summary>
    public SimpleStochasticSynapse(SynapseValue? weight = null, SynapseValue? delay = null, SynapseValue? p = null)
        : base(ShortTermPlasticity.SimpleStochastic, weight, delay, TsodyksMarkramSynapse.Given(("p", p))) { }
}

/// <summary>PyNN's <c>StochasticTsodyksMarkramSynapse</c>: Tsodyks–Markram dynamics with one binary release site.</summary>
public sealed record StochasticTsodyksMarkramSynapse : ModelSynapse
{
    /// <summary>Creates the type; null parameters take PyNN's defaults (U 0.5, tau_rec 100 ms, tau_facil 0 ms).</summary>
    public StochasticTsodyksMarkramSynapse(SynapseValue? weight = null, SynapseValue? delay = null, SynapseValue? U = null,
        SynapseValue? tau_rec = null, SynapseValue? tau_facil = null)
        : base(ShortTermPlasticity.StochasticTsodyksMarkram, weight, delay, TsodyksMarkramSynapse.Given(("U", U), ("tau_rec", tau_rec), ("tau_facil", tau_facil))) { }
}

/// <summary>
/// PyNN's <c>MultiQuantalSynapse</c>: Tsodyks–Markram dynamics with <c>n</c> stochastic binary release sites
/// (<see cref="ShortTermPlasticity.MultiQuantal"/>); a spike transmits <c>weight·released/n</c>.
/// </summary>
public sealed record MultiQuantalSynapse : ModelSynapse
{
    /// <summary>Creates the type; null parameters take PyNN's defaults (U 0.5, n 1, tau_rec 800 ms, tau_facil 0 ms).</summary>
    public MultiQuantalSynapse(SynapseValue? weight = null, SynapseValue? delay = null, SynapseValue? U = null, SynapseValue? n = null,
        SynapseValue? tau_rec = null, SynapseValue? tau_facil = null)
        : base(ShortTermPlasticity.MultiQuantal, weight, delay,
            TsodyksMarkramSynapse.Given(("U", U), ("n", n), ("tau_rec", tau_rec), ("tau_facil", tau_facil))) { }
}

/// <summary>An STDP timing rule (PyNN's <c>STDPTimingDependence</c>).</summary>
public abstract record TimingDependence
{
    /// <summary>The PyNN class name.</summary>
    public abstract string Name { get; }
    /// <summary>The model of this rule with <paramref name="dependence"/>.</summary>
    public abstract SynapseModel Model(WeightDependence dependence);
    /// <summary>The parameter values given.</summary>
    public abstract IReadOnlyDictionary<string, SynapseValue> Values { get; }
}

/// <summary>PyNN's <c>SpikePairRule</c>: all-to-all pair-based STDP.</summary>
public sealed record SpikePairRule(double tau_plus = 20.0, double tau_minus = 20.0, double A_plus = 0.01, double A_minus = 0.01) : TimingDependence
{
    /// <inheritdoc />
    public override string Name => "SpikePairRule";
    /// <inheritdoc />
    public override SynapseModel Model(WeightDependence dependence) => Stdp.SpikePair(dependence);
    /// <inheritdoc />
    public override IReadOnlyDictionary<string, SynapseValue> Values => new Dictionary<string, SynapseValue>
    {
        ["tau_plus"] = tau_plus, ["tau_minus"] = tau_minus, ["A_plus"] = A_plus, ["A_minus"] = A_minus,
    };
}

/// <summary>PyNN's <c>Vogels2011Rule</c>: inhibitory STDP (nearest spikes; rho in 1/ms, as PyNN-NEURON uses it).</summary>
public sealed record Vogels2011Rule(double tau = 20.0, double eta = 1e-10, double rho = 3.0) : TimingDependence
{
    /// <inheritdoc />
    public override string Name => "Vogels2011Rule";
    /// <inheritdoc />
    public override SynapseModel Model(WeightDependence dependence) => Stdp.Vogels2011(dependence);
    /// <inheritdoc />
    public override IReadOnlyDictionary<string, SynapseValue> Values => new Dictionary<string, SynapseValue>
    {
        ["tau"] = tau, ["eta"] = eta, ["rho"] = rho,
    };
}

/// <summary>An STDP weight dependence (PyNN's <c>STDPWeightDependence</c>).</summary>
/// <param name="Kind">Which dependence.</param>
/// <param name="w_min">The lower bound of the weight.</param>
/// <param name="w_max">The upper bound of the weight.</param>
public abstract record WeightDependenceRule(WeightDependence Kind, double w_min, double w_max)
{
    /// <summary>The parameter values.</summary>
    public virtual IReadOnlyDictionary<string, SynapseValue> Values => new Dictionary<string, SynapseValue> { ["w_min"] = w_min, ["w_max"] = w_max };
}

/// <summary>PyNN's <c>AdditiveWeightDependence</c>.</summary>
public sealed record AdditiveWeightDependence(double w_min = 0.0, double w_max = 1.0) : WeightDependenceRule(WeightDependence.Additive, w_min, w_max);

/// <summary>PyNN's <c>MultiplicativeWeightDependence</c>.</summary>
public sealed record MultiplicativeWeightDependence(double w_min = 0.0, double w_max = 1.0) : WeightDependenceRule(WeightDependence.Multiplicative, w_min, w_max);

/// <summary>PyNN's <c>AdditivePotentiationMultiplicativeDepression</c> (NEST's normalisation: potentiation w_max·A₊, bounded).</summary>
public sealed record AdditivePotentiationMultiplicativeDepression(double w_min = 0.0, double w_max = 1.0)
    : WeightDependenceRule(WeightDependence.AdditivePotentiationMultiplicativeDepression, w_min, w_max);

/// <summary>PyNN's <c>GutigWeightDependence</c> (NEST's normalisation).</summary>
public sealed record GutigWeightDependence(double w_min = 0.0, double w_max = 1.0, double mu_plus = 0.5, double mu_minus = 0.5)
    : WeightDependenceRule(WeightDependence.Gutig, w_min, w_max)
{
    /// <inheritdoc />
    public override IReadOnlyDictionary<string, SynapseValue> Values => new Dictionary<string, SynapseValue>
    {
        ["w_min"] = w_min, ["w_max"] = w_max, ["mu_plus"] = mu_plus, ["mu_minus"] = mu_minus,
    };
}

/// <summary>
/// PyNN's <c>STDPMechanism</c>: a timing rule and a weight dependence acting on a learned weight. The default
/// <c>dendritic_delay_fraction</c> 1 means the rule sees a presynaptic spike when it is emitted and a postsynaptic spike one
/// delay later; 0 means it sees the presynaptic spike when it arrives and the postsynaptic one at once (docs/semantics.md).
/// </summary>
public sealed record STDPMechanism : ModelSynapse
{
    /// <summary>Combines <paramref name="timing"/> and <paramref name="weightDependence"/>; throws <see cref="NoModelAvailableException"/> for a combination no model implements.</summary>
    public STDPMechanism(TimingDependence timing, WeightDependenceRule weightDependence, SynapseValue? weight = null, SynapseValue? delay = null,
        double dendritic_delay_fraction = 1.0)
        : base(Compose(timing, weightDependence), weight, delay,
            timing.Values.Concat(weightDependence.Values).ToDictionary(kv => kv.Key, kv => kv.Value), Check(dendritic_delay_fraction))
    {
        Timing = timing;
        WeightDependence = weightDependence;
    }

    /// <summary>The timing rule.</summary>
    public TimingDependence Timing { get; }
    /// <summary>The weight dependence.</summary>
    public WeightDependenceRule WeightDependence { get; }

    /// <inheritdoc />
    public override string Name => "STDPMechanism";

    private static SynapseModel Compose(TimingDependence timing, WeightDependenceRule dependence)
    {
        ArgumentNullException.ThrowIfNull(timing);
        ArgumentNullException.ThrowIfNull(dependence);
        return timing.Model(dependence.Kind);
    }

    private static double Check(double fraction) => fraction is >= 0 and <= 1
        ? fraction
        : throw new InvalidParameterValueException($"dendritic_delay_fraction must be in [0, 1]; got {fraction}.");
}
