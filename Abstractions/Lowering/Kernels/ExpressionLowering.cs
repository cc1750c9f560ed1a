using Meta.Expressions;

namespace Meta.Lowering.Kernels;

/// <summary>
/// Puts a model expression into the form every emitter writes as it stands (the literal-versus-buffer policy,
/// docs/architecture.md):
/// <list type="number">
/// <item><b>Simplify</b>: constant subtrees of literals are folded and the identities x+0, x·1, x·0, … applied.</item>
/// <item><b>Fold values out</b>: every largest subtree that reads only the group's values (parameters and coefficients,
/// never states, <c>dt</c>, <c>t</c> or draws) becomes a <see cref="DerivedValues"/> entry, computed on the host in float64
/// whenever the values change: uniform when every value it reads is uniform, else per cell. The kernel reads the result.
/// So changing a value never changes the kernel, and the arithmetic left in the kernel is the same whether a value is
/// uniform or per cell (a variant inside a batch computes what it computes alone, docs/sweeps.md).</item>
/// <item><b>Strength reduction</b>: a division by a literal or by a value becomes a multiplication by its reciprocal
/// (computed on the host), and x**n for n = 2, 3, 4 becomes a product.</item>
/// </list>
/// <c>dt</c> and <c>t</c> stay in the kernel, as do states and draws.
/// </summary>
internal sealed class ExpressionLowering(Func<string, bool> isValue, DerivedValues derived)
{
    /// <summary>Lowers <paramref name="expr"/> (written in the model's own names).</summary>
    public Expr Lower(Expr expr) => Reduce(Hoist(expr.Simplify()));

    private bool ValuesOnly(Expr e)
    {
        bool any = false;
        foreach (var s in e.Symbols())
        {
            if (!isValue(s)) return false;
            any = true;
        }
        return any;
    }

    private Expr Hoist(Expr e)
    {
        if (e is SymbolExpr or NumberExpr) return e;
        if (ValuesOnly(e)) return Expr.Symbol(derived.Add(e));
        return e switch
        {
            NegateExpr u => new NegateExpr(Hoist(u.Operand)),
            NotExpr u => new NotExpr(Hoist(u.Operand)),
            BinaryExpr b => new BinaryExpr(b.Operator, Hoist(b.Left), Hoist(b.Right)),
            CallExpr c => new CallExpr(c.Function, [.. c.Arguments.Select(Hoist)]),
            ConditionalExpr c => new ConditionalExpr(Hoist(c.Condition), Hoist(c.Then), Hoist(c.Else)),
            _ => e,
        };
    }

    private Expr Reduce(Expr e)
    {
        switch (e)
        {
            case BinaryExpr { Operator: BinaryOperator.Divide } d when d.Right is NumberExpr { Value: var divisor } && divisor != 0:
                return new BinaryExpr(BinaryOperator.Multiply, Reduce(d.Left), new NumberExpr(1.0 / divisor));
            case BinaryExpr { Operator: BinaryOperator.Divide } d when d.Right is SymbolExpr { Name: var u } && isValue(u):
                return new BinaryExpr(BinaryOperator.Multiply, Reduce(d.Left), Expr.Symbol(derived.Reciprocal(u)));
            case BinaryExpr { Operator: BinaryOperator.Power } p when p.Right is NumberExpr { Value: var n } && n == Math.Floor(n) && n >= 1 && n <= 4:
            {
                var x = Reduce(p.Left);
                Expr product = x;
                for (int i = 1; i < (int)n; i++) product = new BinaryExpr(BinaryOperator.Multiply, product, x);
                return product;
            }
            case NegateExpr u: return new NegateExpr(Reduce(u.Operand));
            case NotExpr u: return new NotExpr(Reduce(u.Operand));
            case BinaryExpr b: return new BinaryExpr(b.Operator, Reduce(b.Left), Reduce(b.Right));
            case CallExpr c: return new CallExpr(c.Function, [.. c.Arguments.Select(Reduce)]);
            case ConditionalExpr c: return new ConditionalExpr(Reduce(c.Condition), Reduce(c.Then), Reduce(c.Else));
            default: return e;
        }
    }
}

/// <summary>
/// The values a kernel's lowering folded out of its expressions: each an expression of the group's values (or the
/// reciprocal of one), named <c>__derived{n}</c> in order of first use, computed on the host; uniform when every value it
/// reads is uniform (<paramref name="isUniform"/>), else one per cell.
/// </summary>
internal sealed class DerivedValues(Func<string, bool> isUniform)
{
    private readonly List<(string Name, Expr Formula)> _entries = [];
    private readonly Dictionary<Expr, string> _byFormula = [];

    /// <summary>The entries in order.</summary>
    public IReadOnlyList<(string Name, Expr Formula)> Entries => _entries;

    /// <summary>The name of the value of <paramref name="formula"/>, adding it if new.</summary>
    public string Add(Expr formula)
    {
        if (_byFormula.TryGetValue(formula, out var name)) return name;
        name = $"__derived{_entries.Count}";
        _entries.Add((name, formula));
        _byFormula[formula] = name;
        _byName[name] = formula;
        return name;
    }

    /// <summary>The name of <c>1/uniform</c>.</summary>
    public string Reciprocal(string uniform) => Add(new BinaryExpr(BinaryOperator.Divide, new NumberExpr(1.0), Expr.Symbol(uniform)));

    /// <summary>Whether <paramref name="name"/> (a derived value, or one of the group's values) holds one value for the whole group.</summary>
    public bool IsUniform(string name) =>
        _byName.TryGetValue(name, out var formula) ? formula.Symbols().All(IsUniform) : isUniform(name);

    private readonly Dictionary<string, Expr> _byName = [];

    /// <summary>Whether <paramref name="name"/> is one of the entries.</summary>
    public bool IsDerived(string name) => _byName.ContainsKey(name);

    /// <summary>
    /// Evaluates every entry (entries may read earlier entries) from the group's values, one per cell: a uniform entry gets
    /// one value (from cell 0), a per-cell entry <paramref name="size"/>.
    /// </summary>
    public Dictionary<string, double[]> Evaluate(IReadOnlyDictionary<string, double[]> values, int size)
    {
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        double Read(string n, int cell)
        {
            var array = result.TryGetValue(n, out var d) ? d : values[n];
            return array.Length == 1 ? array[0] : array[cell];
        }
        foreach (var (name, formula) in _entries)
        {
            int count = IsUniform(name) ? 1 : size;
            var column = new double[count];
            for (int cell = 0; cell < count; cell++) column[cell] = formula.Evaluate(n => Read(n, cell));
            result[name] = column;
        }
        return result;
    }
}
