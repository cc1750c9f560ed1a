using Meta.Backends.Torch.Expressions;
using Meta.Expressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Kernels;

/// <summary>What statements touch: their registers, and the engine's tensor operations.</summary>
internal interface IStatementFrame
{
    /// <summary>The registers: the symbols bound by the frame (buffers, dt, t, draws…), then the locals set by the statements.</summary>
    TValue[] Registers { get; }
    /// <summary>The tensor operations of the engine (its type and device).</summary>
    TensorArithmetic Arithmetic { get; }
}

/// <summary>What a cell kernel's statements touch besides their registers: the range of cells one plan advances.</summary>
internal interface IKernelFrame : IStatementFrame
{
    /// <summary>The input of receptor <paramref name="receptor"/> arriving in this step (its ring slot; cleared after the step).</summary>
    Tensor Input(int receptor);
    /// <summary>The refractory counters (int32, steps left).</summary>
    Tensor Refractory { get; }
    /// <summary>Takes the cells that spiked in this step (a bool tensor or a constant 0/1).</summary>
    void Emit(TValue mask);
}

/// <summary>One statement of a kernel, compiled: <see cref="Run"/> executes it on a frame.</summary>
internal abstract class KernelOp(StatementPlan plan, int index)
{
    protected StatementPlan Plan => plan;
    /// <summary>The statement's position in the kernel (for the liveness of registers).</summary>
    protected int Index => index;
    public abstract void Run(IStatementFrame frame);
}

/// <summary>
/// An operation <c>L op X</c> whose result may replace L's tensor in place, with the same rounding as out of place: L is
/// the left operand, or the right one of a commutative + or ×. <paramref name="Consumes"/>: the result goes to another
/// local, so L must not be read afterwards.
/// </summary>
internal sealed record InPlaceBinary(int Source, BinaryOperator Operator, Node Operand, bool Consumes)
{
    /// <summary>Applies the operation to L's tensor when <see cref="StatementPlan.CanOverwrite"/> allows it; false otherwise.</summary>
    public bool TryApply(StatementPlan plan, IStatementFrame frame, int index)
    {
        var regs = frame.Registers;
        var current = regs[Source];
        if (current.IsConstant || (Consumes && plan.IsReadAfter(Source, index)) || !plan.CanOverwrite(regs, Source, index)) return false;
        var x = Operand.Eval(regs, frame.Arithmetic);
        var t = current.Tensor!;
        var k = frame.Arithmetic.Constants;
        switch (Operator)
        {
            case BinaryOperator.Add: if (x.IsConstant) t.Plus_(k.ScalarFor(x)); else t.Plus_(x.Tensor!); break;
            case BinaryOperator.Subtract: if (x.IsConstant) t.sub_(k.ScalarFor(x)); else t.sub_(x.Tensor!); break;
            case BinaryOperator.Multiply: if (x.IsConstant) { if (x.Constant != 1) t.mul_(k.ScalarFor(x)); } else t.mul_(x.Tensor!); break;
            default: t.div_(k.AsTensor(x)); break;
        }
        return true;
    }
}

/// <summary>
/// <c>Let</c> and <c>LetMask</c>: the local takes the value (a borrowed tensor stays shared until overwritten). For
/// <c>M = L op X</c> where L is not read afterwards, L's tensor becomes M's, computed in place.
/// </summary>
internal sealed class LetOp(StatementPlan plan, int index, int register, Node value, InPlaceBinary? inPlace) : KernelOp(plan, index)
{
    public override void Run(IStatementFrame frame)
    {
        var regs = frame.Registers;
        regs[register] = inPlace is not null && inPlace.TryApply(Plan, frame, Index) ? regs[inPlace.Source] : value.Eval(regs, frame.Arithmetic);
    }
}

/// <summary>
/// <c>Assign</c>: <c>L = V</c>, or <c>L = where(M, V, L)</c>. Where the local's tensor is not read through another name
/// later (<see cref="StatementPlan.CanOverwrite"/>) it is updated in place: <c>L = L op X</c> as one in-place operation,
/// a masked assignment as <c>masked_fill_</c> or <c>copy_(where(…))</c>, or on the CPU device as <c>index_fill_</c> or
/// <c>index_copy_</c> over the mask's cells (<see cref="SparseMasks"/>); the rounding is the same as out of place.
/// </summary>
internal sealed class AssignOp(StatementPlan plan, int index, int register, Node value, int where, InPlaceBinary? inPlace)
    : KernelOp(plan, index)
{
    public override void Run(IStatementFrame frame)
    {
        if (where < 0)
        {
            Assign(frame);
            return;
        }
        var m = frame.Registers[where];
        if (!m.IsConstant) Masked(frame, m.Tensor!);
        else if (m.Constant != 0) Assign(frame);
    }

    private void Assign(IStatementFrame frame)
    {
        if (inPlace is null || !inPlace.TryApply(Plan, frame, Index)) frame.Registers[register] = value.Eval(frame.Registers, frame.Arithmetic);
    }

    private void Masked(IStatementFrame frame, Tensor mask)
    {
        var regs = frame.Registers;
        var v = value.Eval(regs, frame.Arithmetic);
        var current = regs[register];
        if (!current.IsConstant && Plan.CanOverwrite(regs, register, Index))
        {
            var t = current.Tensor!;
            if ((v.IsConstant || v.Tensor!.numel() == t.numel()) && frame.Arithmetic.Sparse?.CellsOf(mask) is { } cells)
            {
                // Only the mask's cells (refractory or spiking ones, few) are written: the same values as below.
                if (cells.shape[0] == 0) return;
                if (v.IsConstant) { if (!HostIndexOps.Fill(t, cells, v.Constant)) t.index_fill_(0, cells, frame.Arithmetic.Constants.ScalarFor(v)); }
                else if (!HostIndexOps.Copy(t, cells, v.Tensor!)) t.index_copy_(0, cells, v.Tensor!.index_select(0, cells));
                return;
            }
            if (v.IsConstant) t.masked_fill_(mask, frame.Arithmetic.Constants.ScalarFor(v));
            else t.copy_(torch.where(mask, v.Tensor!, t));
            return;
        }
        regs[register] = TValue.Temporary(frame.Arithmetic.Where(mask, v, current));
    }
}

