using System.Globalization;
using Meta.Backends;
using Meta.CurrentSources;
using Meta.Models;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;
using Meta.Recording;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>
/// The ILGPU backend against the CPU backend on the same scripts (both loaded from their plugin folders; ILGPU on its
/// CPU accelerator when there is no GPU).
/// <para>
/// Tolerances. float64: the ILGPU kernels are generated from the same integration plan as the CPU's and do the same
/// arithmetic in the same order, so spike trains must be identical and every recorded value within 1e-9 of the CPU's
/// (measured: identical spikes; recorded values bit-identical or within 1e-14). Only two things may differ in the last bits: the order of the atomic
/// additions when several spikes reach one cell in one step (addition is not associative) and exp/log/pow, which the
/// kernels compute with their own routines (within 2 ulp) because ILGPU's GPU compiler has no float64 exp.
/// float32: each step rounds the state to 24 bits (about 4e-6 mV at −60 mV), so traces drift slowly apart; spike
/// times may move by a step where a crossing is that close. Stated bounds: per-cell spike counts within 1, every
/// spike within 2 steps of the float64 one, v within 0.05 mV RMS (measured: identical spikes, 3e-5 mV).
/// </para>
/// </summary>
public sealed class IlgpuCrossBackendTests(ITestOutputHelper output)
{
    private static IBackend Ilgpu => BackendUnderTest.Get("ilgpu");
    private static IBackend Cpu => BackendUnderTest.Get("cpu");

    private const double Float64Tolerance = 1e-9;

