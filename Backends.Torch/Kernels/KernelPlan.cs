using Meta.Backends.Programs;
using Meta.Backends.Torch.Expressions;
using Meta.Expressions;

namespace Meta.Backends.Torch.Kernels;

/// <summary>
/// A <see cref="CellKernel"/> compiled once for tensors: its statements in order as <see cref="KernelOp"/>s over numbered
/// registers. The first registers are the kernel's buffers (in declaration order), then dt, t, i_inj and the draws, which a
/// frame binds; the locals follow. The plan depends on the kernel's structure only (<see cref="CellKernel.Key"/>): buffer
/// values, uniform ones included, are read from the registers when it runs, and it holds nothing of a device, so one plan
/// serves every engine of the process. It also knows, for every statement, which
/// registers are read after it, so that an assignment may overwrite a tensor in place only when no other name still needs it.
/// </summary>
internal sealed class KernelPlan
{
    private readonly KernelOp[] _ops;
    private readonly int[][] _liveAfter;
    private readonly HashSet<int>[] _storedAfter;

    public KernelPlan(CellKernel kernel)
    {
        Kernel = kernel;
        var slots = new Dictionary<string, SymbolSlot>(StringComparer.Ordinal);
        int next = 0;
        foreach (var b in kernel.Buffers) slots[b.Name] = new(next++, false);
        Timestep = next++;
        Time = next++;
        Injected = next++;
        slots[KernelSymbols.Timestep] = new(Timestep, false);
        slots[KernelSymbols.Time] = new(Time, false);
        slots[KernelSymbols.InjectedCurrent] = new(Injected, false);
        FirstDraw = next;
        for (int d = 0; d < kernel.UniformDraws; d++) slots[KernelSymbols.UniformDraw(d)] = new(next++, false);
        for (int d = 0; d < kernel.NormalDraws; d++) slots[KernelSymbols.NormalDraw(d)] = new(next++, false);
        FirstLocal = next;

        SymbolSlot Resolve(string name) => slots.TryGetValue(name, out var s) ? s
            : throw new InvalidModelException($"Kernel of '{kernel.Model}': unknown symbol '{name}' (torch backend).");
        int Declare(string local, bool mask)
        {
            if (slots.ContainsKey(local)) throw new InvalidModelException($"Kernel of '{kernel.Model}': local '{local}' is declared twice.");
            slots[local] = new(next, mask);
            return next++;
        }
        var compiler = new ExpressionCompiler(Resolve);
        var statements = kernel.Statements.ToList();
        var reads = new List<HashSet<int>>();
        var stores = new List<int>();
        var masks = new Dictionary<string, Expr>(StringComparer.Ordinal);
        var ops = new List<KernelOp>();
        for (int i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            var read = statement.Expressions().SelectMany(e => e.Symbols()).Select(n => Resolve(n).Register).ToHashSet();
            int stored = -1;
            ops.Add(statement switch
            {
                Let l => new LetOp(this, i, Declare(l.Name, false), compiler.Number(l.Value), InPlace(l.Value, null, compiler, Resolve)),
                LetMask m => new LetOp(this, i, Declare(m.Name, true), compiler.Mask(masks[m.Name] = m.Condition), null),
                Assign a => CompileAssign(a, i, compiler, Resolve, read),
                Store s => new StoreOp(this, i, stored = StateBuffer(kernel, s.Buffer, Resolve), compiler.Number(s.Value)),
                ReceiveInput r => new ReceiveOp(this, i, Declare(r.Name, false), r.Receptor),
                ReadRefractory r => new ReadRefractoryOp(this, i, Declare(r.Name, true)),
                CountDown c => new CountDownOp(this, i, Read(Resolve(c.Active), read), Read(Resolve(c.Restart), read),
                    compiler.Number(c.Period), Excludes(masks.GetValueOrDefault(c.Restart), c.Active)),
                EmitSpikes e => new EmitOp(this, i, Read(Resolve(e.Mask), read)),
                _ => throw new NotSupportedByBackendException(TorchBackend.BackendName, $"Kernel statement {statement.GetType().Name}"),
            });
            reads.Add(read);
            stores.Add(stored);
        }
        _ops = ops.ToArray();
        _liveAfter = new int[statements.Count][];
        _storedAfter = new HashSet<int>[statements.Count];
        var live = new HashSet<int>();
        var storedLater = new HashSet<int>();
        for (int i = statements.Count - 1; i >= 0; i--)
        {
            _liveAfter[i] = live.ToArray();
            _storedAfter[i] = [.. storedLater];
            live.UnionWith(reads[i]);
            if (stores[i] >= 0) storedLater.Add(stores[i]);
        }
        RegisterCount = next;
    }

