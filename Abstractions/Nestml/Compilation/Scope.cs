using Meta.Nestml.Syntax;
using Meta.Nestml.Units;

namespace Meta.Nestml.Compilation;

/// <summary>What a name in a NESTML model refers to.</summary>
internal enum SymbolKind
{
    Parameter,
    State,
    Internal,
    Inline,
    SpikePort,
    ContinuousPort,
    Kernel,
}

/// <summary>A declared name: its kind, its declaration (where it has one) and its dimension.</summary>
internal sealed record SymbolInfo(string Name, SymbolKind Kind, NDeclaration? Declaration, Dimension Dimension, int Line);

/// <summary>
/// The names a model declares, with their dimensions, and the dimension of expressions built from them (used to tell
/// currents from conductances and voltages).
/// </summary>
internal sealed class Scope
{
    private readonly Dictionary<string, SymbolInfo> _symbols = new(StringComparer.Ordinal);
    private readonly CompileContext _context;
    private readonly Dictionary<string, NFunction> _functions = new(StringComparer.Ordinal);

    public Scope(NModel model, CompileContext context)
    {
        _context = context;
        foreach (var f in model.Functions) _functions.TryAdd(f.Name, f);
        foreach (var d in model.Parameters) Declare(d, SymbolKind.Parameter);
        foreach (var d in model.State) Declare(d, SymbolKind.State);
        foreach (var d in model.Internals) Declare(d, SymbolKind.Internal);
        foreach (var d in model.Inlines) Declare(d, SymbolKind.Inline);
        foreach (var p in model.Inputs)
        {
            var dim = p.Unit is null ? Dimension.None : UnitDimension(p.Unit);
            Add(new SymbolInfo(p.Name, p.Spike ? SymbolKind.SpikePort : SymbolKind.ContinuousPort, null, dim, p.Line));
        }
        foreach (var k in model.Kernels) Add(new SymbolInfo(k.Name, SymbolKind.Kernel, null, Dimension.None, k.Line));
    }

    /// <summary>Every declared name.</summary>
    public IEnumerable<SymbolInfo> All => _symbols.Values;

    private void Declare(NDeclaration d, SymbolKind kind)
    {
        var dim = d.Type is null ? Dimension.None : UnitDimension(d.Type);
        // A derivative state (g_exc') is its own state, named as NESTML's code generator names it.
        string name = d.Primes == 0 ? d.Name : DerivativeName(d.Name, d.Primes);
        Add(new SymbolInfo(name, kind, d, dim, d.Line));
    }

    /// <summary>The state that holds the <paramref name="primes"/>-th derivative of <paramref name="name"/>: <c>g_exc__d</c>.</summary>
    public static string DerivativeName(string name, int primes) => primes == 0 ? name : name + string.Concat(Enumerable.Repeat("__d", primes));

    private void Add(SymbolInfo s)
    {
        if (_symbols.TryGetValue(s.Name, out var before))
            throw _context.Error(s.Line, $"the name '{s.Name}' is declared twice (first at line {before.Line})");
        _symbols.Add(s.Name, s);
    }

    /// <summary>The symbol called <paramref name="name"/>, or null.</summary>
    public SymbolInfo? Find(string name) => _symbols.GetValueOrDefault(name);

    /// <summary>The dimension of a type such as <c>pF/mV/ms</c>.</summary>
    public Dimension UnitDimension(NExpr type) => DimensionOf(type) ?? throw _context.Error(type.Line, "cannot work out the unit of this type");

    /// <summary>The dimension of <paramref name="e"/>, or null where it cannot be told (unknown names).</summary>
    public Dimension? DimensionOf(NExpr e) => DimensionOf(e, null);

    /// <summary>
    /// The dimension of <paramref name="e"/> where the names in <paramref name="locals"/> (a function's parameters and
    /// locals, with their declared types) hide the model's.
    /// </summary>
    public Dimension? DimensionOf(NExpr e, IReadOnlyDictionary<string, Dimension>? locals)
    {
        switch (e)
        {
            case NNumber:
                return Dimension.None;
            case NName n:
                {
                    if (n.Primes == 0 && locals is not null && locals.TryGetValue(n.Name, out var local)) return local;
                    if (n.Primes == 0 && _symbols.TryGetValue(n.Name, out var s)) return s.Dimension;
                    if (n.Primes > 0 && _symbols.TryGetValue(DerivativeName(n.Name, n.Primes), out var ds)) return ds.Dimension;
                    if (n.Primes > 0 && _symbols.TryGetValue(n.Name, out var bs)) return bs.Dimension / Dimension.Time.Pow(n.Primes);
                    if (NestmlUnits.TryGet(n.Name, out var unit)) return unit.Dimension;
                    if (n.Name is "e" or "inf" or "pi" or "true" or "false") return Dimension.None;
                    if (n.Name == "t") return Dimension.Time;
                    if (n.Name is "real" or "integer" or "boolean") return Dimension.None;
                    throw _context.Error(n.Line, $"unknown unit or name '{n.Name}' (units: {NestmlUnits.Examples}, ...)");
                }
            case NUnary u:
                return u.Operator == "not" ? Dimension.None : DimensionOf(u.Operand, locals);
            case NBinary b:
                {
                    var l = DimensionOf(b.Left, locals);
                    switch (b.Operator)
                    {
                        case "*":
                            return l is null || DimensionOf(b.Right, locals) is not { } r1 ? null : l.Value * r1;
                        case "/":
                            return l is null || DimensionOf(b.Right, locals) is not { } r2 ? null : l.Value / r2;
                        case "**":
                            return l is { } lp && b.Right is NNumber power ? lp.Pow(power.Value) : l == Dimension.None ? Dimension.None : null;
                        case "+":
                        case "-":
                            return l ?? DimensionOf(b.Right, locals);
                        default:
                            return Dimension.None; // comparisons and logic
                    }
                }
            case NConditional c:
                return DimensionOf(c.Then, locals) ?? DimensionOf(c.Else, locals);
            case NCall call:
                return call.Function switch
                {
                    "min" or "max" or "abs" or "clip" when call.Arguments.Count > 0 => DimensionOf(call.Arguments[0], locals),
                    "sqrt" when call.Arguments.Count == 1 => DimensionOf(call.Arguments[0], locals)?.Pow(0.5),
                    "resolution" or "timestep" => Dimension.Time,
                    _ when _functions.TryGetValue(call.Function, out var f) => f.ReturnType is null ? Dimension.None : DimensionOf(f.ReturnType),
                    _ => Dimension.None,
                };
            default:
                return null;
        }
    }
}
