using System.Reflection;
using Meta.Backends;
using Meta.CurrentSources;
using Meta.Models;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Recording;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>
/// The ILGPU backend's IL-emitted cell kernels against the C# ones compiled with Roslyn, and its CUDA probe's decision. The
/// backend is a plugin here: its test entry points (<c>PtxCompilation</c>, <c>EmitterScope</c>, <c>CudaProbe</c>) are
/// called through reflection.
/// </summary>
public sealed class IlgpuEmitterTests(ITestOutputHelper output)
{
    private static Assembly Backend => BackendUnderTest.Get("ilgpu").GetType().Assembly;

    /// <summary>Every standard neuron model.</summary>
    public static TheoryData<string> NeuronModels()
    {
        var data = new TheoryData<string>();
        foreach (var model in Meta.Models.Standard.StandardModels.All.Where(m => m.Kind == ModelKind.Neuron)) data.Add(model.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(NeuronModels))]
    public void The_IL_kernel_of_a_standard_model_compiles_to_the_same_PTX_arithmetic_as_its_CSharp_kernel(string name)
    {
        // The IL emitter must take the kernel (it throws where it would fall back), in float64 and float32, with uniform
        // and with per-cell values; and ILGPU's PTX backend must make the same floating-point instructions of both forms
        // (mnemonic, rounding and type, counted), shown without a GPU.
        var model = Meta.Models.Standard.StandardModels.All.Single(m => m.Name == name);
        var kernels = new[] { Meta.Lowering.Kernels.NeuronGroupLowering.KernelOf(model, true), Meta.Lowering.Kernels.NeuronGroupLowering.KernelOf(model, false) };
        var compare = Backend.GetType("Meta.Backends.Ilgpu.PtxCompilation", throwOnError: true)!.GetMethod("CompareEmitters")!;
        var report = (IReadOnlyList<string>)compare.Invoke(null, [9, 0, kernels])!;
        foreach (string line in report) output.WriteLine(line);
        Assert.Equal(4, report.Count);
        // Measured (mendilgpu): the texts are not identical (ILGPU numbers registers and lays out branches differently for
        // the two forms), so the test holds what they share: the same floating-point instructions, counted by kind.
        Assert.All(report, line => Assert.Contains(": same ", line, StringComparison.Ordinal));
    }

    /// <summary>Cells per population of the bit comparison, and its steps (dt 0.1 ms).</summary>
    private const int Cells = 12, Steps = 250;

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Every_standard_model_runs_to_the_same_bits_with_the_IL_and_the_Roslyn_kernels(Precision precision)
    {
        // One network holds every standard neuron model twice (uniform values; every non-zero scalar parameter per cell),
        // driven to spike (DC current, and Poisson input one to one onto each receptor, so no cell sums two events of one
        // step in an order the threads choose); it runs on ILGPU's CPU accelerator with the IL kernels and again with the
        // Roslyn ones, in one process, and every recorded state and spike must agree bit for bit.
        var il = Run(true, precision, out var ilKernels);
        var roslyn = Run(false, precision, out var roslynKernels);
        var models = Models();
        // Each run took the emitter it asked for, for every population (IL refuses no standard model).
        Assert.Equal(2 * models.Count, ilKernels.Count);
        Assert.All(ilKernels, name => Assert.StartsWith("IlgpuKernelIl_", name, StringComparison.Ordinal));
        Assert.Equal(2 * models.Count, roslynKernels.Count);
        Assert.All(roslynKernels, name => Assert.StartsWith("IlgpuKernel_", name, StringComparison.Ordinal));

        var differences = new List<string>();
        foreach (var (label, a) in il)
        {
            var b = roslyn[label];
            var ta = a.Segments[0].SpikeTrains;
            var tb = b.Segments[0].SpikeTrains;
            int spikes = ta.Sum(t => t.Times.Length), values = 0;
            for (int c = 0; c < ta.Count; c++)
                if (!Bits(ta[c].Times).SequenceEqual(Bits(tb[c].Times))) differences.Add($"{label}: spikes of cell {c}: IL [{string.Join(", ", ta[c].Times)}], Roslyn [{string.Join(", ", tb[c].Times)}]");
            foreach (var signal in a.Segments[0].AnalogSignals)
            {
                var other = b.Segments[0].Signal(signal.Name);
                values += signal.Data.Length;
                int first = Enumerable.Range(0, signal.Data.Length).FirstOrDefault(k => Bits(signal.Data[k]) != Bits(other.Data[k]), -1);
                if (signal.Data.Length != other.Data.Length || first >= 0)
                    differences.Add($"{label}: {signal.Name} differs first at sample {first / Math.Max(1, signal.ChannelCount)}, cell {first % Math.Max(1, signal.ChannelCount)}: IL {signal.Data[Math.Max(0, first)]:R}, Roslyn {other.Data[Math.Max(0, first)]:R}");
            }
            // Spikes after an earlier one of the same cell: the refractory period (where the model has one) ran and ended between them.
            int again = ta.Sum(t => Math.Max(0, t.Times.Length - 1));
            output.WriteLine($"{label}: {spikes} spikes ({again} after an earlier one) in {ta.Count(t => t.Times.Length > 0)} of {ta.Count} cells, {values} recorded values, {a.Segments[0].AnalogSignals.Count} states");
            Assert.True(again > 0, $"{label} spikes {spikes} times, none after an earlier one: the comparison would not reach threshold, reset and refractory period");
        }
        Assert.True(differences.Count == 0, $"{differences.Count} differences; the first: {string.Join(Environment.NewLine, differences.Take(12))}");
    }

