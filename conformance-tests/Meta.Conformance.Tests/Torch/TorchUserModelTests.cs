using Meta.Backends;
using Meta.CurrentSources;
using Meta.Models;
using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Recording;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Torch;

/// <summary>
/// User-defined models compiled to tensor programs by the torch backend, against the CPU backend's generated kernels:
/// RK4 (quadratic and exponential membranes), exponential Euler with state-dependent φ, aliases, conditionals, logical
/// thresholds, increments in resets, a refractory clamp that other states read (so it also holds before integration).
/// <para>
/// Tolerances (float64). Models built from + − × ÷ and comparisons only must give identical spikes and values within
/// 1e-9 (measured: bit-identical). With exp in the equations each side uses its own exp (libtorch's vectorised one,
/// .NET's Vector.Exp), which may differ in the last bit; over these runs that stays far below 1e-6 mV, and spikes must
/// still be identical.
/// </para>
/// </summary>
public sealed class TorchUserModelTests(ITestOutputHelper output)
{
    private static IBackend Torch => BackendUnderTest.Get("torch");
    private static IBackend Cpu => BackendUnderTest.Get("cpu");

    /// <summary>Izhikevich's quadratic model (RK4, chosen automatically), with a current receptor.</summary>
    private static readonly ModelDefinition Quadratic = new ModelBuilder("TestQuadratic")
        .Parameter("a", 0.02, "1/ms").Parameter("b", 0.2, "1/ms").Parameter("c", -65.0, "mV").Parameter("d", 8.0, "mV/ms")
        .Parameter("i_offset", 0.0, "nA").Parameter("tau_syn", 3.0, "ms")
        .State("v", -70.0, "mV").State("u", -14.0, "mV/ms").State("isyn", 0.0, "nA", recordable: false)
        .Ode("v", "0.04*v**2 + 5*v + 140 - u + 1000*(i_offset + i_inj + isyn)")
        .Ode("u", "a*(b*v - u)")
        .Ode("isyn", "-isyn/tau_syn")
        .Threshold("v >= 30")
        .Reset("v = c", "u += d")
        .Receptor("excitatory", "isyn", ReceptorKind.Current)
        .Build();

    /// <summary>An adaptive exponential integrate-and-fire cell (exp in v: RK4), conductance input, refractory clamp.</summary>
    private static readonly ModelDefinition Exponential = new ModelBuilder("TestAdEx")
        .Parameter("cm", 0.281, "nF").Parameter("g_l", 0.03, "uS").Parameter("e_l", -70.6, "mV").Parameter("v_t", -50.4, "mV")
        .Parameter("delta_t", 2.0, "mV").Parameter("tau_w", 144.0, "ms").Parameter("a", 0.004, "uS").Parameter("b", 0.0805, "nA")
        .Parameter("v_reset", -70.6, "mV").Parameter("v_spike", -40.0, "mV").Parameter("tau_refrac", 0.5, "ms")
        .Parameter("tau_syn_E", 5.0, "ms").Parameter("i_offset", 0.0, "nA")
        .State("v", -70.6, "mV").State("w", 0.0, "nA").State("gsyn_exc", 0.0, "uS")
        .Alias("i_exp", "g_l*delta_t*exp((v - v_t)/delta_t)")
        .Ode("v", "(-g_l*(v - e_l) + i_exp - w + gsyn_exc*(0 - v) + i_offset + i_inj)/cm")
        .Ode("w", "(a*(v - e_l) - w)/tau_w")
        .Ode("gsyn_exc", "-gsyn_exc/tau_syn_E")
        .Threshold("v >= v_spike")
        .Reset("v = v_reset", "w += b")
        .Refractory("tau_refrac", "v = v_reset")
        .Receptor("excitatory", "gsyn_exc", ReceptorKind.Conductance)
        .Build();

    /// <summary>
    /// Leaky integrator with an adaptation current that reads the clamped v (exponential Euler, φ per step for v since
    /// its coefficient depends on the conductance), a conditional, min/max, a logical threshold and two receptors.
    /// </summary>
    private static readonly ModelDefinition Adaptive = new ModelBuilder("TestAdaptive")
        .Parameter("tau_m", 15.0, "ms").Parameter("v_rest", -65.0, "mV").Parameter("v_th", -52.0, "mV").Parameter("v_reset", -68.0, "mV")
        .Parameter("tau_w", 80.0, "ms").Parameter("a_w", 0.01, "nA/mV").Parameter("tau_refrac", 2.0, "ms").Parameter("cm", 0.5, "nF")
        .Parameter("tau_g", 4.0, "ms").Parameter("e_inh", -75.0, "mV").Parameter("i_offset", 0.0, "nA")
        .State("v", -65.0, "mV").State("w", 0.0, "nA").State("g", 0.0, "uS")
        .Alias("drive", "(i_inj if i_inj > 0 else 0.5*i_inj) + max(i_offset, 0)")
        .Ode("v", "(v_rest - v)/tau_m + (drive - w + g*(e_inh - v))/cm")
        .Ode("w", "(a_w*(v - v_rest) - w)/tau_w")
        .Ode("g", "-g/tau_g")
        .Threshold("v >= v_th and w < 0.5")
        .Reset("v = v_reset", "w += 0.05")
        .Refractory("tau_refrac", "v = v_reset")
        .Receptor("excitatory", "v", ReceptorKind.VoltageJump)
        .Receptor("inhibitory", "g", ReceptorKind.Conductance)
        .Build();