    public CellKernel Kernel { get; }
    public int RegisterCount { get; }
    /// <summary>The registers of dt, t and i_inj.</summary>
    public int Timestep { get; }
    public int Time { get; }
    public int Injected { get; }
    /// <summary>The register of the first draw: the uniform draws, then the normal draws.</summary>
    public int FirstDraw { get; }
    /// <summary>The first local's register.</summary>
    public int FirstLocal { get; }

    /// <summary>Runs the statements on <paramref name="frame"/>; its locals start unset.</summary>
    public void Run(IKernelFrame frame)
    {
        Array.Fill(frame.Registers, TValue.Of(0), FirstLocal, RegisterCount - FirstLocal);
        foreach (var op in _ops) op.Run(frame);
    }

    /// <summary>
    /// Whether the tensor of <paramref name="register"/> may be overwritten at statement <paramref name="index"/>: no other
    /// register read later holds it, and if it is bound by the frame (a buffer, i_inj, a draw kept for later runs), it is a
    /// buffer that a later Store overwrites anyway and that is not read before.
    /// </summary>
    public bool CanOverwrite(TValue[] registers, int register, int index)
    {
        var t = registers[register].Tensor;
        foreach (int r in _liveAfter[index])
            if (r != register && ReferenceEquals(registers[r].Tensor, t)) return false;
        for (int p = 0; p < FirstLocal; p++)
            if (ReferenceEquals(registers[p].Tensor, t) && !_storedAfter[index].Contains(p)) return false;
        return true;
    }

    /// <summary>Whether a statement after <paramref name="index"/> reads <paramref name="register"/>.</summary>
    public bool IsReadAfter(int register, int index) => Array.IndexOf(_liveAfter[index], register) >= 0;

    /// <summary>Before buffer <paramref name="target"/> is written at statement <paramref name="index"/>: locals read later that still hold it get a copy.</summary>
    public void Detach(TValue[] registers, TorchSharp.torch.Tensor target, int index)
    {
        foreach (int r in _liveAfter[index])
            if (r >= FirstLocal && ReferenceEquals(registers[r].Tensor, target)) registers[r] = TValue.Temporary(target.clone());
    }

    private AssignOp CompileAssign(Assign a, int index, ExpressionCompiler compiler, Func<string, SymbolSlot> resolve, HashSet<int> read)
    {
        int register = resolve(a.Name).Register;
        if (register < FirstLocal) throw new InvalidModelException($"Kernel of '{Kernel.Model}': '{a.Name}' is assigned but is not a local.");
        int where = -1;
        if (a.Where is not null)
        {
            where = Read(resolve(a.Where), read);
            read.Add(register);
        }
        return new AssignOp(this, index, register, compiler.Number(a.Value), where, where < 0 ? InPlace(a.Value, a.Name, compiler, resolve) : null);
    }

    /// <summary>
    /// <c>L op X</c> (or <c>X op L</c> for + and ×) with L a number local (<paramref name="target"/> itself for an
    /// assignment): the operation that may be done in L's tensor.
    /// </summary>
    private InPlaceBinary? InPlace(Expr value, string? target, ExpressionCompiler compiler, Func<string, SymbolSlot> resolve)
    {
        if (value is not BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide } b) return null;
        bool Fits(Expr e) => e is SymbolExpr { Name: var n } && KernelSymbols.IsLocal(n) && (target is null || n == target) && !resolve(n).IsMask;
        if (Fits(b.Left)) return new InPlaceBinary(resolve(((SymbolExpr)b.Left).Name).Register, b.Operator, compiler.Number(b.Right), target is null);
        if (b.Operator is BinaryOperator.Add or BinaryOperator.Multiply && Fits(b.Right))
            return new InPlaceBinary(resolve(((SymbolExpr)b.Right).Name).Register, b.Operator, compiler.Number(b.Left), target is null);
        return null;
    }

    private static int Read(SymbolSlot slot, HashSet<int> read)
    {
        read.Add(slot.Register);
        return slot.Register;
    }

    private static int StateBuffer(CellKernel kernel, string name, Func<string, SymbolSlot> resolve) =>
        kernel.Buffer(name) is { Role: BufferRole.State, Storage: Storage.PerCell }
            ? resolve(name).Register
            : throw new InvalidModelException($"Kernel of '{kernel.Model}': Store into '{name}', which is not a per-cell state buffer.");

    /// <summary>Whether the condition is <c>… and not <paramref name="active"/></c>, so it never holds where active does.</summary>
    private static bool Excludes(Expr? condition, string active) => condition switch
    {
        BinaryExpr { Operator: BinaryOperator.And } and => Excludes(and.Left, active) || Excludes(and.Right, active),
        NotExpr { Operand: SymbolExpr { Name: var n } } => n == active,
        _ => false,
    };
}