/// <summary><c>Store</c>: writes a state buffer (nothing to do when the value is the buffer itself).</summary>
internal sealed class StoreOp(StatementPlan plan, int index, int buffer, Node value) : KernelOp(plan, index)
{
    public override void Run(IStatementFrame frame)
    {
        var regs = frame.Registers;
        var v = value.Eval(regs, frame.Arithmetic);
        var target = regs[buffer].Tensor!;
        if (ReferenceEquals(v.Tensor, target)) return;
        Plan.Detach(regs, target, Index);
        if (v.IsConstant) target.fill_(frame.Arithmetic.Constants.ScalarFor(v));
        else target.copy_(v.Tensor!);
    }
}

/// <summary><c>ReceiveInput</c>: the local is the receptor's ring slot of this step (the frame clears it after the step).</summary>
internal sealed class ReceiveOp(KernelPlan plan, int index, int register, int receptor) : KernelOp(plan, index)
{
    public override void Run(IStatementFrame frame) => frame.Registers[register] = TValue.Borrowed(((IKernelFrame)frame).Input(receptor));
}

/// <summary><c>ReadRefractory</c>: the cells whose counter is above zero.</summary>
internal sealed class ReadRefractoryOp(KernelPlan plan, int index, int register) : KernelOp(plan, index)
{
    private readonly Scalar _zero = 0;

    public override void Run(IStatementFrame frame)
    {
        var counters = ((IKernelFrame)frame).Refractory;
        // On the CPU device the mask and its list of cells in one host pass (SparseMasks), else a comparison.
        frame.Registers[register] = TValue.Temporary(frame.Arithmetic.Sparse?.Positive(counters) ?? counters.gt(_zero));
    }
}

/// <summary>
/// <c>CountDown</c>: counters above zero (the active cells, as read by ReadRefractory) lose one step, the others stay at
/// zero; then the restarting cells that are not active take the period (<paramref name="restartExcludesActive"/> when the
/// restart condition already excludes them, as a threshold on non-refractory cells does). On the CPU device both work on
/// the masks' lists of cells (<see cref="SparseMasks"/>).
/// </summary>
internal sealed class CountDownOp(KernelPlan plan, int index, int active, int restart, Node period, bool restartExcludesActive)
    : KernelOp(plan, index)
{
    private readonly Scalar _zero = 0, _one = 1;

    public override void Run(IStatementFrame frame)
    {
        var regs = frame.Registers;
        var counters = ((IKernelFrame)frame).Refractory;
        var sparse = frame.Arithmetic.Sparse;
        if (!regs[active].IsConstant && sparse?.CellsOf(regs[active].Tensor!) is { } running)
        {
            // Only the active cells' counters (all above zero) lose a step; the others are zero and stay so.
            if (running.shape[0] > 0 && !HostIndexOps.CountDown(counters, running))
                counters.index_copy_(0, running, counters.index_select(0, running).sub_(_one));
        }
        else counters.sub_(_one).clamp_min_(_zero);
        if (regs[restart] is { IsConstant: true, Constant: 0 }) return;
        var mask = Mask(regs[restart], counters);
        if (!restartExcludesActive) mask = mask.logical_and(Mask(regs[active], counters).logical_not());
        var n = period.Eval(regs, frame.Arithmetic);
        if (sparse?.CellsOf(mask) is { } cells)
        {
            if (cells.shape[0] == 0) return;
            if (n.IsConstant) { if (!HostIndexOps.Fill(counters, cells, n.Constant)) counters.index_fill_(0, cells, frame.Arithmetic.Constants.ScalarFor(n)); }
            else if (!HostIndexOps.Copy(counters, cells, n.Tensor!)) counters.index_copy_(0, cells, n.Tensor!.index_select(0, cells).to_type(ScalarType.Int32));
        }
        else if (n.IsConstant) counters.masked_fill_(mask, frame.Arithmetic.Constants.ScalarFor(n));
        else counters.copy_(torch.where(mask, n.Tensor!.to_type(ScalarType.Int32), counters));
    }

    /// <summary>A condition as a bool tensor shaped like <paramref name="like"/> (in the step's dispose scope).</summary>
    private static Tensor Mask(TValue v, Tensor like) => v.IsConstant ? torch.full_like(like, v.Constant != 0, ScalarType.Bool) : v.Tensor!;
}

/// <summary><c>EmitSpikes</c>: hands the mask to the frame.</summary>
internal sealed class EmitOp(KernelPlan plan, int index, int mask) : KernelOp(plan, index)
{
    public override void Run(IStatementFrame frame) => ((IKernelFrame)frame).Emit(frame.Registers[mask]);
}