    /// <summary>A leaky integrator driven by a sine of the time <c>t</c> (a value that changes every step).</summary>
    private static readonly ModelDefinition Driven = new ModelBuilder("TestDriven")
        .Parameter("tau_m", 10.0, "ms").Parameter("amplitude", 30.0, "mV").Parameter("period", 40.0, "ms").Parameter("v_th", -50.0, "mV")
        .Parameter("i_offset", 0.0, "nA").Parameter("tau_refrac", 1.0, "ms")
        .State("v", -65.0, "mV").State("isyn", 0.0, "nA", recordable: false)
        .Ode("v", "(-65 - v + amplitude*sin(2*pi*t/period) + 10*(isyn + i_offset + i_inj))/tau_m")
        .Ode("isyn", "-isyn/2")
        .Threshold("v >= v_th")
        .Reset("v = -70")
        .Refractory("tau_refrac", "v = -70")
        .Receptor("excitatory", "isyn", ReceptorKind.Current)
        .Build();

    private static Block[] Run(IBackend backend, ModelDefinition model, Action<Populations.Population> configure)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, Seed = 2024 });
        var input = sim.CreatePopulation(4, new CellType("SpikeSourcePoisson").With("rate", 150.0), "input");
        var cells = sim.CreatePopulation(6, new CellType(model), "cells");
        configure(cells);
        new StepCurrentSource([20.0, 120.0, 200.0], [0.5, 1.2, -0.3]).InjectInto(cells[0..3]);
        new DCSource { Amplitude = 0.8, Start = 50.0, Stop = 250.0 }.InjectInto(cells[2..6]);
        _ = new Projection(input, cells, new AllToAllConnector(), new StaticSynapse(model.Receptors[0].Kind == ReceptorKind.Conductance ? 0.01 : 1.0, 0.5),
            model.Receptors[0].Name);
        if (model.Receptors.Count > 1)
            _ = new Projection(input[0..2], cells, new AllToAllConnector(), new StaticSynapse(0.02, 1.5), model.Receptors[1].Name);
        cells.Record(model.Recordables.ToArray());
        sim.Run(300);
        return [cells.GetData()];
    }

    private void Compare(ModelDefinition model, Action<Populations.Population> configure, double tolerance)
    {
        var cpu = Run(Cpu, model, configure)[0].Segments[0];
        var torch = Run(Torch, model, configure)[0].Segments[0];
        int spikes = 0;
        for (int t = 0; t < cpu.SpikeTrains.Count; t++)
        {
            Assert.Equal(cpu.SpikeTrains[t].Times, torch.SpikeTrains[t].Times);
            spikes += cpu.SpikeTrains[t].Times.Length;
        }
        double worst = 0;
        long identical = 0, total = 0;
        foreach (var signal in cpu.AnalogSignals)
        {
            var other = torch.Signal(signal.Name);
            Assert.Equal(signal.Shape, other.Shape);
            for (int i = 0; i < signal.Data.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(signal.Data[i] - other.Data[i]));
                if (signal.Data[i].Equals(other.Data[i])) identical++;
            }
            total += signal.Data.Length;
        }
        output.WriteLine($"{model.Name} ({Meta.Lowering.IntegrationPlan.For(model).Scheme}): {spikes} spikes identical; " +
                         $"max |cpu − torch| {worst:g3}; {identical} of {total} values bit-identical");
        Assert.True(spikes > 0, "the cells must fire");
        Assert.InRange(worst, 0, tolerance);
    }

    [Fact]
    public void Quadratic_RK4_model_matches_the_CPU_backend() =>
        Compare(Quadratic, c => c.Set("i_offset", ParameterValue.Function(i => 0.002 * i)), 1e-9);

    [Fact]
    public void Exponential_RK4_model_matches_the_CPU_backend() =>
        Compare(Exponential, c => c.Set("i_offset", ParameterValue.Function(i => 0.1 + 0.05 * i)), 1e-6);

    [Fact]
    public void Time_dependent_model_matches_the_CPU_backend() =>
        Compare(Driven, c => c.Set("amplitude", ParameterValue.Function(i => 20.0 + 4 * i)), 1e-9);

    [Fact]
    public void Exponential_Euler_model_with_aliases_conditionals_and_a_read_clamp_matches_the_CPU_backend() =>
        Compare(Adaptive, c => c.Set("tau_w", ParameterValue.Function(i => 60.0 + 10 * i)), 1e-9);
}
