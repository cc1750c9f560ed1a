using System.Text;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.CSharp;

/// <summary>
/// What the code around a kernel body provides: how to read a buffer or a reserved symbol of one cell, and the primitive
/// statements that touch the runtime's own memory (delay rings, refractory counters, spike output, state buffers).
/// </summary>
public interface IKernelBinding
{
    /// <summary>The C# expression of a buffer, a draw, <c>t</c>, <c>dt</c> or <c>i_inj</c> for the current cell.</summary>
    string Read(string symbol);

    /// <summary>The lines storing <paramref name="value"/> into state buffer <paramref name="buffer"/>.</summary>
    IEnumerable<string> Store(string buffer, string value);

    /// <summary>The lines declaring number local <paramref name="local"/> as the arriving input of a receptor and clearing it.</summary>
    IEnumerable<string> ReceiveInput(string local, int receptor);

    /// <summary>The lines declaring condition local <paramref name="local"/>: the cell is refractory.</summary>
    IEnumerable<string> ReadRefractory(string local);

    /// <summary>The lines updating the refractory counter (<see cref="CountDown"/>); <paramref name="period"/> is a number.</summary>
    IEnumerable<string> CountDown(string active, string restart, string period);

    /// <summary>The lines emitting the spikes of the cells where <paramref name="mask"/> holds.</summary>
    IEnumerable<string> EmitSpikes(string mask);

    /// <summary>The lines sending <paramref name="value"/> to the synapse's receptor (<see cref="Programs.Transmit"/>; synapse kernels only).</summary>
    IEnumerable<string> Transmit(string value) => throw new NotSupportedException("Transmit belongs to synapse kernels.");
}

/// <summary>
/// Translates the statements of a <see cref="CellKernel"/> into C# lines, in one <see cref="CSharpDialect"/>, around which a
/// backend writes its loop. The translation adds no arithmetic: each expression node becomes one operation of the dialect,
/// in the order of the tree, so every C# backend computes what the step program says.
/// </summary>
public sealed class KernelBodyWriter(CSharpDialect dialect, IKernelBinding binding)
{
    private readonly Dictionary<string, string> _locals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _masks = new(StringComparer.Ordinal);

    /// <summary>The C# lines of <paramref name="kernel"/>'s statements, each indented by <paramref name="indent"/>.</summary>
    public string Write(CellKernel kernel, string indent)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var sb = new StringBuilder();
        foreach (var phase in kernel.Phases)
        {
            if (phase.Statements.Count == 0) continue;
            sb.Append(indent).Append("// ").AppendLine(phase.Phase.ToString());
            foreach (var statement in phase.Statements)
                foreach (var line in Lines(statement)) sb.Append(indent).AppendLine(line);
        }
        return sb.ToString();
    }

    /// <summary>The C# lines of a statement list (a synapse kernel's event), each indented by <paramref name="indent"/>.</summary>
    public string Write(IEnumerable<Statement> statements, string indent)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var sb = new StringBuilder();
        foreach (var statement in statements)
            foreach (var line in Lines(statement)) sb.Append(indent).AppendLine(line);
        return sb.ToString();
    }

    private IEnumerable<string> Lines(Statement statement)
    {
        switch (statement)
        {
            case Let l: return [$"{dialect.NumberType} {Declare(l.Name)} = {Number(l.Value)};"];
            case LetMask m:
            {
                string condition = Mask(m.Condition);
                return [$"{dialect.MaskType} {Declare(m.Name, mask: true)} = {condition};"];
            }
            case Assign a:
                return a.Where is null
                    ? [$"{LocalName(a.Name)} = {Number(a.Value)};"]
                    : [dialect.AssignWhere(LocalName(a.Name), LocalName(a.Where), Number(a.Value))];
            case Store s: return binding.Store(s.Buffer, Number(s.Value));
            case ReceiveInput r: return binding.ReceiveInput(Declare(r.Name), r.Receptor);
            case ReadRefractory r: return binding.ReadRefractory(Declare(r.Name, mask: true));
            case CountDown c: return binding.CountDown(LocalName(c.Active), LocalName(c.Restart), Number(c.Period));
            case EmitSpikes e: return binding.EmitSpikes(LocalName(e.Mask));
            case Transmit x: return binding.Transmit(Number(x.Value));
            default: throw new NotSupportedException($"Statement {statement.GetType().Name} is not known to the C# emitter.");
        }
    }

    private string Declare(string local, bool mask = false)
    {
        if (_locals.ContainsKey(local)) throw new InvalidOperationException($"Local '{local}' is declared twice.");
        var name = $"L{_locals.Count}_{Sanitize(local)}";
        _locals[local] = name;
        if (mask) _masks.Add(local);
        return name;
    }

    private string LocalName(string local) =>
        _locals.TryGetValue(local, out var name) ? name : throw new InvalidOperationException($"Local '{local}' is used before it is declared.");

    /// <summary>A C# identifier fragment for a name.</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name) sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        return sb.ToString().Trim('_');
    }

    private string Symbol(string name) => KernelSymbols.IsLocal(name) ? LocalName(name) : binding.Read(name);

    /// <summary>An expression as a number.</summary>
    public string Number(Expr expr) => expr switch
    {
        NumberExpr n => dialect.Literal(n.Value),
        SymbolExpr s when _masks.Contains(s.Name) => dialect.OneWhere(LocalName(s.Name)),
        SymbolExpr s => Symbol(s.Name),
        NegateExpr u => dialect.Negate(Number(u.Operand)),
        NotExpr or BinaryExpr { Operator: >= BinaryOperator.Less } => dialect.OneWhere(Mask(expr)),
        BinaryExpr b => Arithmetic(b),
        CallExpr c => dialect.Call(c.Function, c.Arguments.Select(Number).ToArray()),
        ConditionalExpr c => dialect.Select(Mask(c.Condition), Number(c.Then), Number(c.Else)),
        _ => throw new NotSupportedException(expr.GetType().Name),
    };

    /// <summary>An expression as a condition.</summary>
    public string Mask(Expr expr) => expr switch
    {
        SymbolExpr s when _masks.Contains(s.Name) => LocalName(s.Name),
        NotExpr u => dialect.Not(Mask(u.Operand)),
        BinaryExpr { Operator: BinaryOperator.And } b => dialect.And(Mask(b.Left), Mask(b.Right)),
        BinaryExpr { Operator: BinaryOperator.Or } b => dialect.Or(Mask(b.Left), Mask(b.Right)),
        BinaryExpr { Operator: >= BinaryOperator.Less } b => dialect.Compare(b.Operator, Number(b.Left), Number(b.Right)),
        NumberExpr n => dialect.MaskLiteral(n.Value != 0),
        _ => dialect.IsNonZero(Number(expr)),
    };

    private string Arithmetic(BinaryExpr b)
    {
        if (b.Operator == BinaryOperator.Power) return dialect.Call("pow", [Number(b.Left), Number(b.Right)]);
        string op = b.Operator switch
        {
            BinaryOperator.Add => "+",
            BinaryOperator.Subtract => "-",
            BinaryOperator.Multiply => "*",
            BinaryOperator.Divide => "/",
            _ => throw new NotSupportedException(b.Operator.ToString()),
        };
        return dialect.Arithmetic(op, Number(b.Left), Number(b.Right));
    }
}
