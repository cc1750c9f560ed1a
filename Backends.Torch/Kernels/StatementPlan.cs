using Meta.Backends.Programs;
using Meta.Backends.Torch.Expressions;
using Meta.Expressions;

namespace Meta.Backends.Torch.Kernels;

/// <summary>
/// A list of kernel statements compiled once for tensors: <see cref="KernelOp"/>s over numbered registers. The first
/// registers are bound by a frame (buffers, dt, t, draws…: <see cref="Bind"/>), the locals follow (<see cref="FirstLocal"/>).
/// The statements every kernel shares (<see cref="Let"/>, <see cref="LetMask"/>, <see cref="Assign"/>, <see cref="Store"/>)
/// are compiled here, the others by the derived plan (<see cref="CompileOther"/>). The plan also knows, for every
/// statement, which registers are read after it, so that an assignment may overwrite a tensor in place only when no other
/// name still needs it. A plan depends on the statements' structure only and holds nothing of a device.
/// </summary>
internal abstract class StatementPlan
{
    private readonly Dictionary<string, SymbolSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Expr> _masks = new(StringComparer.Ordinal);
    private readonly string _what;
    private KernelOp[] _ops = [];
    private string[] _texts = [];
    private int[][] _liveAfter = [];
    private HashSet<int>[] _storedAfter = [];
    private int _next;

    /// <summary>A plan named <paramref name="what"/> in messages (<c>Kernel of 'X'</c>).</summary>
    protected StatementPlan(string what)
    {
        _what = what;
        Compiler = new ExpressionCompiler(Resolve);
    }

    /// <summary>The number of registers: the bound ones, then the locals.</summary>
    public int RegisterCount { get; private set; }
    /// <summary>The first local's register.</summary>
    public int FirstLocal { get; private set; }
    /// <summary>The registers of the buffers the statements store into.</summary>
    public IReadOnlyList<int> StoredRegisters { get; private set; } = [];
    /// <summary>The registers of bound symbols the statements read or store (the others need not be bound).</summary>
    public IReadOnlySet<int> UsedBoundRegisters { get; private set; } = new HashSet<int>();

    /// <summary>The compiler of expressions over this plan's symbols.</summary>
    protected ExpressionCompiler Compiler { get; }

    /// <summary>Gives <paramref name="symbol"/> the next register, bound by a frame; call before <see cref="Compile"/>.</summary>
    protected int Bind(string symbol)
    {
        _slots[symbol] = new(_next, false);
        return _next++;
    }

    /// <summary>The slot of a symbol.</summary>
    protected SymbolSlot Resolve(string name) => _slots.TryGetValue(name, out var s) ? s
        : throw new InvalidModelException($"{_what}: unknown symbol '{name}' (torch backend).");

    /// <summary>Declares a local.</summary>
    protected int Declare(string local, bool mask)
    {
        if (_slots.ContainsKey(local)) throw new InvalidModelException($"{_what}: local '{local}' is declared twice.");
        _slots[local] = new(_next, mask);
        return _next++;
    }

    /// <summary>The condition that declared mask local <paramref name="name"/>, or null.</summary>
    protected Expr? MaskCondition(string name) => _masks.GetValueOrDefault(name);

