using Meta.Expressions;
using TorchSharp;

namespace Meta.Backends.Torch.Expressions;

/// <summary>A compiled expression: <see cref="Eval"/> reads the registers (locals, buffers, draws, time) and returns a value.</summary>
internal abstract class Node
{
    public abstract TValue Eval(TValue[] registers);
}

/// <summary>A literal.</summary>
internal sealed class ConstNode(double value) : Node
{
    public double Value => value;
    public override TValue Eval(TValue[] registers) => TValue.Of(value);
}

/// <summary>A register's value, never overwritten in place by the operation that reads it.</summary>
internal sealed class RegisterNode(int register) : Node
{
    public int Register => register;

    public override TValue Eval(TValue[] registers)
    {
        var v = registers[register];
        return v.IsConstant ? v : TValue.Borrowed(v.Tensor!);
    }
}

internal sealed class NegateNode(Node operand) : Node
{
    public override TValue Eval(TValue[] registers)
    {
        var a = operand.Eval(registers);
        return a.IsConstant ? TValue.Of(-a.Constant, a.Transient) : TValue.Temporary(a.Owned ? a.Tensor!.neg_() : a.Tensor!.neg());
    }
}

internal sealed class BinaryNode(TensorArithmetic a, BinaryOperator op, Node left, Node right) : Node
{
    public BinaryOperator Operator => op;
    public Node Left => left;
    public Node Right => right;
    public override TValue Eval(TValue[] registers) => a.Apply(op, left.Eval(registers), right.Eval(registers));
}

internal sealed class CallNode(TensorArithmetic a, string function, Node[] arguments) : Node
{
    public override TValue Eval(TValue[] registers)
    {
        var v = new TValue[arguments.Length];
        bool constant = true, transient = false;
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = arguments[i].Eval(registers);
            constant &= v[i].IsConstant;
            transient |= v[i].Transient;
        }
        if (!constant) return TValue.Temporary(a.Call(function, v));
        var numbers = new double[v.Length];
        for (int i = 0; i < v.Length; i++) numbers[i] = v[i].Constant;
        return TValue.Of(MathFunctions.Apply(function, numbers), transient);
    }
}

/// <summary>φ(b, h) (KernelSymbols.Phi), in this backend's form (<see cref="TensorArithmetic.Phi"/>).</summary>
internal sealed class PhiNode(TensorArithmetic a, Node b, Node h) : Node
{
    public override TValue Eval(TValue[] registers) => a.Phi(b.Eval(registers), h.Eval(registers));
}

internal sealed class WhereNode(TensorArithmetic a, Node condition, Node then, Node otherwise) : Node
{
    public override TValue Eval(TValue[] registers)
    {
        var m = condition.Eval(registers);
        if (m.IsConstant) return m.Constant != 0 ? then.Eval(registers) : otherwise.Eval(registers);
        return TValue.Temporary(a.Where(m.Tensor!, then.Eval(registers), otherwise.Eval(registers)));
    }
}

/// <summary>A condition used as a number: 1 where true, 0 elsewhere.</summary>
internal sealed class MaskToNumberNode(TensorArithmetic a, Node mask) : Node
{
    public override TValue Eval(TValue[] registers)
    {
        var m = mask.Eval(registers);
        return m.IsConstant ? TValue.Of(m.Constant != 0 ? 1 : 0, m.Transient) : TValue.Temporary(m.Tensor!.to_type(a.Constants.DType));
    }
}

internal sealed class CompareNode(TensorArithmetic a, BinaryOperator op, Node left, Node right) : Node
{
    public override TValue Eval(TValue[] registers) => a.Compare(op, left.Eval(registers), right.Eval(registers));
}

internal sealed class LogicNode(BinaryOperator op, Node left, Node right) : Node
{
    public override TValue Eval(TValue[] registers)
    {
        var l = left.Eval(registers);
        var r = right.Eval(registers);
        bool and = op == BinaryOperator.And;
        if (l.IsConstant && r.IsConstant)
            return TValue.Of((and ? l.Constant != 0 && r.Constant != 0 : l.Constant != 0 || r.Constant != 0) ? 1 : 0, l.Transient || r.Transient);
        if (l.IsConstant || r.IsConstant)
        {
            var (k, t) = l.IsConstant ? (l.Constant != 0, r) : (r.Constant != 0, l);
            if (and) return k ? t : TValue.Of(0);
            return k ? TValue.Of(1) : t;
        }
        return TValue.Temporary(and ? l.Tensor!.logical_and(r.Tensor!) : l.Tensor!.logical_or(r.Tensor!));
    }
}

internal sealed class NotNode(Node operand) : Node
{
    public override TValue Eval(TValue[] registers)
    {
        var a = operand.Eval(registers);
        return a.IsConstant ? TValue.Of(a.Constant == 0 ? 1 : 0, a.Transient) : TValue.Temporary(a.Tensor!.logical_not());
    }
}

/// <summary>A number used as a condition: true where non-zero.</summary>
internal sealed class NonZeroNode(TensorArithmetic a, Node number) : Node
{
    public override TValue Eval(TValue[] registers)
    {
        var v = number.Eval(registers);
        return v.IsConstant ? TValue.Of(v.Constant != 0 ? 1 : 0, v.Transient) : TValue.Temporary(v.Tensor!.ne(a.Constants.ScalarOf(0)));
    }
}
