namespace Meta.Projections;

/// <summary>A synapse with fixed weight and delay (PyNN's <c>StaticSynapse</c>). A null delay means the simulation's min_delay.</summary>
/// <param name="Weight">The weight: nA (current), µS (conductance) or mV (voltage jump) depending on the receptor. Default 0.</param>
/// <param name="Delay">The delay in ms, or null for min_delay.</param>
public sealed record StaticSynapse(SynapseValue? Weight = null, SynapseValue? Delay = null)
{
    /// <summary>The class name used in files and capabilities.</summary>
    public const string TypeName = "StaticSynapse";
}