    /// <summary>
    /// Compiles <paramref name="statements"/> (the bound registers are all given); <paramref name="buffer"/> tells which
    /// symbols are buffers (a <see cref="Store"/> needs a per-cell state one).
    /// </summary>
    protected void Compile(IReadOnlyList<Statement> statements, Func<string, BufferDeclaration?> buffer)
    {
        FirstLocal = _next;
        var reads = new List<HashSet<int>>();
        var stores = new List<int>();
        var ops = new List<KernelOp>();
        for (int i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            var read = statement.Expressions().SelectMany(e => e.Symbols()).Select(n => Resolve(n).Register).ToHashSet();
            int stored = -1;
            ops.Add(statement switch
            {
                Let l => new LetOp(this, i, Declare(l.Name, false), Compiler.Number(l.Value), InPlace(l.Value, null)),
                LetMask m => new LetOp(this, i, Declare(m.Name, true), Compiler.Mask(_masks[m.Name] = m.Condition), null),
                Assign a => CompileAssign(a, i, read),
                Store s => new StoreOp(this, i, stored = StateBuffer(s.Buffer, buffer), Compiler.Number(s.Value)),
                _ => CompileOther(statement, i, read)
                    ?? throw new NotSupportedByBackendException(TorchBackend.BackendName, $"Kernel statement {statement.GetType().Name}"),
            });
            reads.Add(read);
            stores.Add(stored);
        }
        _ops = ops.ToArray();
        _texts = statements.Select(CellKernel.Describe).ToArray();
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
        StoredRegisters = stores.Where(s => s >= 0).Distinct().ToArray();
        UsedBoundRegisters = reads.SelectMany(r => r).Concat(StoredRegisters).Where(r => r < FirstLocal).ToHashSet();
        RegisterCount = _next;
    }

    /// <summary>Compiles a statement other than Let, LetMask, Assign and Store, or returns null when the plan has none such.</summary>
    protected virtual KernelOp? CompileOther(Statement statement, int index, HashSet<int> read) => null;

    /// <summary>Runs the statements on <paramref name="frame"/>; its locals start unset.</summary>
    public void Run(IStatementFrame frame)
    {
        Array.Fill(frame.Registers, TValue.Of(0), FirstLocal, RegisterCount - FirstLocal);
        if (StatementProfile.Current is { } profile)
        {
            for (int i = 0; i < _ops.Length; i++)
            {
                var op = _ops[i];
                profile.Time(this, i, _what, _texts[i], () => op.Run(frame));
            }
            return;
        }
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

    private AssignOp CompileAssign(Assign a, int index, HashSet<int> read)
    {
        int register = Resolve(a.Name).Register;
        if (register < FirstLocal) throw new InvalidModelException($"{_what}: '{a.Name}' is assigned but is not a local.");
        int where = -1;
        if (a.Where is not null)
        {
            where = Read(Resolve(a.Where), read);
            read.Add(register);
        }
        return new AssignOp(this, index, register, Compiler.Number(a.Value), where, where < 0 ? InPlace(a.Value, a.Name) : null);
    }

    /// <summary>
    /// <c>L op X</c> (or <c>X op L</c> for + and ×) with L a number local (<paramref name="target"/> itself for an
    /// assignment): the operation that may be done in L's tensor.
    /// </summary>
    private InPlaceBinary? InPlace(Expr value, string? target)
    {
        if (value is not BinaryExpr { Operator: BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide } b) return null;
        bool Fits(Expr e) => e is SymbolExpr { Name: var n } && KernelSymbols.IsLocal(n) && (target is null || n == target) && !Resolve(n).IsMask;
        if (Fits(b.Left)) return new InPlaceBinary(Resolve(((SymbolExpr)b.Left).Name).Register, b.Operator, Compiler.Number(b.Right), target is null);
        if (b.Operator is BinaryOperator.Add or BinaryOperator.Multiply && Fits(b.Right))
            return new InPlaceBinary(Resolve(((SymbolExpr)b.Right).Name).Register, b.Operator, Compiler.Number(b.Left), target is null);
        return null;
    }

    /// <summary>Adds <paramref name="slot"/>'s register to the registers a statement reads, and returns it.</summary>
    protected static int Read(SymbolSlot slot, HashSet<int> read)
    {
        read.Add(slot.Register);
        return slot.Register;
    }

    private int StateBuffer(string name, Func<string, BufferDeclaration?> buffer) =>
        buffer(name) is { Role: BufferRole.State, Storage: Storage.PerCell }
            ? Resolve(name).Register
            : throw new InvalidModelException($"{_what}: Store into '{name}', which is not a per-cell state buffer.");
}
