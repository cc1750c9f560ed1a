using Meta.Expressions;

namespace Meta.Backends.Torch.Expressions;

/// <summary>
/// A compiled expression: <see cref="Eval"/> reads the registers (locals, buffers, draws, time) and returns a value, with the
/// tensor operations of the engine that runs it (a node holds nothing of a device, so plans are shared by every engine).
/// </summary>
internal abstract class Node
{
    public abstract TValue Eval(TValue[] registers, TensorArithmetic a);
}

/// <summary>A literal.</summary>
internal sealed class ConstNode(double value) : Node
{
    public double Value => value;
    public override TValue Eval(TValue[] registers, TensorArithmetic a) => TValue.Of(value);
}

/// <summary>A register's value, never overwritten in place by the operation that reads it.</summary>
internal sealed class RegisterNode(int register) : Node
{
    public override TValue Eval(TValue[] registers, TensorArithmetic a)
    {
        var v = registers[register];
        return v.IsConstant ? v : TValue.Borrowed(v.Tensor!);
    }
}

/// <summary>An operation of one operand: a number rule for constants, a tensor operation (told whether it may work in place) otherwise.</summary>
internal sealed class UnaryNode(Node operand, Func<double, double> constant, Func<TensorArithmetic, TValue, TorchSharp.torch.Tensor> tensor) : Node
{
    public override TValue Eval(TValue[] registers, TensorArithmetic a)
    {
        var v = operand.Eval(registers, a);
        return v.IsConstant ? TValue.Of(constant(v.Constant), v.Transient) : TValue.Temporary(tensor(a, v));
    }
}

/// <summary>An operation of two operands (arithmetic, comparison, logic, φ), constants included.</summary>
internal sealed class BinaryNode(Node left, Node right, Func<TensorArithmetic, TValue, TValue, TValue> apply) : Node
{
    public override TValue Eval(TValue[] registers, TensorArithmetic a) => apply(a, left.Eval(registers, a), right.Eval(registers, a));
}

/// <summary>A built-in function.</summary>
internal sealed class CallNode(string function, Node[] arguments) : Node
{
    public override TValue Eval(TValue[] registers, TensorArithmetic a)
    {
        var v = arguments.Select(x => x.Eval(registers, a)).ToArray();
        if (v.Any(x => !x.IsConstant)) return TValue.Temporary(a.Call(function, v));
        return TValue.Of(MathFunctions.Apply(function, v.Select(x => x.Constant).ToArray()), v.Any(x => x.Transient));
    }
}

/// <summary><c>where(condition, then, otherwise)</c>; only the taken branch is evaluated when the condition is a constant.</summary>
internal sealed class WhereNode(Node condition, Node then, Node otherwise) : Node
{
    public override TValue Eval(TValue[] registers, TensorArithmetic a)
    {
        var m = condition.Eval(registers, a);
        if (m.IsConstant) return m.Constant != 0 ? then.Eval(registers, a) : otherwise.Eval(registers, a);
        return TValue.Temporary(a.Where(m.Tensor!, then.Eval(registers, a), otherwise.Eval(registers, a)));
    }
}
