namespace Meta.Models.Standard;

/// <summary>
/// <c>Izhikevich</c> (2003), PyNN §1.1: <c>dv/dt = 0.04v² + 5v + 140 − u + I/C</c> with C = 1 pF, so a current of
/// I nA adds 1000·I mV/ms; <c>du/dt = a(bv − u)</c>. At <c>v &gt;= 30</c> mV: <c>v = c</c>, <c>u += d</c>; no refractory
/// period. Synapses make v jump by the weight (mV).
/// </summary>
public static class IzhikevichModels
{
    /// <summary><c>Izhikevich</c>.</summary>
    public static ModelDefinition Izhikevich { get; } =
        new ModelBuilder("Izhikevich").Describe("Izhikevich (2003) quadratic integrate-and-fire neuron with recovery variable and voltage-jump synapses.")
            .Parameter("a", 0.02, "1/ms", "Time scale of the recovery variable.")
            .Parameter("b", 0.2, "1/ms", "Sensitivity of the recovery variable to v.")
            .Parameter("c", -65.0, "mV", "Reset potential after a spike.")
            .Parameter("d", 2.0, "mV/ms", "Increase of the recovery variable at a spike.")
            .Parameter("i_offset", 0.0, "nA", "Offset current.")
            .State("v", -70.0, "mV")
            .State("u", -14.0, "mV/ms")
            .Ode("v", "0.04*v*v + 5*v + 140 - u + 1000*(i_offset + i_inj)")
            .Ode("u", "a*(b*v - u)")
            .Threshold("v >= 30")
            .Reset("v = c", "u += d")
            .Receptor("excitatory", "v", ReceptorKind.VoltageJump)
            .Receptor("inhibitory", "v", ReceptorKind.VoltageJump)
            .Build();
}
