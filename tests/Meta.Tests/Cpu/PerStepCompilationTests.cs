using System.Reflection;
using System.Runtime.CompilerServices;
using Meta.Backends.Cpu;
using Meta.Backends.Cpu.Synapses;
using Meta.Backends.Runtime;

namespace Meta.Tests.Cpu;

/// <summary>
/// The methods the cpu engine runs every step are compiled optimized at their first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): without it they start as unoptimized, instrumented code that is
/// recompiled on a background thread during the run, which cost about a third of the CPU time of a 1 s run of 4 000 cells
/// (docs/benchmarks.md, "Per-step paths compiled optimized at once"). A method renamed, split or stripped of the flag fails here.
/// The flag is read from a generic type's definition, so one closed type per generic type is enough (a <c>float</c> row would
/// repeat the <c>double</c> one).
/// </summary>
public class PerStepCompilationTests
{
    private const BindingFlags All = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    public static TheoryData<Type, string> PerStepMethods()
    {
        var data = new TheoryData<Type, string>();
        foreach (var name in new[] { "Advance", "RunChunk", "EmitAndDeliver", "TakeSamples", "Couple" })
            data.Add(typeof(CpuEngine<double>), name);
        foreach (var name in new[] { "Deliver", "DeliverAll", "PrefetchRow", "PrefetchTargets", "DeliverWithOffset" })
            data.Add(typeof(SynapseTable<double>), name);
        data.Add(typeof(NeuronGroup<double>), "Update");
        data.Add(typeof(NeuronGroup<double>), "CollectSpikes");
        data.Add(typeof(SourceGroup), "Emit");
        data.Add(typeof(Float64Bridge<float>), "MoveArrivals");
        data.Add(typeof(Float64Bridge<float>), "StoreInjected");
        data.Add(typeof(SpikeHistory), "Record");
        data.Add(typeof(PlasticTable), "Events");
        data.Add(typeof(SpikeBlockBuilder), "AddPaired");
        data.Add(typeof(StepEngine), "RunInIntervals");
        data.Add(typeof(CurrentInjection), "Advance");
        data.Add(typeof(ThreadingChoice), "Record");
        return data;
    }

    [Theory]
    [MemberData(nameof(PerStepMethods))]
    public void Per_step_method_is_compiled_optimized_at_its_first_call(Type type, string name)
    {
        var methods = type.GetMethods(All).Where(m => m.Name == name).ToArray();
        Assert.NotEmpty(methods);
        foreach (var m in methods)
            Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization),
                $"{type.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))}) is not marked AggressiveOptimization.");
    }

    [Fact]
    public void Spike_recording_adds_are_compiled_optimized()
    {
        Type[][] perStep =
        [
            [typeof(int), typeof(long), typeof(double)],
            [typeof(ReadOnlySpan<int>), typeof(long)],
            [typeof(ReadOnlySpan<int>), typeof(long), typeof(ReadOnlySpan<double>)],
        ];
        var adds = typeof(SpikeBlockBuilder).GetMethods(All)
            .Where(m => m.Name == "Add" && perStep.Any(s => m.GetParameters().Select(p => p.ParameterType).SequenceEqual(s))).ToArray();
        Assert.Equal(perStep.Length, adds.Length);
        Assert.All(adds, m => Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization), m.ToString()));
    }

    [Fact]
    public void Sample_collection_is_compiled_optimized()
    {
        var collector = typeof(CpuEngine<double>).GetNestedType("SampleCollector", BindingFlags.NonPublic);
        Assert.NotNull(collector);
        var take = collector.GetMethod("Take", All);
        Assert.NotNull(take);
        Assert.True(take.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization), take.ToString());
    }
}

/// <summary>
/// The per-step methods are compiled when a cpu engine loads, not in the first run's steps (ReadyToRun leaves methods
/// marked AggressiveOptimization to the JIT): every type that declares one is in <see cref="CpuEngine{T}.PerStepTypes"/>
/// (or is compiled at load only with plastic synapses), and loading a network prepares them.
/// </summary>
public class StepPathPreparationTests
{
    private const BindingFlags All = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    [Fact]
    public void Every_cpu_type_with_a_per_step_method_is_compiled_at_load()
    {
        static bool Marked(Type t) => t.GetMethods(All).Any(m => m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization));
        var declaring = typeof(CpuEngine<double>).Assembly.GetTypes().Where(t => !t.IsInterface && Marked(t))
            .Select(t => t.FullName!).ToHashSet();
        var atLoad = CpuEngine<double>.PerStepTypes.Concat([typeof(PlasticTable), typeof(SpikeHistory)])
            .Select(t => t.IsGenericType ? t.GetGenericTypeDefinition().FullName! : t.FullName!).ToHashSet();
        // Kernel math helpers are inlined into the kernels (emitted at load); coupling and synapse kernels are compiled with them.
        var missing = declaring.Where(n => !atLoad.Contains(n) && !n.Contains(".Codegen.", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"per-step types not compiled at load: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Loading_a_network_compiles_its_per_step_methods()
    {
        using var sim = new Simulation(new CpuBackend(), new SimulationOptions { Timestep = 0.1, Precision = Backends.Precision.Float32 });
        sim.CreatePopulation(3, new CellType("IF_cond_exp"));
        sim.Run(1.0);
        Assert.All(CpuEngine<float>.PerStepTypes, t => Assert.True(StepPathPreparation.IsPrepared(t), t.ToString()));
        Assert.Equal(0, StepPathPreparation.Prepare(CpuEngine<float>.PerStepTypes));
    }

    [Fact]
    public void Prepare_compiles_each_marked_method_once()
    {
        int first = StepPathPreparation.Prepare(typeof(Marked<int>));
        Assert.Equal(2, first);
        Assert.Equal(0, StepPathPreparation.Prepare(typeof(Marked<int>)));
    }

    private sealed class Marked<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static T? Zero() => default;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public T? Echo(T? value) => value;
        public static int NotMarked() => 1;
    }
}
