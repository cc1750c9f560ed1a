using System.Reflection.Emit;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>The IL kernel's expressions: each node one call of the operator or function the C# kernel calls, in its order.</summary>
internal sealed partial class IlKernelEmitter<T>
{
    /// <summary>Pushes a symbol's vector: a local, a reserved symbol, a per-cell buffer or a broadcast uniform one.</summary>
    private void Symbol(string name)
    {
        if (KernelSymbols.IsLocal(name)) { _il.Emit(OpCodes.Ldloc, LocalOf(name)); return; }
        if (name == KernelSymbols.Timestep) { _il.Emit(OpCodes.Ldloc, _dt); return; }
        if (name == KernelSymbols.Time) { _il.Emit(OpCodes.Ldloc, _t); return; }
        if (name == KernelSymbols.InjectedCurrent) { _il.Emit(OpCodes.Ldloc, _injected!); return; }
        int stored = _perCell.IndexOf(name);
        if (stored >= 0 && _stored.TryGetValue(stored, out var held)) { _il.Emit(OpCodes.Ldloc, held); return; }
        if (KernelSymbols.TryUniformDraw(name, out _) || KernelSymbols.TryNormalDraw(name, out _) || stored >= 0)
        {
            LoadAt(BufferRef(name));
            return;
        }
        int k = _uniform.IndexOf(name);
        if (k < 0) throw new InvalidModelException($"The CPU kernel has no buffer '{name}'.");
        // new Vector<T>(Unsafe.Add(ref UNIFORM, k)) (wide: Vector512.Create(...))
        _il.Emit(OpCodes.Ldloc, _uniforms!);
        _il.Emit(OpCodes.Ldc_I4, k);
        _il.Emit(OpCodes.Call, Ops.AddElement);
        _il.Emit(OpCodes.Ldobj, typeof(T));
        Ops.Broadcast(_il);
    }

    /// <summary>Pushes an expression as a number vector.</summary>
    private void Number(Expr expr)
    {
        switch (expr)
        {
            case NumberExpr n: Literal(n.Value); return;
            case SymbolExpr s when IsMask(s.Name): OneWhere(() => LoadMask(s.Name)); return;
            case SymbolExpr s: Symbol(s.Name); return;
            case NegateExpr u: Number(u.Operand); _il.Emit(OpCodes.Call, Ops.Negate); return;
            case NotExpr or BinaryExpr { Operator: >= BinaryOperator.Less }: OneWhere(() => Mask(expr)); return;
            case BinaryExpr { Operator: BinaryOperator.Power } p: Number(p.Left); Number(p.Right); _il.Emit(OpCodes.Call, Ops.Helper("Pow", 2)); return;
            case BinaryExpr b:
                Number(b.Left);
                Number(b.Right);
                _il.Emit(OpCodes.Call, b.Operator switch
                {
                    BinaryOperator.Add => Ops.Add,
                    BinaryOperator.Subtract => Ops.Subtract,
                    BinaryOperator.Multiply => Ops.Multiply,
                    BinaryOperator.Divide => Ops.Divide,
                    _ => throw new IlNotSupportedException($"Operator {b.Operator} is not known to the IL emitter."),
                });
                return;
            case CallExpr c: Call(c); return;
            case ConditionalExpr c:
                Mask(c.Condition);
                Number(c.Then);
                Number(c.Else);
                _il.Emit(OpCodes.Call, Ops.Select);
                return;
            default: throw new IlNotSupportedException($"Expression {expr.GetType().Name} is not known to the IL emitter.");
        }
    }

    /// <summary>A literal as the C# kernel writes it: the locals ZERO and ONE, else a broadcast constant (float32: rounded once).</summary>
    private void Literal(double value)
    {
        if (value == 0) { _il.Emit(OpCodes.Ldloc, _zero); return; }
        if (value == 1) { _il.Emit(OpCodes.Ldloc, _one); return; }
        if (typeof(T) == typeof(float)) _il.Emit(OpCodes.Ldc_R4, (float)value);
        else _il.Emit(OpCodes.Ldc_R8, value);
        Ops.Broadcast(_il);
    }

    /// <summary><c>ConditionalSelect(mask, ONE, ZERO)</c>.</summary>
    private void OneWhere(Action mask)
    {
        mask();
        _il.Emit(OpCodes.Ldloc, _one);
        _il.Emit(OpCodes.Ldloc, _zero);
        _il.Emit(OpCodes.Call, Ops.Select);
    }

    /// <summary>Pushes a call of a model function (<see cref="KernelFunctions"/>, the list the C# dialect translates too).</summary>
    private void Call(CallExpr c)
    {
        var f = KernelFunctions.Find(c.Function)
            ?? throw new IlNotSupportedException($"Function '{c.Function}' is not known to the IL emitter (CPU kernels know {KernelFunctions.Names}).");
        if (c.Arguments.Length != f.Arity) throw new IlNotSupportedException($"Function '{c.Function}' takes {f.Arity} arguments, not {c.Arguments.Length}.");
        foreach (var a in c.Arguments) Number(a);
        if (f.Form == KernelFunctionForm.Phi)
        {
            UsesPhi = true;
            if (_fast)
            {
                // PhiTaylor(b, h, ref LARGE): the series alone, the lanes outside its range marked
                _il.Emit(OpCodes.Ldloca, _large!);
                _il.Emit(OpCodes.Call, Ops.PhiTaylor);
                return;
            }
        }
        _il.Emit(OpCodes.Call, Ops.Function(f));
    }

    /// <summary>Pushes an expression as a lane mask.</summary>
    private void Mask(Expr expr)
    {
        switch (expr)
        {
            case SymbolExpr s when IsMask(s.Name): LoadMask(s.Name); return;
            case NotExpr u: Mask(u.Operand); _il.Emit(OpCodes.Call, Ops.Not); return;
            case BinaryExpr { Operator: BinaryOperator.And } b: Mask(b.Left); Mask(b.Right); _il.Emit(OpCodes.Call, Ops.And); return;
            case BinaryExpr { Operator: BinaryOperator.Or } b: Mask(b.Left); Mask(b.Right); _il.Emit(OpCodes.Call, Ops.Or); return;
            case BinaryExpr { Operator: >= BinaryOperator.Less } b:
                Number(b.Left);
                Number(b.Right);
                _il.Emit(OpCodes.Call, Ops.Compare(ComparisonName(b.Operator)));
                if (b.Operator == BinaryOperator.NotEqual) _il.Emit(OpCodes.Call, Ops.Not);
                return;
            case NumberExpr n: _il.Emit(OpCodes.Ldloc, n.Value != 0 ? _all : _none); return;
            default:
                // ~Vector.Equals(number, ZERO)
                Number(expr);
                _il.Emit(OpCodes.Ldloc, _zero);
                _il.Emit(OpCodes.Call, Ops.Compare("Equals"));
                _il.Emit(OpCodes.Call, Ops.Not);
                return;
        }
    }
}
