using Meta.Backends;
using System.Numerics;
using Meta.Backends.Cpu;
using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Lowering;
using Meta.Lowering.Kernels;
using Meta.CurrentSources;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Populations;
using Meta.Random;
using Meta.Recording;
using Meta.Network;

namespace Meta.Tests.Cpu;

/// <summary>
/// The CPU kernel without injected current (for cells no current source or coupling drives): it takes +0 as every cell's
/// injected current instead of loading the array, and gives the bits of the kernel that reads an array of +0.0, as IL and as
/// C#, narrow and wide; a neuron group runs it exactly where no current source (whatever its start) or coupling targets it,
/// decided at load and before each run, and every run gives the bits of an engine that always reads the array.
/// </summary>
public class InjectedCurrentVariantTests
{
    private const int Steps = 200;

    /// <summary>The standard neuron models that read the injected current (every one that has a membrane).</summary>
    public static TheoryData<string, bool> Kernels()
    {
        var data = new TheoryData<string, bool>();
        foreach (var m in StandardModels.All.Where(m => m.Kind == ModelKind.Neuron && CpuKernelEmitter.ReadsInjected(NeuronGroupLowering.KernelOf(m, true))))
        {
            data.Add(m.Name, true);
            data.Add(m.Name, false);
        }
        return data;
    }

