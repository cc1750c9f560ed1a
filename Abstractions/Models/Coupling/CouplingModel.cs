using Meta.Expressions;

namespace Meta.Models;

/// <summary>
/// A continuous coupling between cells as data (docs/architecture.md, "Models, synapse rules and couplings are data"): per
/// connection, parameters (always a <c>weight</c>, a conductance in µS), optional states with their ODEs, and the current
/// injected into the postsynaptic cell, an expression of the connection's parameters and states and of the pre and post
/// cells' states, written <c>NAME_pre</c> and <c>NAME_post</c> (e.g. <c>weight*(v_pre - v_post)</c>). The current is in nA
/// and is added to the post cell's injected current every step (docs/semantics.md, "Continuous coupling"). A bidirectional
/// coupling also injects the mirror current (the same expression with pre and post exchanged) into the pre cell.
/// </summary>
public sealed record CouplingModel
{
    /// <summary>The weight's name: the coupling conductance in µS, as PyNN's.</summary>
    public const string WeightName = "weight";

    /// <summary>The suffix of a presynaptic cell state in expressions.</summary>
    public const string PreSuffix = "_pre";

    /// <summary>The suffix of a postsynaptic cell state in expressions.</summary>
    public const string PostSuffix = "_post";

    /// <summary>The type's name (PyNN's class name for the standard types).</summary>
    public required string Name { get; init; }
    /// <summary>What it models.</summary>
    public string Description { get; init; } = "";
    /// <summary>The parameters, <see cref="WeightName"/> included.</summary>
    public required IReadOnlyList<ParameterDefinition> Parameters { get; init; }
    /// <summary>The per-connection states.</summary>
    public IReadOnlyList<StateDefinition> States { get; init; } = [];
    /// <summary>The states' ODEs (one per state; in ms⁻¹ units of the state).</summary>
    public IReadOnlyList<OdeDefinition> Odes { get; init; } = [];
    /// <summary>The current injected into the post cell, in nA.</summary>
    public required Expr Current { get; init; }
    /// <summary>Whether the mirror current (pre and post exchanged) is injected into the pre cell too (gap junctions).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>The cell states the coupling reads on the pre side (<c>NAME_pre</c>), in order of appearance.</summary>
    public IReadOnlyList<string> PreStates => CellStates(PreSuffix, Bidirectional ? PostSuffix : null);

    /// <summary>The cell states the coupling reads on the post side (<c>NAME_post</c>), in order of appearance.</summary>
    public IReadOnlyList<string> PostStates => CellStates(PostSuffix, Bidirectional ? PreSuffix : null);

    /// <summary>The names the user can set or read per connection: parameters and states.</summary>
    public IEnumerable<string> AttributeNames => Parameters.Select(p => p.Name).Concat(States.Select(s => s.Name));

    /// <summary>The mirror current into the pre cell of a bidirectional coupling: <see cref="Current"/> with pre and post exchanged.</summary>
    public Expr MirrorCurrent => Current.Substitute(n => Swap(n) is { } s ? new SymbolExpr(s) : null);

    /// <summary>A copy that reads cell state <paramref name="variable"/> wherever this one reads <c>v</c> (e.g. a compartment's <c>dend_v</c>).</summary>
    public CouplingModel OnVariable(string variable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        if (variable == "v") return this;
        Expr Rename(Expr e) => e.Substitute(n => n == "v" + PreSuffix ? new SymbolExpr(variable + PreSuffix)
            : n == "v" + PostSuffix ? new SymbolExpr(variable + PostSuffix) : null);
        return this with { Current = Rename(Current), Odes = Odes.Select(o => o with { RightHandSide = Rename(o.RightHandSide) }).ToArray() };
    }

    private string? Swap(string name) =>
        IsLocal(name) ? null
        : name.EndsWith(PreSuffix, StringComparison.Ordinal) ? name[..^PreSuffix.Length] + PostSuffix
        : name.EndsWith(PostSuffix, StringComparison.Ordinal) ? name[..^PostSuffix.Length] + PreSuffix
        : null;

    private bool IsLocal(string name) => Parameters.Any(p => p.Name == name) || States.Any(s => s.Name == name);

    private string[] CellStates(string suffix, string? mirrorSuffix)
    {
        var symbols = Current.SymbolsInOrder().Concat(Odes.SelectMany(o => o.RightHandSide.SymbolsInOrder())).Where(n => !IsLocal(n));
        return symbols.Select(n => n.EndsWith(suffix, StringComparison.Ordinal) ? n[..^suffix.Length]
                : mirrorSuffix is not null && n.EndsWith(mirrorSuffix, StringComparison.Ordinal) ? n[..^mirrorSuffix.Length] : null)
            .OfType<string>().Distinct().ToArray();
    }
}
