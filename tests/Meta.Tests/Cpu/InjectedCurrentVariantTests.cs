using System.Numerics;
using Meta.Backends.Cpu;
using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Lowering;
using Meta.Lowering.Kernels;
using Meta.CurrentSources;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Random;
using Meta.Recording;
using Meta.Network;

namespace Meta.Tests.Cpu;

/// <summary>
/// The CPU kernel without injected current (for cells no current source or coupling drives): it takes +0 as every cell's
/// injected current instead of loading the array, and gives the bits of the kernel that reads an array of +0.0, as IL and as
/// C#, narrow and wide; a neuron group runs it exactly while its array holds +0.0 only and nothing couples into it.
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
    public void Without_injected_current_il_gives_the_bits_of_roslyn_and_of_the_kernel_reading_zeros(string model, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(StandardModels.All.Single(m => m.Name == model), uniform);
        Compare<double>(kernel, wide: false, spikes: !uniform);
        Compare<float>(kernel, wide: false, spikes: !uniform);
    }

    [Vector512Theory]
    [MemberData(nameof(Kernels))]
    public void Without_injected_current_wide_il_gives_the_bits_of_wide_roslyn_and_of_the_kernel_reading_zeros(string model, bool uniform)
    {
        var kernel = NeuronGroupLowering.KernelOf(StandardModels.All.Single(m => m.Name == model), uniform);
        Compare<double>(kernel, wide: true, spikes: !uniform);
        Compare<float>(kernel, wide: true, spikes: !uniform);
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
    public void A_group_reads_its_injected_currents_while_they_are_not_all_positive_zero_or_a_coupling_drives_them()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1 });
        sim.CreatePopulation(20, new CellType("IF_curr_exp"), "cells");
        var program = (NeuronGroupProgram)new NetworkLowering(sim.Resolve()).Program.Groups[0];
        int compiled = 0;
        var group = new NeuronGroup<double>(program, 0.1, 1, _ => compiled++);
        var plain = new NeuronGroup<double>(program, 0.1, 1, _ => { });
        group.Rings = plain.Rings = [new double[group.PaddedSize], new double[group.PaddedSize]];
        group.ReadsInjected.Should().BeFalse("the array starts at +0.0");

        group.Injected[3] = 2.0;
        group.InjectedWritten();
        group.ReadsInjected.Should().BeTrue();
        compiled.Should().Be(2, "the kernel that reads the array is taken when a current arrives");
        group.Update(0, group.PaddedSize, 0, 0);
        plain.Update(0, plain.PaddedSize, 0, 0);
        group.State("v")[3].Should().NotBe(plain.State("v")[3], "the current drives cell 3");
        group.State("v")[4].Should().Be(plain.State("v")[4]);

        Array.Clear(group.Injected);
        group.InjectedWritten();
        group.ReadsInjected.Should().BeFalse("every current is +0.0 again");

        group.Injected[5] = -0.0;
        group.InjectedWritten();
        group.ReadsInjected.Should().BeTrue("-0.0 is not +0.0: adding it keeps a -0 sum, adding +0 would not");

        Array.Clear(group.Injected);
        group.DrivenByCoupling();
        group.InjectedWritten();
        group.ReadsInjected.Should().BeTrue("a coupling writes the array every step");
    }

    [Fact]
    public void A_current_source_drives_the_cells_it_reaches_and_the_others_keep_the_bits_of_a_network_without_it()
    {
        // While the source is on, the group runs the kernel that reads the array; before and after, the one that does not.
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
