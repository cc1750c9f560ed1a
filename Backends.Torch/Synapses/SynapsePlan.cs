using System.Collections.Concurrent;
using Meta.Backends.Programs;
using Meta.Backends.Torch.Expressions;
using Meta.Backends.Torch.Kernels;

namespace Meta.Backends.Torch.Synapses;

/// <summary>What the statements of a synapse event touch besides their registers: the receptor ring of the projection.</summary>
internal interface ISynapseFrame : IStatementFrame
{
    /// <summary>
    /// Adds <paramref name="value"/> (one per synapse taking the event, or a constant) to each one's post cell at its arrival
    /// slot; <paramref name="ordinal"/> is the statement's position among the event's Transmit statements.
    /// </summary>
    void Transmit(TValue value, int ordinal);
}

/// <summary>
/// The statements of one event of a <see cref="SynapseKernel"/> (<see cref="SynapseKernel.OnPre"/> or
/// <see cref="SynapseKernel.OnPost"/>) compiled for tensors whose elements are the synapses taking the event: the registers
/// are the kernel's buffers (declaration order), dt, t and the event's draws, then the locals. <see cref="Transmit"/>
/// hands its value to the frame. It depends on the kernel's structure only (<see cref="SynapseKernel.Key"/>).
/// </summary>
internal sealed class SynapsePlan : StatementPlan
{
    public SynapsePlan(SynapseKernel kernel, bool post) : base($"Synapse kernel of '{kernel.Model}' ({(post ? "on post" : "on pre")})")
    {
        foreach (var b in kernel.Buffers) Bind(b.Name);
        Timestep = Bind(KernelSymbols.Timestep);
        Time = Bind(KernelSymbols.Time);
        FirstDraw = Time + 1;
        Draws = post ? kernel.PostDraws : kernel.PreDraws;
        for (int d = 0; d < Draws; d++) Bind(KernelSymbols.UniformDraw(d));
        var statements = post ? kernel.OnPost : kernel.OnPre;
        Compile(statements, kernel.Buffer);
        IsEmpty = statements.Count == 0;
        Transmits = statements.OfType<Transmit>().Count();
    }

    private int _transmits;

    /// <summary>The registers of dt and t.</summary>
    public int Timestep { get; }
    public int Time { get; }
    /// <summary>The register of the first draw.</summary>
    public int FirstDraw { get; }
    /// <summary>The number of uniform draws per synapse and event.</summary>
    public int Draws { get; }
    /// <summary>Whether the event has no code.</summary>
    public bool IsEmpty { get; }
    /// <summary>The number of Transmit statements of the event.</summary>
    public int Transmits { get; }

    protected override KernelOp? CompileOther(Statement statement, int index, HashSet<int> read) => statement switch
    {
        Transmit t => new TransmitOp(this, index, Compiler.Number(t.Value), _transmits++),
        _ => null,
    };
}

/// <summary><c>Transmit</c> number <paramref name="ordinal"/> of its event: hands the value to the frame, which adds it into the ring.</summary>
internal sealed class TransmitOp(StatementPlan plan, int index, Node value, int ordinal) : KernelOp(plan, index)
{
    public override void Run(IStatementFrame frame) => ((ISynapseFrame)frame).Transmit(value.Eval(frame.Registers, frame.Arithmetic), ordinal);
}

/// <summary>The process's compiled synapse plans (pre and post) by kernel structure (<see cref="SynapseKernel.Key"/>), shared by every engine.</summary>
internal static class SynapsePlans
{
    private static readonly ConcurrentDictionary<string, Lazy<(SynapsePlan Pre, SynapsePlan Post)>> s_plans = new(StringComparer.Ordinal);

    /// <summary>The plans of <paramref name="kernel"/>; <paramref name="compiled"/> tells whether this call built them.</summary>
    public static (SynapsePlan Pre, SynapsePlan Post) Get(SynapseKernel kernel, out bool compiled)
    {
        var made = new Lazy<(SynapsePlan, SynapsePlan)>(() => (new SynapsePlan(kernel, false), new SynapsePlan(kernel, true)));
        var plans = s_plans.GetOrAdd(kernel.Key, made);
        compiled = ReferenceEquals(plans, made);
        return plans.Value;
    }
}
