using System.Collections.Concurrent;
using Meta.Backends.Programs;
using Meta.Backends.Torch.Expressions;

namespace Meta.Backends.Torch.Couplings;

/// <summary>
/// A <see cref="CouplingKernel"/> compiled for tensors whose elements are a coupling's connections (docs/semantics.md,
/// "Continuous coupling"): registers for dt, the pre and post cells' states (gathered per connection), the connection's
/// buffers (declaration order), then the update's locals. <see cref="PostCurrent"/> and <see cref="PreCurrent"/> are the
/// currents; <see cref="Update"/> the statements, each a local's value or a stored state, stores taking effect after the last
/// statement. Node for node as the C# emitters write them (<see cref="ExpressionCompiler"/>); it depends on the kernel's
/// structure only.
/// </summary>
internal sealed class CouplingPlan
{
    private readonly Dictionary<string, int> _registers = new(StringComparer.Ordinal);

    private CouplingPlan(CouplingKernel kernel)
    {
        Bind(KernelSymbols.Timestep);
        FirstPre = _registers.Count;
        foreach (var s in kernel.PreStates) Bind(CouplingKernel.PreSymbol(s));
        FirstPost = _registers.Count;
        foreach (var s in kernel.PostStates) Bind(CouplingKernel.PostSymbol(s));
        FirstBuffer = _registers.Count;
        foreach (var b in kernel.Buffers) Bind(b.Name);
        var compiler = new ExpressionCompiler(name => _registers.TryGetValue(name, out int r) ? new SymbolSlot(r, false)
            : throw new InvalidModelException($"Coupling kernel of '{kernel.Model}': unknown symbol '{name}' (torch backend)."));
        PostCurrent = compiler.Number(kernel.PostCurrent);
        PreCurrent = kernel.PreCurrent is { } reverse ? compiler.Number(reverse) : null;
        Update = kernel.Update.Select(s => s switch
        {
            Let l => (Bind(l.Name), -1, compiler.Number(l.Value)),
            Store st when kernel.Buffer(st.Buffer) is { Role: BufferRole.State } => (-1, FirstBuffer + kernel.Buffers.ToList().FindIndex(b => b.Name == st.Buffer), compiler.Number(st.Value)),
            _ => throw new NotSupportedByBackendException(TorchBackend.BackendName, $"Coupling kernel of '{kernel.Model}': statement {CellKernel.Describe(s)}"),
        }).ToArray();
        RegisterCount = _registers.Count;
    }

    /// <summary>The register of dt is 0; those of the pre states begin here.</summary>
    public int FirstPre { get; }
    /// <summary>The registers of the post states begin here.</summary>
    public int FirstPost { get; }
    /// <summary>The registers of the buffers begin here.</summary>
    public int FirstBuffer { get; }
    /// <summary>The number of registers.</summary>
    public int RegisterCount { get; }
    /// <summary>The current into the post cell.</summary>
    public Node PostCurrent { get; }
    /// <summary>The reverse current into the pre cell of a bidirectional coupling, or null.</summary>
    public Node? PreCurrent { get; }
    /// <summary>Per statement: the local's register (or −1), the stored buffer's register (or −1), the value.</summary>
    public (int Local, int Store, Node Value)[] Update { get; }

    private int Bind(string symbol)
    {
        if (_registers.ContainsKey(symbol)) throw new InvalidModelException($"Symbol '{symbol}' is declared twice in a coupling kernel (torch backend).");
        _registers[symbol] = _registers.Count;
        return _registers.Count - 1;
    }

    private static readonly ConcurrentDictionary<string, Lazy<CouplingPlan>> s_plans = new(StringComparer.Ordinal);

    /// <summary>The plan of <paramref name="kernel"/> (shared by every engine); <paramref name="compiled"/> tells whether this call built it.</summary>
    public static CouplingPlan Get(CouplingKernel kernel, out bool compiled)
    {
        var made = new Lazy<CouplingPlan>(() => new CouplingPlan(kernel));
        var plan = s_plans.GetOrAdd(kernel.Key, made);
        compiled = ReferenceEquals(plan, made);
        return plan.Value;
    }
}