    /// <summary>The brief's network: 50 IF_cond_exp, 5 spike arrays and 5 Poisson inputs, FixedProbability, 200 ms.</summary>
    private static Block[] SmallNetwork(IBackend backend, Precision precision)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, MaxDelay = 4.0, Seed = 31337, Precision = precision });
        var arrays = sim.CreatePopulation(5, new CellType("SpikeSourceArray").WithSequence("spike_times",
            Parameters.SequenceValue.Function(i => Enumerable.Range(0, 25).Select(k => 3.0 + 7.9 * k + 1.3 * i).ToArray())), "arrays");
        var poisson = sim.CreatePopulation(5, new CellType("SpikeSourcePoisson").With("rate", 80.0).With("start", 20.0), "poisson");
        var cell = new CellType("IF_cond_exp").With("tau_refrac", 2.0).With("v_rest", -60.0).With("v_reset", -63.0).With("tau_syn_I", 8.0);
        var exc = sim.CreatePopulation(40, cell, "exc");
        var inh = sim.CreatePopulation(10, cell, "inh");
        var all = exc + inh;
        all.Initialize("v", new RandomDistribution("uniform", -65.0, -52.0));
        exc.Set("i_offset", new RandomDistribution("uniform", 0.0, 0.2));
        _ = new Projection(arrays, all, new FixedProbabilityConnector(0.4), new StaticSynapse(0.015, 0.5), "excitatory");
        _ = new Projection(poisson, all, new FixedProbabilityConnector(0.4), new StaticSynapse(0.01, new RandomDistribution("uniform", 0.1, 2.0)), "excitatory");
        _ = new Projection(exc, all, new FixedProbabilityConnector(0.15), new StaticSynapse(new RandomDistribution("uniform", 0.002, 0.006), 1.0), "excitatory");
        _ = new Projection(inh, all, new FixedProbabilityConnector(0.3), new StaticSynapse(0.02, new RandomDistribution("uniform", 0.3, 3.0)), "inhibitory");
        new DCSource { Amplitude = 0.25, Start = 60, Stop = 90 }.InjectInto(exc[0..10]);
        all.Record("spikes");
        exc.Record(["v", "gsyn_exc"]);
        inh.Record("v", samplingInterval: 0.5);
        arrays.Record("spikes");
        poisson.Record("spikes");
        sim.Run(200);
        return [all.GetData(), exc.GetData(), inh.GetData(), arrays.GetData(), poisson.GetData()];
    }

    [Fact]
    public void Small_network_matches_the_CPU_backend_spike_for_spike_in_float64()
    {
        var cpu = SmallNetwork(Cpu, Precision.Float64);
        var gpu = SmallNetwork(Ilgpu, Precision.Float64);
        int spikes = cpu[0].Segments[0].SpikeTrains.Sum(t => t.Times.Length);
        Assert.True(spikes > 100, $"the network is too quiet to test ({spikes} spikes)");
        double diff = Compare(cpu, gpu, Float64Tolerance);
        output.WriteLine($"{spikes} spikes, identical trains; largest difference of a recorded value {diff:E2}");
    }

    [Fact]
    public void Small_network_in_float32_stays_within_the_stated_tolerance()
    {
        var reference = SmallNetwork(Ilgpu, Precision.Float64);
        var single = SmallNetwork(Ilgpu, Precision.Float32);
        var a = reference[0].Segments[0].SpikeTrains;
        var b = single[0].Segments[0].SpikeTrains;
        int worstCount = a.Zip(b).Max(p => Math.Abs(p.First.Times.Length - p.Second.Times.Length));
        double worstGap = a.Zip(b).Max(p => Conformance.Scenarios.Metrics.MaxSpikeTimeDifference(p.First.Times, p.Second.Times));
        var va = reference[1].Segments[0].Signal("v").Data;
        var vb = single[1].Segments[0].Signal("v").Data;
        double rms = Math.Sqrt(va.Zip(vb).Average(p => (p.First - p.Second) * (p.First - p.Second)));
        double max = va.Zip(vb).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"float32 vs float64: worst per-cell count difference {worstCount}, worst spike shift {worstGap:0.###} ms, v RMS {rms:E2} mV, v max {max:E2} mV");
        Assert.InRange(worstCount, 0, 1);
        Assert.InRange(worstGap, 0, 2 * 0.1 + 1e-9);
        Assert.InRange(rms, 0, 0.05);
    }

    [Fact]
    public void Recording_shapes_intervals_and_views_match_the_CPU_backend()
    {
        Block[] Script(IBackend backend)
        {
            using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, MaxDelay = 3.0, Seed = 5 });
            var src = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times",
                Parameters.SequenceValue.PerCell([[2.0, 4.0, 9.5, 15.0], [3.3, 12.2]])));
            var a = sim.CreatePopulation(5, new CellType("IF_curr_alpha").With("tau_refrac", 1.0).With("cm", 0.3), "a");
            a.Set("i_offset", new[] { 0.0, 0.5, 0.8, 1.0, 1.2 });
            var b = sim.CreatePopulation(4, new CellType("IF_cond_alpha"), "b");
            _ = new Projection(src, b, new AllToAllConnector(), new StaticSynapse(0.01, 0.7), "excitatory");
            _ = new Projection(src, a, new AllToAllConnector(), new StaticSynapse(0.5, 1.5), "excitatory");
            a.Record("v");
            a[1, 3].Record("spikes");
            b.Record("gsyn_exc", samplingInterval: 0.3);
            b[0..2].Record("v", samplingInterval: 0.5);
            sim.Run(12.3);
            sim.Run(7.7);
            sim.RunUntil(25.05);
            sim.Reset();
            b.Record("v", samplingInterval: 0.5);
            sim.Run(6.1);
            return [a.GetData(), b.GetData()];
        }
        var cpu = Script(Cpu);
        var gpu = Script(Ilgpu);
        var v = gpu[0].Segments[0].Signal("v");
        Assert.Equal((251, 5), v.Shape);
        Assert.Equal((84, 4), gpu[1].Segments[0].Signal("gsyn_exc").Shape);
        Assert.Equal(2, gpu[0].Segments.Count);
        Assert.Equal(2, gpu[0].Segments[0].SpikeTrains.Count);
        double diff = Compare(cpu, gpu, Float64Tolerance);
        output.WriteLine($"shapes: a.v {v.Shape}, b.gsyn_exc {gpu[1].Segments[0].Signal("gsyn_exc").Shape}, b.v {gpu[1].Segments[0].Signal("v").Shape}, " +
                         $"after reset b.v {gpu[1].Segments[1].Signal("v").Shape}; largest difference {diff:E2}");
    }

    [Fact]
    public void Reset_runs_and_updates_between_runs_match_the_CPU_backend()
    {
        Block[] Script(IBackend backend)
        {
            using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, MaxDelay = 3.0, Seed = 99 });
            var poisson = sim.CreatePopulation(4, new CellType("SpikeSourcePoisson").With("rate", 120.0), "poisson");
            var array = sim.CreatePopulation(2, new CellType("SpikeSourceArray").WithSequence("spike_times",
                Parameters.SequenceValue.PerCell([[5.0, 25.0, 45.0], [10.0, 10.0, 30.0]])), "array");
            var cells = sim.CreatePopulation(12, new CellType("IF_cond_exp").With("tau_refrac", 1.5), "cells");
            cells.Initialize("v", new RandomDistribution("uniform", -66.0, -56.0));
            var fromPoisson = new Projection(poisson, cells, new FixedProbabilityConnector(0.5), new StaticSynapse(0.02, 0.4), "excitatory");
            var fromArray = new Projection(array, cells, new AllToAllConnector(), new StaticSynapse(0.03, 1.0), "excitatory");
            var recurrent = new Projection(cells, cells, new FixedProbabilityConnector(0.3), new StaticSynapse(0.01, 0.8), "inhibitory");
            var dc = new DCSource { Amplitude = 0.4, Start = 15, Stop = 35 };
            dc.InjectInto(cells[0..4]);
            cells.Record(["spikes", "v", "gsyn_inh"]);
            poisson.Record("spikes");
            sim.Run(40);
            fromArray.Set("weight", 0.05);
            recurrent.Set("delay", 0.6);
            cells.Set("tau_m", Enumerable.Range(0, 12).Select(i => 15.0 + i).ToArray());
            poisson.Set("rate", 60.0);
            array.SetSequence("spike_times", Parameters.SequenceValue.PerCell([[38.0, 50.0, 52.5], [41.0, 60.0]]));
            dc.Amplitude = 0.6;
            dc.Stop = 70;
            sim.Run(35.5);
            sim.Reset();
            fromPoisson.Set("weight", 0.03);
            sim.Run(30);
            sim.Reset();
            sim.Run(30);
            return [cells.GetData(), poisson.GetData()];
        }
        var cpu = Script(Cpu);
        var gpu = Script(Ilgpu);
        Assert.Equal(3, gpu[0].Segments.Count);
        double diff = Compare(cpu, gpu, Float64Tolerance);
        // The last two segments repeat the same script from the same state: identical.
        Assert.Equal(gpu[0].Segments[1].Signal("v").Data, gpu[0].Segments[2].Signal("v").Data);
        output.WriteLine($"{gpu[0].Segments.Sum(s => s.SpikeTrains.Sum(t => t.Times.Length))} spikes over 3 segments; largest difference {diff:E2}");
    }

    [Fact]
    public void Current_sources_act_from_start_plus_dt_exactly_as_on_the_CPU_backend()
    {
        Block Script(IBackend backend, Precision precision)
        {
            using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, Precision = precision });
            var cells = sim.CreatePopulation(3, new CellType("IF_curr_exp").With("v_rest", -60.0).With("tau_refrac", 2.0), "cells");
            cells.Initialize("v", -60.0);
            new DCSource { Amplitude = 0.5, Start = 10, Stop = 20 }.InjectInto(cells[0]);
            new StepCurrentSource([10, 20, 25.05, 31], [0.5, 0.0, 2.0, -0.3]).InjectInto(cells[1]);
            new DCSource { Amplitude = 0.5, Start = 10, Stop = 20 }.InjectInto(cells[2]);
            new DCSource { Amplitude = 1.5, Start = 25.05, Stop = 31 }.InjectInto(cells[2]);
            cells.Record(["v", "spikes"]);
            sim.Run(40);
            return cells.GetData();
        }
        var cpu = Script(Cpu, Precision.Float64);
        var gpu = Script(Ilgpu, Precision.Float64);
        var v = gpu.Segments[0].Signal("v");
        Assert.Equal(-60.0, v[100, 0]);
        Assert.True(v[101, 0] > -60.0, "v must change at start + dt");
        double diff = Compare([cpu], [gpu], Float64Tolerance);
        var single = Script(Ilgpu, Precision.Float32).Segments[0].Signal("v");
        Assert.Equal(-60.0, single[100, 0]);
        Assert.True(single[101, 0] > -60.0, "v must change at start + dt in float32 too");
        double rms = Math.Sqrt(v.Data.Zip(single.Data).Average(p => (p.First - p.Second) * (p.First - p.Second)));
        output.WriteLine($"v(10.0) = {v[100, 0]}, v(10.1) = {v[101, 0]:0.########}; largest float64 difference {diff:E2}; float32 v RMS {rms:E2} mV");
        Assert.InRange(rms, 0, 0.05);
    }

    [Fact]
    public void User_defined_models_match_the_CPU_backend()
    {
        // Exponential Euler with a state-dependent factor, RK4 with exp (adaptive exponential LIF), and every function
        // of the expression language (DeviceMath on the device, the CPU's vector math there).
        var adex = new ModelBuilder("test_adex")
            .Parameter("tau_m", 9.37, "ms").Parameter("cm", 0.281, "nF").Parameter("v_rest", -70.6, "mV").Parameter("v_thresh", -50.4, "mV")
            .Parameter("delta_T", 2.0, "mV").Parameter("tau_w", 144.0, "ms").Parameter("a", 4.0, "nS").Parameter("b", 0.0805, "nA")
            .Parameter("v_reset", -70.6, "mV").Parameter("v_spike", -40.0, "mV").Parameter("tau_refrac", 0.5, "ms").Parameter("tau_syn", 5.0, "ms")
            .Parameter("i_offset", 0.0, "nA")
            .State("v", -70.6, "mV").State("w", 0.0, "nA").State("isyn", 0.0, "nA", recordable: false)
            .Ode("v", "((v_rest - v) + delta_T*exp((v - v_thresh)/delta_T))/tau_m + (isyn - w + i_offset + i_inj)/cm")
            .Ode("w", "(a*0.001*(v - v_rest) - w)/tau_w")
            .Ode("isyn", "-isyn/tau_syn")
            .Threshold("v >= v_spike").Reset("v = v_reset", "w += b").Refractory("tau_refrac", "v = v_reset")
            .Receptor("excitatory", "isyn", ReceptorKind.Current)
            .Build();
        var functions = new ModelBuilder("test_functions")
            .Parameter("tau", 10.0, "ms").Parameter("k", 0.03, "1")
            .State("x", 0.5, "1").State("y", 1.0, "1")
            .Ode("x", "-x/tau + k*(sin(2*pi*t/7) + cos(x) - tanh(y) + log(2 + abs(x)) + pow(1 + y*y, 0.25) - sqrt(1 + x*x) + min(x, y) - max(x, 0) + tan(0.2*sin(x))) + 0.01*exp(-y)")
            .Ode("y", "(1 - y)/tau + 0.05*sin(x)*y")
            .Build();
        (Block, Block) Script(IBackend backend)
        {
            using var sim = new Simulation(backend, new SimulationOptions { Timestep = 0.1, Seed = 3 });
            var src = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 20.0, 22.0, 24.0, 60.0 }));
            var cells = sim.CreatePopulation(3, new CellType(adex));
            cells.Set("i_offset", new[] { 0.5, 0.8, 1.0 });
            _ = new Projection(src, cells, new AllToAllConnector(), new StaticSynapse(0.4, 1.0), "excitatory");
            var f = sim.CreatePopulation(2, new CellType(functions));
            f.Initialize("x", new[] { 0.5, -1.5 });
            cells.Record(["v", "w", "spikes"]);
            f.Record(["x", "y"]);
            sim.Run(150);
            return (cells.GetData(), f.GetData());
        }
        var (cpuAdex, cpuF) = Script(Cpu);
        var (gpuAdex, gpuF) = Script(Ilgpu);
        int spikes = gpuAdex.Segments[0].SpikeTrains.Sum(t => t.Times.Length);
        Assert.True(spikes > 5, $"the AdEx cells should fire ({spikes} spikes)");
        double diff = Compare([cpuAdex, cpuF], [gpuAdex, gpuF], 1e-8);
        output.WriteLine($"user-defined models: {spikes} AdEx spikes, identical trains; largest difference {diff:E2} (exp/log/pow/trig by DeviceMath vs .NET)");
    }

    [Fact]
    public void Device_math_agrees_with_dotnet_math()
    {
        // The kernels' exp, log, pow, trigonometric and hyperbolic functions are DeviceMath's own (ILGPU's GPU compiler
        // has none in float64); they must agree with .NET's to a few ulp. The backend is a plugin here: reflection.
        var type = Ilgpu.GetType().Assembly.GetType("Meta.Backends.Ilgpu.Kernels.DeviceMath", throwOnError: true)!;
        Func<double, double> F(string name) => type.GetMethod(name, [typeof(double)])!.CreateDelegate<Func<double, double>>();
        var pow = type.GetMethod("Pow", [typeof(double), typeof(double)])!.CreateDelegate<Func<double, double, double>>();
        var rng = new System.Random(7);
        double Rel(double a, double b) => a == b ? 0 : Math.Abs(a - b) / Math.Max(Math.Abs(b), double.Epsilon);
        double worstExp = 0, worstLog = 0, worstPow = 0, worstTrig = 0, worstTanh = 0;
        for (int i = 0; i < 20000; i++)
        {
            double x = (rng.NextDouble() - 0.5) * 1400;
            double y = Math.Exp((rng.NextDouble() - 0.5) * 1400);
            double z = (rng.NextDouble() - 0.5) * 200;
            worstExp = Math.Max(worstExp, Rel(F("Exp")(x), Math.Exp(x)));
            worstLog = Math.Max(worstLog, Rel(F("Log")(y), Math.Log(y)));
            double b = (rng.NextDouble() - 0.5) * 20, a = rng.NextDouble() * 10;
            worstPow = Math.Max(worstPow, Rel(pow(a, b), Math.Pow(a, b)));
            worstTrig = Math.Max(worstTrig, Math.Max(Math.Abs(F("Sin")(z) - Math.Sin(z)), Math.Abs(F("Cos")(z) - Math.Cos(z))));
            worstTanh = Math.Max(worstTanh, Rel(F("Tanh")(z / 20), Math.Tanh(z / 20)));
        }
        output.WriteLine($"relative errors: exp {worstExp:E2}, log {worstLog:E2}, pow {worstPow:E2}, tanh {worstTanh:E2}; sin/cos absolute {worstTrig:E2}");
        Assert.InRange(worstExp, 0, 5e-16);
        Assert.InRange(worstLog, 0, 5e-16);
        Assert.InRange(worstPow, 0, 1e-14);
        Assert.InRange(worstTrig, 0, 1e-15);
        Assert.InRange(worstTanh, 0, 1e-15);
        Assert.Equal(0.0, F("Exp")(-800));
        Assert.Equal(double.PositiveInfinity, F("Exp")(800));
        Assert.True(double.IsNaN(F("Log")(-1)));
        Assert.Equal(double.NegativeInfinity, F("Log")(0));
        Assert.Equal(-8.0, pow(-2, 3), 12);
        Assert.Equal(3.0, F("Floor")(3.7));
        Assert.Equal(-4.0, F("Floor")(-3.2));
        Assert.Equal(-3.0, F("Ceiling")(-3.2));
    }

    [Fact]
    public void Devices_are_listed_and_unavailable_ones_refused()
    {
        var backend = Ilgpu;
        output.WriteLine($"devices: {string.Join(", ", backend.Devices)}");
        Assert.Contains("cpu-accelerator", backend.Devices);
        Assert.Contains(Precision.Float32, backend.Descriptor.Capabilities.Precisions);
        Assert.Contains(Precision.Float64, backend.Descriptor.Capabilities.Precisions);
        var bogus = Assert.Throws<NotSupportedByBackendException>(() => backend.CreateEngine(new EngineOptions { Device = "tpu:0" }));
        Assert.Contains("cpu-accelerator", bogus.Message, StringComparison.Ordinal);
        if (!backend.Devices.Any(d => d.StartsWith("cuda", StringComparison.Ordinal)))
        {
            var cuda = Assert.Throws<NotSupportedByBackendException>(() => backend.CreateEngine(new EngineOptions { Device = "cuda" }));
            output.WriteLine($"cuda without a CUDA device: {cuda.Message}");
            using var sim = new Simulation(backend, new SimulationOptions { Device = "cuda:0" });
            sim.CreatePopulation(1, new CellType("IF_curr_exp"));
            Assert.Throws<NotSupportedByBackendException>(() => sim.Run(1));
        }
        using var engine = backend.CreateEngine(new EngineOptions { Device = "cpu-accelerator", Precision = Precision.Float32 });
        Assert.NotNull(engine);
    }

    [Fact]
    public void Every_kernel_compiles_to_PTX()
    {
        // The CPU accelerator runs kernels as .NET code; ILGPU's PTX backend is stricter. Compiling everything to PTX
        // (no GPU needed) catches what only a GPU run would otherwise reveal. The backend is a plugin here: reflection.
        var type = Ilgpu.GetType().Assembly.GetType("Meta.Backends.Ilgpu.PtxCompilation", throwOnError: true)!;
        var compile = type.GetMethod("CompileAll")!;
        var extra = new ModelBuilder("ptx_functions")
            .Parameter("tau", 10.0, "ms")
            .State("x", 0.5, "1")
            .Ode("x", "-x/tau + sin(x) + cos(x) + tan(x) + tanh(x) + exp(-x) + log(2 + x*x) + sqrt(1 + x*x) + pow(1 + x*x, 0.3) + abs(x) + floor(x) + ceil(x) + min(x, 1) + max(x, 0) + x**5")
            .Threshold("x > 3").Reset("x = 0")
            .Integrate(IntegrationScheme.RungeKutta4)
            .Build();
        // Every standard model and the function test, lowered with uniform values and with per-cell values.
        var kernels = Meta.Models.Standard.StandardModels.All.Where(m => m.Kind == ModelKind.Neuron).Append(extra)
            .SelectMany(m => new[] { Meta.Lowering.Kernels.NeuronGroupLowering.KernelOf(m, true), Meta.Lowering.Kernels.NeuronGroupLowering.KernelOf(m, false) })
            .ToArray();
        foreach (var (major, minor) in new[] { (6, 0), (9, 0) })
        {
            var report = (IReadOnlyList<string>)compile.Invoke(null, [major, minor, kernels, null])!;
            output.WriteLine($"sm_{major}{minor}: {report.Count} kernels compiled, e.g. {report[^1]}");
            Assert.True(report.Count >= 5 + 4 * 6, $"only {report.Count} kernels compiled");
        }
    }

    /// <summary>Asserts identical spike trains and recorded values within <paramref name="tolerance"/>; returns the largest difference.</summary>
    internal static double Compare(IReadOnlyList<Block> expected, IReadOnlyList<Block> actual, double tolerance)
    {
        double worst = 0;
        Assert.Equal(expected.Count, actual.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k].Segments.Count, actual[k].Segments.Count);
            for (int s = 0; s < expected[k].Segments.Count; s++)
            {
                var e = expected[k].Segments[s];
                var a = actual[k].Segments[s];
                Assert.Equal(e.SpikeTrains.Count, a.SpikeTrains.Count);
                for (int i = 0; i < e.SpikeTrains.Count; i++)
                {
                    if (!e.SpikeTrains[i].Times.SequenceEqual(a.SpikeTrains[i].Times))
                        Assert.Fail($"block {k} segment {s}: spike train {i} differs: [{Join(e.SpikeTrains[i].Times)}] vs [{Join(a.SpikeTrains[i].Times)}]");
                }
                Assert.Equal(e.AnalogSignals.Select(x => x.Name), a.AnalogSignals.Select(x => x.Name));
                foreach (var (x, y) in e.AnalogSignals.Zip(a.AnalogSignals))
                {
                    Assert.Equal(x.Shape, y.Shape);
                    Assert.Equal(x.TStart, y.TStart, 12);
                    Assert.Equal(x.SamplingPeriod, y.SamplingPeriod, 12);
                    Assert.Equal(x.ChannelIndex, y.ChannelIndex);
                    for (int i = 0; i < x.Data.Length; i++)
                    {
                        double d = Math.Abs(x.Data[i] - y.Data[i]);
                        if (!(d <= tolerance))
                            Assert.Fail($"block {k} segment {s} signal {x.Name}: sample {i / x.ChannelCount}, channel {i % x.ChannelCount}: {x.Data[i]} vs {y.Data[i]}");
                        worst = Math.Max(worst, d);
                    }
                }
            }
        }
        return worst;
    }

    private static string Join(double[] values) => string.Join(", ", values.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)));
}
