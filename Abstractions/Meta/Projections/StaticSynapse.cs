using Meta.Models;

namespace Meta.Projections;

/// <summary>
/// A synapse type (PyNN's <c>SynapseType</c>): the weight and delay of every connection and, for a type with dynamics, the
/// <see cref="SynapseModel"/> it runs and its parameter values. A null delay means the simulation's min_delay.
/// </summary>
/// <param name="Weight">The weight: nA (current), µS (conductance) or mV (voltage jump) depending on the receptor. Default 0.</param>
/// <param name="Delay">The delay in ms, or null for min_delay.</param>
public abstract record SynapseType(SynapseValue? Weight = null, SynapseValue? Delay = null)
{
    /// <summary>The PyNN class name.</summary>
    public abstract string Name { get; }

    /// <summary>The synapse model with its event code, or null for a static synapse.</summary>
    public virtual SynapseModel? Model => null;

    /// <summary>Values given for the model's parameters (others take the model's defaults), by PyNN name.</summary>
    public virtual IReadOnlyDictionary<string, SynapseValue> ParameterValues => new Dictionary<string, SynapseValue>();

    /// <summary>The fraction of the delay that is dendritic (PyNN's <c>dendritic_delay_fraction</c>; 1 for types without post events).</summary>
    public virtual double DendriticDelayFraction => 1.0;
}

/// <summary>A synapse with fixed weight and delay (PyNN's <c>StaticSynapse</c>). A null delay means the simulation's min_delay.</summary>
/// <param name="Weight">The weight: nA (current), µS (conductance) or mV (voltage jump) depending on the receptor. Default 0.</param>
/// <param name="Delay">The delay in ms, or null for min_delay.</param>
public sealed record StaticSynapse(SynapseValue? Weight = null, SynapseValue? Delay = null) : SynapseType(Weight, Delay)
{
    /// <summary>The class name used in files and capabilities.</summary>
    public const string TypeName = "StaticSynapse";

    /// <inheritdoc />
    public override string Name => TypeName;
}
