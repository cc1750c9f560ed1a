using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Torch.Expressions;

/// <summary>Where a compiled expression finds a symbol: its register, and whether it holds a condition.</summary>
internal readonly record struct SymbolSlot(int Register, bool IsMask);

/// <summary>
/// Compiles kernel expressions into trees of <see cref="Node"/>s, node for node as the C# emitters write them
/// (KernelBodyWriter): each expression node becomes one elementwise tensor operation in the order of the tree, a condition
/// local read as a number is 1 where it holds, a number read as a condition is true where non-zero. Only subtrees of
/// literals are evaluated here; every symbol is read from a register when the kernel runs, so the compiled form depends on
/// the kernel's structure, never on buffer values.
/// </summary>
internal sealed class ExpressionCompiler(Func<string, SymbolSlot> resolve)
{
    /// <summary>An expression as a number.</summary>
    public Node Number(Expr expr)
    {
        switch (expr)
        {
            case NumberExpr n:
                return new ConstNode(n.Value);
            case SymbolExpr s:
            {
                var slot = resolve(s.Name);
                var register = new RegisterNode(slot.Register);
                return slot.IsMask ? ToNumber(register) : register;
            }
            case NegateExpr u:
            {
                var a = Number(u.Operand);
                return Fold(new UnaryNode(a, x => -x, (_, v) => v.Owned ? v.Tensor!.neg_() : v.Tensor!.neg()), a);
            }
            case NotExpr:
            case BinaryExpr { Operator: >= BinaryOperator.Less }:
            {
                var m = Mask(expr);
                return Fold(ToNumber(m), m);
            }
            case BinaryExpr b:
            {
                var l = Number(b.Left);
                var r = Number(b.Right);
                return Fold(new BinaryNode(l, r, (k, x, y) => k.Apply(b.Operator, x, y)), l, r);
            }
            case CallExpr { Function: KernelSymbols.Phi } c:
            {
                var b = Number(c.Arguments[0]);
                var h = Number(c.Arguments[1]);
                return Fold(new BinaryNode(b, h, (k, x, y) => k.Phi(x, y)), b, h);
            }
            case CallExpr c:
            {
                var args = c.Arguments.Select(Number).ToArray();
                return Fold(new CallNode(c.Function, args), args);
            }
            case ConditionalExpr c:
            {
                var m = Mask(c.Condition);
                var then = Number(c.Then);
                var otherwise = Number(c.Else);
                if (m is ConstNode k) return k.Value != 0 ? then : otherwise;
                return new WhereNode(m, then, otherwise);
            }
            default:
                throw new NotSupportedException($"Expression node {expr.GetType().Name} in a torch kernel.");
        }
    }

    /// <summary>An expression as a condition: a bool tensor or a constant 0/1.</summary>
    public Node Mask(Expr expr)
    {
        switch (expr)
        {
            case SymbolExpr s when resolve(s.Name).IsMask:
                return new RegisterNode(resolve(s.Name).Register);
            case NotExpr u:
            {
                var a = Mask(u.Operand);
                return Fold(new UnaryNode(a, x => x == 0 ? 1 : 0, (_, v) => v.Tensor!.logical_not()), a);
            }
            case BinaryExpr { Operator: BinaryOperator.And, Right: NotExpr not } b:
            {
                // a and not c: one masked fill instead of a negation and a conjunction.
                var l = Mask(b.Left);
                var r = Mask(not.Operand);
                return Fold(new BinaryNode(l, r, (k, x, y) => k.AndNot(x, y)), l, r);
            }
            case BinaryExpr { Operator: BinaryOperator.And or BinaryOperator.Or } b:
            {
                var l = Mask(b.Left);
                var r = Mask(b.Right);
                return Fold(new BinaryNode(l, r, (_, x, y) => TensorArithmetic.Logic(b.Operator, x, y)), l, r);
            }
            case BinaryExpr { Operator: >= BinaryOperator.Less } b:
            {
                var l = Number(b.Left);
                var r = Number(b.Right);
                return Fold(new BinaryNode(l, r, (k, x, y) => k.Compare(b.Operator, x, y)), l, r);
            }
            case NumberExpr n:
                return new ConstNode(n.Value != 0 ? 1 : 0);
            default:
            {
                var a = Number(expr);
                return Fold(new UnaryNode(a, x => x != 0 ? 1 : 0, (k, v) => v.Tensor!.ne(k.Constants.ScalarOf(0))), a);
            }
        }
    }

    /// <summary>A condition read as a number: 1 where it holds, 0 elsewhere.</summary>
    private UnaryNode ToNumber(Node mask) => new(mask, x => x != 0 ? 1 : 0, (k, v) => v.Tensor!.to_type(k.Constants.DType));

    /// <summary>The arithmetic of subtrees of literals, which never touches a tensor (nor a device).</summary>
    private static readonly TensorArithmetic Literals = new(null!);

    /// <summary>Evaluates a node now when all its operands are literals.</summary>
    private static Node Fold(Node node, params Node[] operands) =>
        operands.All(o => o is ConstNode) ? new ConstNode(node.Eval([], Literals).Constant) : node;
}
