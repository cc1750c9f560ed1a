using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Conformance.Tests.Kit;

/// <summary>
/// A deliberately broken backend for testing the suite: it wraps a real one and changes each cell kernel of the step
/// program before the engine loads it (as a backend with a bug in its emitter would).
/// </summary>
internal sealed class BrokenBackend(IBackend inner, string defect, Func<CellKernel, CellKernel> alter) : IBackend
{
    public BackendDescriptor Descriptor { get; } = inner.Descriptor with { Name = $"{inner.Descriptor.Name}-{defect}" };

    public IReadOnlyList<string> Devices => inner.Devices;

    public ISimulationEngine CreateEngine(EngineOptions options) => new Engine(inner.CreateEngine(options), alter);

    private sealed class Engine(ISimulationEngine engine, Func<CellKernel, CellKernel> alter) : ISimulationEngine
    {
        public long CurrentStep => engine.CurrentStep;

        public EngineStatistics Statistics => engine.Statistics;

        public void Load(StepProgram program) => engine.Load(program with
        {
            Groups = program.Groups.Select(g => g is NeuronGroupProgram n ? n with { Kernel = alter(n.Kernel) } : g).ToArray(),
        });

        public RunResult Run(long steps, Action<double>? progress = null) => engine.Run(steps, progress);

        public void Update(ProgramUpdate update) => engine.Update(update with
        {
            Neurons = update.Neurons.Select(n => n.Kernel is null ? n : n with { Kernel = alter(n.Kernel) }).ToArray(),
        });

        public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues) => engine.Reset(initialValues);
        public double[] ReadSynapses(int projection, string name) => engine.ReadSynapses(projection, name);
        public double[] ReadCoupling(int coupling, string name) => engine.ReadCoupling(coupling, name);
        public void Dispose() => engine.Dispose();
    }

    /// <summary>
    /// A copy of <paramref name="kernel"/> that resets, and clamps during the refractory period, the local of state
    /// <paramref name="state"/> <paramref name="offset"/> above the value the model gives.
    /// </summary>
    public static CellKernel WithResetOffset(CellKernel kernel, string state, double offset)
    {
        string local = KernelSymbols.Local(state), clamp = local + "#clamp";
        return kernel with
        {
            Phases = kernel.Phases.Select(p => p with
            {
                Statements = p.Statements.Select(s => (p.Phase, s) switch
                {
                    (Phase.Reset, Assign a) when a.Name == local => a with { Value = Plus(a.Value, offset) },
                    (_, Let l) when l.Name == clamp => l with { Value = Plus(l.Value, offset) },
                    _ => s,
                }).ToArray(),
            }).ToArray(),
        };
    }

    /// <summary>A copy of <paramref name="kernel"/> without the statements of <paramref name="phase"/> that <paramref name="drop"/> selects.</summary>
    public static CellKernel Without(CellKernel kernel, Phase phase, Func<Statement, bool> drop) => kernel with
    {
        Phases = kernel.Phases.Select(p => p.Phase == phase ? p with { Statements = p.Statements.Where(s => !drop(s)).ToArray() } : p).ToArray(),
    };

    private static Expr Plus(Expr e, double offset) => new BinaryExpr(BinaryOperator.Add, e, new NumberExpr(offset));
}