    [Fact]
    public void The_conductance_and_current_based_cells_read_the_injected_current()
    {
        var names = Kernels().Select(row => (string)row[0]).ToHashSet();
        names.Should().Contain(["IF_cond_exp", "IF_curr_exp"]);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Without_injected_current_il_gives_the_bits_of_roslyn_and_of_the_kernel_reading_zeros(string model, bool uniform) =>
        CompareBothPrecisions(model, uniform, wide: false);

    [Vector512Theory]
    [MemberData(nameof(Kernels))]
    public void Without_injected_current_wide_il_gives_the_bits_of_wide_roslyn_and_of_the_kernel_reading_zeros(string model, bool uniform) =>
        CompareBothPrecisions(model, uniform, wide: true);

    /// <summary><see cref="Compare{T}"/> of standard model <paramref name="model"/>'s kernel in float64 and in float32.</summary>
    private static void CompareBothPrecisions(string model, bool uniform, bool wide)
    {
        var kernel = NeuronGroupLowering.KernelOf(StandardModels.All.Single(m => m.Name == model), uniform);
        Compare<double>(kernel, wide, spikes: !uniform);
        Compare<float>(kernel, wide, spikes: !uniform);
    }

    [Fact]
    public void The_kernel_without_injected_current_does_not_read_the_array()
    {
        // A kernel that read the array would be driven by these currents; the variant computes what a zero array gives.
        var kernel = NeuronGroupLowering.KernelOf(StandardModels.All.Single(m => m.Name == "IF_curr_exp"), false);
        var reads = IlKernels.Get<double>(kernel, wide: false, injected: true, out _);
        var ignores = IlKernels.Get<double>(kernel, wide: false, injected: false, out _);
        ignores.Should().NotBeSameAs(reads);
        var driven = new KernelRun<double>(kernel, 3);
        var zero = new KernelRun<double>(kernel, 3);
        var variant = new KernelRun<double>(kernel, 3);
        for (int i = 0; i < KernelRun<double>.Cells; i++) driven.Injected[i] = zero.Injected[i] = variant.Injected[i] = 5.0;
        Array.Clear(zero.Injected);
        driven.Step(reads, 0);
        zero.Step(reads, 0);
        variant.Step(ignores, 0);
        KernelRun<double>.Bits(variant.CellValues[0]).Should().Equal(KernelRun<double>.Bits(zero.CellValues[0]));
        KernelRun<double>.Bits(variant.CellValues[0]).Should().NotEqual(KernelRun<double>.Bits(driven.CellValues[0]));
    }

    [Fact]
    public void A_kernel_that_reads_no_injected_current_is_one_kernel_either_way()
    {
        var model = new ModelBuilder("il_no_injection").Parameter("tau", 10.0, "ms").State("x", 0.5, "1")
            .Ode("x", "-x/tau").Threshold("x > 3").Reset("x = 0").Build();
        var kernel = NeuronGroupLowering.KernelOf(model, false);
        CpuKernelEmitter.ReadsInjected(kernel).Should().BeFalse();
        IlKernels.Get<double>(kernel, wide: false, injected: false, out _).Should().BeSameAs(IlKernels.Get<double>(kernel, wide: false, injected: true, out _));
    }

    [Fact]
    public void A_group_compiles_the_other_kernel_only_when_the_choice_changes()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1 });
        sim.CreatePopulation(20, new CellType("IF_curr_exp"), "cells");
        var program = (NeuronGroupProgram)new NetworkLowering(sim.Resolve()).Program.Groups[0];
        int kernels = 0;
        var group = new NeuronGroup<double>(program, 0.1, 1, _ => kernels++, readsInjected: false);
        var plain = new NeuronGroup<double>(program, 0.1, 1, _ => { }, readsInjected: false);
        group.Rings = plain.Rings = [new double[group.PaddedSize], new double[group.PaddedSize]];
        group.ReadsInjected.Should().BeFalse();
        kernels.Should().Be(1);

        group.ReadInjected(true);
        group.ReadInjected(true);
        group.ReadsInjected.Should().BeTrue();
        kernels.Should().Be(2, "the reading kernel is taken once, when the choice changes");
        group.Injected[3] = 2.0;
        plain.Injected[3] = 2.0;
        group.Update(0, group.PaddedSize, 0, 0);
        plain.Update(0, plain.PaddedSize, 0, 0);
        group.State("v")[3].Should().NotBe(plain.State("v")[3], "the reading kernel adds cell 3's current, the other takes +0");
        group.State("v")[4].Should().Be(plain.State("v")[4]);

        group.ReadInjected(false);
        group.ReadsInjected.Should().BeFalse();
        kernels.Should().Be(3);
    }

    /// <summary>
    /// Two groups, <c>driven</c> (IF_curr_exp, group 0; <paramref name="sources"/> go into it) and <c>quiet</c> (IF_cond_exp,
    /// group 1, which no source targets), each recording v and spikes, lowered to a step program.
    /// </summary>
    private static StepProgram TwoGroups(Action<Population>? sources)
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 3 });
        var driven = sim.CreatePopulation(12, new CellType("IF_curr_exp"), "driven");
        var quiet = sim.CreatePopulation(12, new CellType("IF_cond_exp"), "quiet");
        foreach (var p in new[] { driven, quiet })
        {
            p.Initialize("v", new RandomDistribution("uniform", -65.0, -52.0));
            p.Record("v");
            p.Record("spikes");
        }
        sources?.Invoke(driven);
        return new NetworkLowering(sim.Resolve()).Program;
    }

    public static TheoryData<bool> Precisions() => new() { false, true };

    /// <summary>
    /// Runs <paramref name="scenario"/> on an engine that chooses each group's kernel by the rule and on one whose kernels always
    /// read the injected-current array: the spikes and the bits of every sample agree. Returns the choosing engine's choice
    /// per group after the scenario, and its results.
    /// </summary>
    private static (bool[] Reads, List<RunResult> Results) SameAsReading(bool single, StepProgram program, Func<ISimulationEngine, List<RunResult>> scenario)
    {
        var options = new EngineOptions { Threads = 1, Precision = single ? Precision.Float32 : Precision.Float64 };
        using var choosing = new CpuBackend().CreateEngine(options);
        using var reading = new CpuBackend { ForceInjectedRead = true }.CreateEngine(options);
        choosing.Load(program);
        reading.Load(program);
        var chosen = scenario(choosing);
        var forced = scenario(reading);
        Enumerable.Range(0, program.Groups.Count).Select(g => ReadsInjected(reading, g)).Should().AllSatisfy(r => r.Should().BeTrue("the forced engine reads every array"));
        chosen.Should().HaveSameCount(forced);
        for (int r = 0; r < chosen.Count; r++)
        {
            chosen[r].Spikes.Should().HaveSameCount(forced[r].Spikes);
            for (int b = 0; b < chosen[r].Spikes.Count; b++)
            {
                chosen[r].Spikes[b].Cells.Should().Equal(forced[r].Spikes[b].Cells);
                chosen[r].Spikes[b].Steps.Should().Equal(forced[r].Spikes[b].Steps);
            }
            chosen[r].Samples.Should().HaveSameCount(forced[r].Samples);
            for (int b = 0; b < chosen[r].Samples.Count; b++)
                chosen[r].Samples[b].Values.Select(BitConverter.DoubleToInt64Bits).Should().Equal(forced[r].Samples[b].Values.Select(BitConverter.DoubleToInt64Bits));
        }
        return (Enumerable.Range(0, program.Groups.Count).Select(g => ReadsInjected(choosing, g)).ToArray(), chosen);
    }

    private static bool ReadsInjected(ISimulationEngine engine, int group) => engine switch
    {
        CpuEngine<double> e => e.KernelReadsInjected(group),
        CpuEngine<float> e => e.KernelReadsInjected(group),
        _ => throw new ArgumentException("Not a CPU engine.", nameof(engine)),
    };

    private static int SpikeCount(IEnumerable<RunResult> results) => results.Sum(r => r.Spikes.Sum(b => b.Cells.Length));

    [Theory]
    [MemberData(nameof(Precisions))]
    public void An_ac_source_of_phase_zero_gives_the_bits_of_the_reading_kernel(bool single)
    {
        // Its amplitude is 0 at every half period and again after it stops: the group reads the array throughout.
        var program = TwoGroups(cells => new ACSource { Amplitude = 4.0, Offset = 0.0, Frequency = 25, Phase = 0, Start = 5, Stop = 60 }.InjectInto(cells[0..6]));
        var (reads, results) = SameAsReading(single, program, e => [e.Run(400), e.Run(400)]);
        reads.Should().Equal([true, false], "a source targets 'driven', none 'quiet'");
        SpikeCount(results).Should().BePositive("the comparison must cover spikes");
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void A_step_source_that_returns_to_zero_and_comes_back_gives_the_bits_of_the_reading_kernel(bool single)
    {
        var program = TwoGroups(cells => new StepCurrentSource([5.0, 20.0, 40.0], [1.5, 0.0, 1.2]).InjectInto(cells[2..9]));
        var (reads, results) = SameAsReading(single, program, e => [e.Run(300), e.Run(300)]);
        reads.Should().Equal([true, false]);
        SpikeCount(results).Should().BePositive();
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void A_source_removed_between_runs_returns_the_group_to_the_kernel_without_the_load(bool single)
    {
        var program = TwoGroups(cells => new DCSource { Amplitude = 1.5, Start = 2.0, Stop = 1e9 }.InjectInto(cells));
        bool[]? afterFirst = null; // the choosing engine's, which runs the scenario first
        var (reads, results) = SameAsReading(single, program, e =>
        {
            var first = e.Run(300);
            afterFirst ??= [ReadsInjected(e, 0), ReadsInjected(e, 1)];
            e.Update(new ProgramUpdate { CurrentSources = [] });
            return [first, e.Run(300)];
        });
        afterFirst.Should().Equal([true, false]);
        reads.Should().Equal([false, false], "no source targets either group after the update");
        SpikeCount([results[0]]).Should().BePositive("the source drives 'driven' in the first run");
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void A_source_added_between_runs_makes_the_group_read_its_array(bool single)
    {
        var sources = TwoGroups(cells => new DCSource { Amplitude = 1.5, Start = 0.0, Stop = 1e9 }.InjectInto(cells[0..4])).CurrentSources;
        var program = TwoGroups(null);
        bool[]? afterFirst = null; // the choosing engine's, which runs the scenario first
        var (reads, results) = SameAsReading(single, program, e =>
        {
            var first = e.Run(300);
            afterFirst ??= [ReadsInjected(e, 0), ReadsInjected(e, 1)];
            e.Update(new ProgramUpdate { CurrentSources = sources });
            return [first, e.Run(300)];
        });
        afterFirst.Should().Equal([false, false], "no source targets either group at load");
        reads.Should().Equal([true, false]);
        SpikeCount([results[1]]).Should().BePositive("the added source drives 'driven'");
    }

    [Fact]
    public void A_current_source_drives_the_cells_it_reaches_and_the_others_keep_the_bits_of_a_network_without_it()
    {
        // The group a source targets runs the kernel that reads the array (+0.0 before and after the source); the others keep their bits.
        AnalogSignal Run(bool source)
        {
            using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Seed = 3 });
            var cells = sim.CreatePopulation(10, new CellType("IF_curr_exp"));
            cells.Initialize("v", new RandomDistribution("uniform", -65.0, -55.0));
            cells.Record("v");
            if (source) new DCSource { Amplitude = 0.8, Start = 20.0, Stop = 60.0 }.InjectInto(cells[0..5]);
            sim.Run(100);
            return cells.GetData().Segments[0].Signal("v");
        }
        var plain = Run(source: false);
        var sourced = Run(source: true);
        for (int c = 0; c < 10; c++)
        {
            double[] with = sourced.Column(c), without = plain.Column(c);
            if (c >= 5) with.Should().Equal(without, $"cell {c} has no source");
            else
            {
                with[..190].Should().Equal(without[..190], $"cell {c} before its source");
                with[250].Should().BeGreaterThan(without[250] + 0.5, $"the source drives cell {c}");
            }
        }
    }

    /// <summary>
    /// The variant as IL against it as C# and against the kernel reading a +0.0 array; where <paramref name="spikes"/>, the
    /// run is shown to spike (with per-cell values every model here does; with one random value for all, some never do).
    /// </summary>
    private static void Compare<T>(CellKernel kernel, bool wide, bool spikes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var lanes = new LaneType(typeof(T) == typeof(float), Wide: wide);
        var roslyn = CpuKernelEmitter.CompileRoslyn<T>(kernel, lanes, injected: false, out _);
        var il = IlKernels.Get<T>(kernel, wide, injected: false, out _);
        var reading = IlKernels.Get<T>(kernel, wide, injected: true, out _);
        il.Should().NotBeSameAs(reading);
        static void Zero(KernelRun<T> run) => Array.Clear(run.Injected);
        int seen = KernelRun<T>.SameBits(kernel, roslyn, il, seed: 7, Steps, Zero);
        if (spikes) seen.Should().BePositive($"{kernel.Model} spikes");
        KernelRun<T>.SameBits(kernel, reading, il, seed: 8, Steps, Zero);
    }
}
