using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Torch.Kernels;

/// <summary>
/// A <see cref="CellKernel"/> compiled once for tensors: its statements in order as <see cref="KernelOp"/>s over numbered
/// registers (<see cref="StatementPlan"/>). The first registers are the kernel's buffers (in declaration order), then dt,
/// t, i_inj and the draws, which a frame binds; the locals follow. The plan depends on the kernel's structure only
/// (<see cref="CellKernel.Key"/>): buffer values, uniform ones included, are read from the registers when it runs, and it
/// holds nothing of a device, so one plan serves every engine of the process.
/// </summary>
internal sealed class KernelPlan : StatementPlan
{
    public KernelPlan(CellKernel kernel) : base($"Kernel of '{kernel.Model}'")
    {
        Kernel = kernel;
        foreach (var b in kernel.Buffers) Bind(b.Name);
        Timestep = Bind(KernelSymbols.Timestep);
        Time = Bind(KernelSymbols.Time);
        Injected = Bind(KernelSymbols.InjectedCurrent);
        FirstDraw = Injected + 1;
        for (int d = 0; d < kernel.UniformDraws; d++) Bind(KernelSymbols.UniformDraw(d));
        for (int d = 0; d < kernel.NormalDraws; d++) Bind(KernelSymbols.NormalDraw(d));
        Compile(kernel.Statements.ToList(), kernel.Buffer);
    }

    public CellKernel Kernel { get; }
    /// <summary>The registers of dt, t and i_inj.</summary>
    public int Timestep { get; }
    public int Time { get; }
    public int Injected { get; }
    /// <summary>The register of the first draw: the uniform draws, then the normal draws.</summary>
    public int FirstDraw { get; }

    protected override KernelOp? CompileOther(Statement statement, int index, HashSet<int> read) => statement switch
    {
        ReceiveInput r => new ReceiveOp(this, index, Declare(r.Name, false), r.Receptor),
        ReadRefractory r => new ReadRefractoryOp(this, index, Declare(r.Name, true)),
        CountDown c => new CountDownOp(this, index, Read(Resolve(c.Active), read), Read(Resolve(c.Restart), read),
            Compiler.Number(c.Period), Excludes(MaskCondition(c.Restart), c.Active)),
        EmitSpikes e => new EmitOp(this, index, Read(Resolve(e.Mask), read)),
        _ => null,
    };

    /// <summary>Whether the condition is <c>… and not <paramref name="active"/></c>, so it never holds where active does.</summary>
    private static bool Excludes(Expr? condition, string active) => condition switch
    {
        BinaryExpr { Operator: BinaryOperator.And } and => Excludes(and.Left, active) || Excludes(and.Right, active),
        NotExpr { Operand: SymbolExpr { Name: var n } } => n == active,
        _ => false,
    };
}