    /// <summary>The standard neuron models, from the registry.</summary>
    private static List<ModelDefinition> Models() =>
        [.. Meta.Models.Standard.StandardModels.All.Where(m => m.Kind == ModelKind.Neuron).OrderBy(m => m.Name, StringComparer.Ordinal)];

    /// <summary>The network of the bit comparison, run with the emitter <paramref name="il"/> chooses: the data of each population by label.</summary>
    private static Dictionary<string, Block> Run(bool il, Precision precision, out IReadOnlyList<string> kernels)
    {
        var models = Models();
        Assert.True(models.Count >= 12, $"the registry lists {models.Count} standard neuron models, fewer than the 12 this comparison was written for");
        var data = new Dictionary<string, Block>(StringComparer.Ordinal);
        var scope = Backend.GetType("Meta.Backends.Ilgpu.EmitterScope", throwOnError: true)!.GetMethod("Run")!;
        kernels = (IReadOnlyList<string>)scope.Invoke(null, [il, (Action)(() =>
        {
            using var sim = new Simulation(BackendUnderTest.Get("ilgpu"), new SimulationOptions { Timestep = 0.1, MaxDelay = 1.0, Seed = 4242, Precision = precision, Device = "cpu-accelerator" });
            int total = 2 * models.Count * Cells;
            var excitation = sim.CreatePopulation(total, new CellType("SpikeSourcePoisson").With("rate", 600.0), "excitation");
            var inhibition = sim.CreatePopulation(total, new CellType("SpikeSourcePoisson").With("rate", 150.0), "inhibition");
            var populations = new List<(string Label, Meta.Populations.Population Cells)>();
            int at = 0;
            foreach (var model in models)
            {
                foreach (bool uniform in new[] { true, false })
                {
                    var cellType = new CellType(model.Name);
                    if (model.Parameters.Any(p => p.Name == "tau_refrac")) cellType = cellType.With("tau_refrac", 1.0);
                    string label = $"{model.Name} ({(uniform ? "uniform" : "per-cell")} values)";
                    var cells = sim.CreatePopulation(Cells, cellType, label);
                    if (!uniform)
                    {
                        // Every non-zero scalar parameter per cell, within 2 % below its value (inside every parameter's domain).
                        foreach (var p in model.Parameters.Where(p => p.Shape == ParameterShape.Scalar && p.Default != 0))
                        {
                            double value = p.Name == "tau_refrac" ? 1.0 : p.Default;
                            cells.Set(p.Name, Enumerable.Range(0, Cells).Select(k => value * (1 - 0.02 * k / (Cells - 1))).ToArray());
                        }
                    }
                    if (model.Injectable) new DCSource { Amplitude = model.Name == "Izhikevich" ? 0.01 : model.Name.StartsWith("IF_", StringComparison.Ordinal) ? 2.5 : 0.3, Start = 0.5 }.InjectInto(cells);
                    var receptors = model.Receptors;
                    if (receptors.Count > 0)
                        _ = new Projection(excitation[at..(at + Cells)], cells, new OneToOneConnector(), new StaticSynapse(Weight(receptors[0]), 0.2), receptors[0].Name);
                    if (receptors.Count > 1)
                        _ = new Projection(inhibition[at..(at + Cells)], cells, new OneToOneConnector(), new StaticSynapse(Weight(receptors[1]) / 2 * (receptors[1].Kind != ReceptorKind.Conductance && receptors[1].Name == "inhibitory" ? -1 : 1), 0.3), receptors[1].Name);
                    at += Cells;
                    cells.Record(model.Recordables);
                    populations.Add((label, cells));
                }
            }
            sim.Run(Steps * 0.1);
            foreach (var (label, cells) in populations) data[label] = cells.GetData();
        })])!;
        return data;
    }

