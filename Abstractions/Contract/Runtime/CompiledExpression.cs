using Meta.Expressions;

namespace Meta.Backends.Runtime;

/// <summary>
/// An expression turned once into nested delegates over an array of slots (one per symbol), so that evaluating it for
/// every connection and step neither looks names up nor allocates. The arithmetic is that of
/// <see cref="ExpressionAlgebra.Evaluate"/>, operation for operation, so both give the same doubles.
/// </summary>
internal static class CompiledExpression
{
    /// <summary>Compiles <paramref name="expr"/>; <paramref name="slot"/> gives each symbol's position in the slot array.</summary>
    public static Func<double[], double> Compile(Expr expr, Func<string, int> slot)
    {
        switch (expr)
        {
            case NumberExpr n:
            {
                double value = n.Value;
                return _ => value;
            }
            case SymbolExpr s:
            {
                int i = slot(s.Name);
                return v => v[i];
            }
            case NegateExpr u:
            {
                var o = Compile(u.Operand, slot);
                return v => -o(v);
            }
            case NotExpr u:
            {
                var o = Compile(u.Operand, slot);
                return v => o(v) == 0 ? 1 : 0;
            }
            case ConditionalExpr c:
            {
                var (condition, then, otherwise) = (Compile(c.Condition, slot), Compile(c.Then, slot), Compile(c.Else, slot));
                return v => condition(v) != 0 ? then(v) : otherwise(v);
            }
            case CallExpr c:
            {
                var args = c.Arguments.Select(a => Compile(a, slot)).ToArray();
                string function = c.Function;
                if (args.Length == 1)
                {
                    var a0 = args[0];
                    return v => MathFunctions.Apply(function, [a0(v)]);
                }
                return v =>
                {
                    Span<double> values = stackalloc double[args.Length];
                    for (int i = 0; i < values.Length; i++) values[i] = args[i](v);
                    return MathFunctions.Apply(function, values);
                };
            }
            case BinaryExpr b:
            {
                var (l, r) = (Compile(b.Left, slot), Compile(b.Right, slot));
                return b.Operator switch
                {
                    BinaryOperator.Add => v => l(v) + r(v),
                    BinaryOperator.Subtract => v => l(v) - r(v),
                    BinaryOperator.Multiply => v => l(v) * r(v),
                    BinaryOperator.Divide => v => l(v) / r(v),
                    BinaryOperator.Power => v => Math.Pow(l(v), r(v)),
                    BinaryOperator.Less => v => l(v) < r(v) ? 1 : 0,
                    BinaryOperator.LessOrEqual => v => l(v) <= r(v) ? 1 : 0,
                    BinaryOperator.Greater => v => l(v) > r(v) ? 1 : 0,
                    BinaryOperator.GreaterOrEqual => v => l(v) >= r(v) ? 1 : 0,
                    BinaryOperator.Equal => v => l(v) == r(v) ? 1 : 0,
                    BinaryOperator.NotEqual => v => l(v) != r(v) ? 1 : 0,
                    BinaryOperator.And => v => l(v) != 0 && r(v) != 0 ? 1 : 0,
                    BinaryOperator.Or => v => l(v) != 0 || r(v) != 0 ? 1 : 0,
                    _ => throw new NotSupportedException(b.Operator.ToString()),
                };
            }
            default: throw new NotSupportedException(expr.GetType().Name);
        }
    }
}
