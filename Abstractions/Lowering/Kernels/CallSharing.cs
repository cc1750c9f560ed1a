using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Lowering.Kernels;

/// <summary>
/// Computes each expensive call (<c>exp</c>, <c>log</c>, <c>pow</c>, …) that several statements of a block need once, into a
/// local declared just before the first statement that uses it. A block is a run of <see cref="Let"/> statements in which
/// no local is reassigned, so every occurrence of a call has the same value: results are bit for bit those without sharing.
/// Hodgkin–Huxley's rate functions, for example, appear both in the right-hand sides and in the exponential factors.
/// </summary>
internal sealed class CallSharing
{
    private static readonly HashSet<string> Expensive = ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "pow"];
    private int _next;

    /// <summary>Rewrites one block of <see cref="Let"/> statements.</summary>
    public IReadOnlyList<Statement> Share(IReadOnlyList<Let> block)
    {
        var counts = new Dictionary<Expr, int>();
        foreach (var let in block) Count(let.Value, counts);
        var shared = new Dictionary<Expr, string>();
        var result = new List<Statement>();
        foreach (var let in block)
        {
            var declarations = new List<Statement>();
            var value = Replace(let.Value, counts, shared, declarations);
            result.AddRange(declarations);
            result.Add(let with { Value = value });
        }
        return result;
    }

    private static void Count(Expr e, Dictionary<Expr, int> counts)
    {
        if (e is CallExpr c && Expensive.Contains(c.Function)) counts[e] = counts.GetValueOrDefault(e) + 1;
        foreach (var child in Children(e)) Count(child, counts);
    }

    private Expr Replace(Expr e, Dictionary<Expr, int> counts, Dictionary<Expr, string> shared, List<Statement> declarations)
    {
        if (shared.TryGetValue(e, out var name)) return Expr.Symbol(name);
        var rewritten = e switch
        {
            NegateExpr u => new NegateExpr(Replace(u.Operand, counts, shared, declarations)),
            NotExpr u => new NotExpr(Replace(u.Operand, counts, shared, declarations)),
            BinaryExpr b => new BinaryExpr(b.Operator, Replace(b.Left, counts, shared, declarations), Replace(b.Right, counts, shared, declarations)),
            CallExpr c => new CallExpr(c.Function, [.. c.Arguments.Select(a => Replace(a, counts, shared, declarations))]),
            ConditionalExpr c => new ConditionalExpr(Replace(c.Condition, counts, shared, declarations),
                Replace(c.Then, counts, shared, declarations), Replace(c.Else, counts, shared, declarations)),
            _ => e,
        };
        if (e is CallExpr && counts.GetValueOrDefault(e) > 1)
        {
            name = KernelSymbols.Local($"#c{_next++}");
            shared[e] = name;
            declarations.Add(new Let(name, rewritten));
            return Expr.Symbol(name);
        }
        return rewritten;
    }

    private static IEnumerable<Expr> Children(Expr e) => e switch
    {
        NegateExpr u => [u.Operand],
        NotExpr u => [u.Operand],
        BinaryExpr b => [b.Left, b.Right],
        CallExpr c => c.Arguments,
        ConditionalExpr c => [c.Condition, c.Then, c.Else],
        _ => [],
    };
}