    /// <summary>A weight that makes a few events move a cell noticeably: by the receptor's unit (the sign is the caller's: PyNN's inhibitory currents are negative).</summary>
    private static double Weight(ReceptorDefinition receptor) => receptor.WeightUnit switch
    {
        "uS" => 0.02,
        "nA" => 0.6,
        _ => 2.0,
    };

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static long[] Bits(double[] values) => Array.ConvertAll(values, Bits);

    private delegate bool Decide(bool windows, Func<string, bool> loads, Func<string, bool> exists, out string reason);

    private static (bool Probe, string Reason) Probe(bool windows, Func<string, bool> loads, Func<string, bool> exists)
    {
        var decide = Backend.GetType("Meta.Backends.Ilgpu.CudaProbe", throwOnError: true)!.GetMethod("Decide")!.CreateDelegate<Decide>();
        bool probe = decide(windows, loads, exists, out string reason);
        return (probe, reason);
    }

    [Fact]
    public void The_CUDA_probe_is_skipped_only_without_a_driver_library_and_without_an_NVIDIA_device_node()
    {
        static bool None(string _) => false;
        // A Linux machine with no driver: no library, no node.
        var bare = Probe(false, None, None);
        Assert.False(bare.Probe);
        Assert.Contains("no NVIDIA device node", bare.Reason, StringComparison.Ordinal);
        // The driver's library under its versioned name only (no development symlink), as on most Linux installs.
        var tried = new List<string>();
        var versioned = Probe(false, l => { tried.Add(l); return l == "libcuda.so.1"; }, None);
        Assert.True(versioned.Probe);
        Assert.Equal("libcuda.so.1", tried[0]);
        // WSL2: the library only in /usr/lib/wsl/lib, which the default search does not read.
        Assert.True(Probe(false, l => l.StartsWith("/usr/lib/wsl/lib/", StringComparison.Ordinal), None).Probe);
        // A library this check cannot load but a device node (Linux driver or WSL): ILGPU's own lookup decides.
        foreach (string node in new[] { "/dev/nvidiactl", "/dev/dxg" })
        {
            var withNode = Probe(false, None, n => n == node);
            Assert.True(withNode.Probe, node);
            Assert.Contains(node, withNode.Reason, StringComparison.Ordinal);
        }
        // Windows: nvcuda.dll decides; device nodes are not looked at.
        Assert.True(Probe(true, l => l == "nvcuda", None).Probe);
        Assert.False(Probe(true, None, _ => true).Probe);
    }
}
