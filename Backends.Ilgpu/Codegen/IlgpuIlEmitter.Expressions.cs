using System.Reflection;
using System.Reflection.Emit;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// The IL kernel's expressions and its <c>Phi</c> helper: each node the instruction the C# compiler emits for what
/// <see cref="CSharp.ScalarDialect"/> writes (comparisons as <c>clt</c>/<c>cgt</c>, and their negations through the unordered
/// forms, so that NaN compares as in C#; <c>&amp;</c> and <c>|</c> on conditions without short cut; conditionals as branches).
/// </summary>
internal sealed partial class IlgpuIlEmitter<T>
{
    /// <summary>The functions of the scalar dialect and their <see cref="DeviceMath"/> names.</summary>
    private static readonly Dictionary<string, (string Name, int Arity)> Functions = new(StringComparer.Ordinal)
    {
        ["exp"] = ("Exp", 1), ["log"] = ("Log", 1), ["sqrt"] = ("Sqrt", 1), ["abs"] = ("Abs", 1), ["floor"] = ("Floor", 1),
        ["ceil"] = ("Ceiling", 1), ["min"] = ("Min", 2), ["max"] = ("Max", 2), ["sin"] = ("Sin", 1), ["cos"] = ("Cos", 1),
        ["tan"] = ("Tan", 1), ["tanh"] = ("Tanh", 1), ["pow"] = ("Pow", 2),
    };

    private static MethodInfo Math(string name, int arity) =>
        typeof(DeviceMath).GetMethod(name, Enumerable.Repeat(typeof(T), arity).ToArray())
        ?? throw new IlgpuIlNotSupportedException($"DeviceMath has no {name} of {arity} {typeof(T).Name} argument(s).");

    /// <summary>The address of a cell's element of per-cell buffer <paramref name="name"/> (<c>S[k * N + j]</c> or <c>P[k * N + j]</c>).</summary>
    private void BufferAddress(string name)
    {
        int k = _states.IndexOf(name);
        LocalBuilder view;
        if (k >= 0) view = _s;
        else
        {
            k = _cells.IndexOf(name);
            if (k < 0) throw new IlgpuIlNotSupportedException($"The ILGPU kernel has no per-cell buffer '{name}'.");
            view = _p;
        }
        _il.Emit(OpCodes.Ldloca, view);
        _il.Emit(OpCodes.Ldc_I4, k);
        _il.Emit(OpCodes.Ldloc, _n);
        _il.Emit(OpCodes.Mul);
        _il.Emit(OpCodes.Ldloc, _j);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Call, ItemT);
    }

    /// <summary>Pushes a symbol's number: a local, a reserved symbol, a draw, a per-cell buffer or a uniform one.</summary>
    private void Symbol(string name)
    {
        if (KernelSymbols.IsLocal(name)) { _il.Emit(OpCodes.Ldloc, LocalOf(name)); return; }
        if (name == KernelSymbols.Timestep) { _il.Emit(OpCodes.Ldloc, _dt); return; }
        if (name == KernelSymbols.Time) { _il.Emit(OpCodes.Ldloc, _t); return; }
        if (name == KernelSymbols.InjectedCurrent)
        {
            _il.Emit(OpCodes.Ldloc, _injected ?? throw new IlgpuIlNotSupportedException("The kernel reads i_inj outside its statements."));
            return;
        }
        if (KernelSymbols.TryUniformDraw(name, out int u) && u < _draws.Length) { _il.Emit(OpCodes.Ldloc, _draws[u]); return; }
        if (KernelSymbols.TryNormalDraw(name, out int d) && d < _noises.Length) { _il.Emit(OpCodes.Ldloc, _noises[d]); return; }
        int k = _uniform.IndexOf(name);
        if (k >= 0 && !_states.Contains(name) && !_cells.Contains(name)) { _il.Emit(OpCodes.Ldloc, _uniforms[k]); return; }
        BufferAddress(name);
        _il.Emit(OpCodes.Ldobj, typeof(T));
    }

    /// <summary>A literal of the kernel's type (float32: the float64 value rounded once, as the C# cast of a constant).</summary>
    private void Literal(double value) => Literal(_il, value);

    /// <summary>A literal of the kernel's type, into <paramref name="il"/>.</summary>
    private static void Literal(ILGenerator il, double value)
    {
        if (Single) il.Emit(OpCodes.Ldc_R4, (float)value);
        else il.Emit(OpCodes.Ldc_R8, value);
    }

    /// <summary>Pushes an expression as a number.</summary>
    private void Number(Expr expr)
    {
        switch (expr)
        {
            case NumberExpr n: Literal(n.Value); return;
            case SymbolExpr s when _masks.Contains(s.Name): OneWhere(() => _il.Emit(OpCodes.Ldloc, LocalOf(s.Name))); return;
            case SymbolExpr s: Symbol(s.Name); return;
            case NegateExpr u: Number(u.Operand); _il.Emit(OpCodes.Neg); return;
            case NotExpr or BinaryExpr { Operator: >= BinaryOperator.Less }: OneWhere(() => Mask(expr)); return;
            case BinaryExpr { Operator: BinaryOperator.Power } p: Number(p.Left); Number(p.Right); _il.Emit(OpCodes.Call, Math("Pow", 2)); return;
            case BinaryExpr b:
                Number(b.Left);
                Number(b.Right);
                _il.Emit(b.Operator switch
                {
                    BinaryOperator.Add => OpCodes.Add,
                    BinaryOperator.Subtract => OpCodes.Sub,
                    BinaryOperator.Multiply => OpCodes.Mul,
                    BinaryOperator.Divide => OpCodes.Div,
                    _ => throw new IlgpuIlNotSupportedException($"Operator {b.Operator} is not known to the ILGPU IL emitter."),
                });
                return;
            case CallExpr c: Call(c); return;
            case ConditionalExpr c: Select(() => Mask(c.Condition), () => Number(c.Then), () => Number(c.Else)); return;
            default: throw new IlgpuIlNotSupportedException($"Expression {expr.GetType().Name} is not known to the ILGPU IL emitter.");
        }
    }

    /// <summary><c>(condition ? then : otherwise)</c>.</summary>
    private void Select(Action condition, Action then, Action otherwise)
    {
        var elseLabel = _il.DefineLabel();
        var done = _il.DefineLabel();
        condition();
        _il.Emit(OpCodes.Brfalse, elseLabel);
        then();
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(elseLabel);
        otherwise();
        _il.MarkLabel(done);
    }

    /// <summary><c>(condition ? 1 : 0)</c> in the kernel's type.</summary>
    private void OneWhere(Action condition) => Select(condition, () => Literal(1), () => Literal(0));

    /// <summary>Pushes a call of a model function: the class's <c>Phi</c> or a <see cref="DeviceMath"/> function.</summary>
    private void Call(CallExpr c)
    {
        if (c.Function == KernelSymbols.Phi)
        {
            if (c.Arguments.Length != 2) throw new IlgpuIlNotSupportedException($"phi takes 2 arguments, not {c.Arguments.Length}.");
            Number(c.Arguments[0]);
            Number(c.Arguments[1]);
            _il.Emit(OpCodes.Call, _phi);
            return;
        }
        if (!Functions.TryGetValue(c.Function, out var f))
            throw new IlgpuIlNotSupportedException($"Function '{c.Function}' is not known to the ILGPU IL emitter (it knows {string.Join(", ", Functions.Keys)}, phi).");
        if (c.Arguments.Length != f.Arity) throw new IlgpuIlNotSupportedException($"Function '{c.Function}' takes {f.Arity} arguments, not {c.Arguments.Length}.");
        foreach (var a in c.Arguments) Number(a);
        _il.Emit(OpCodes.Call, Math(f.Name, f.Arity));
    }

    /// <summary>Pushes an expression as a condition (a bool).</summary>
    private void Mask(Expr expr)
    {
        switch (expr)
        {
            case SymbolExpr s when _masks.Contains(s.Name): _il.Emit(OpCodes.Ldloc, LocalOf(s.Name)); return;
            case NotExpr u: Mask(u.Operand); Negate(); return;
            case BinaryExpr { Operator: BinaryOperator.And } b: Mask(b.Left); Mask(b.Right); _il.Emit(OpCodes.And); return;
            case BinaryExpr { Operator: BinaryOperator.Or } b: Mask(b.Left); Mask(b.Right); _il.Emit(OpCodes.Or); return;
            case BinaryExpr { Operator: >= BinaryOperator.Less } b:
                Number(b.Left);
                Number(b.Right);
                switch (b.Operator)
                {
                    case BinaryOperator.Less: _il.Emit(OpCodes.Clt); return;
                    case BinaryOperator.Greater: _il.Emit(OpCodes.Cgt); return;
                    // a <= b is !(a > b or unordered); a >= b is !(a < b or unordered); a != b is !(a == b).
                    case BinaryOperator.LessOrEqual: _il.Emit(OpCodes.Cgt_Un); Negate(); return;
                    case BinaryOperator.GreaterOrEqual: _il.Emit(OpCodes.Clt_Un); Negate(); return;
                    case BinaryOperator.Equal: _il.Emit(OpCodes.Ceq); return;
                    case BinaryOperator.NotEqual: _il.Emit(OpCodes.Ceq); Negate(); return;
                    default: throw new IlgpuIlNotSupportedException($"Comparison {b.Operator} is not known to the ILGPU IL emitter.");
                }
            case NumberExpr n: _il.Emit(n.Value != 0 ? OpCodes.Ldc_I4_1 : OpCodes.Ldc_I4_0); return;
            default:
                // (number != 0)
                Number(expr);
                Literal(0);
                _il.Emit(OpCodes.Ceq);
                Negate();
                return;
        }
    }

    /// <summary>The opposite of the condition on the stack (<c>!c</c>: <c>c == 0</c>).</summary>
    private void Negate()
    {
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Ceq);
    }

    /// <summary>
    /// <c>Phi(b, h)</c> as <see cref="IlgpuKernelEmitter.AppendPhi"/> writes it: where |b·h| &lt; the bound, the Taylor series
    /// by Horner's scheme (each step a multiply then an add, as the C# compiles), else <c>(Exp(b·h) − 1) / b</c>.
    /// </summary>
    private static void EmitPhi(ILGenerator il)
    {
        var x = il.DeclareLocal(typeof(T));
        var r = il.DeclareLocal(typeof(T));
        var exact = il.DefineLabel();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Stloc, x);
        // if (!(Abs(x) < bound)) goto exact: bge.un is "not less", NaN included
        il.Emit(OpCodes.Ldloc, x);
        il.Emit(OpCodes.Call, Math("Abs", 1));
        Literal(il, KernelSymbols.PhiTaylorBound);
        il.Emit(OpCodes.Bge_Un, exact);
        Literal(il, KernelSymbols.PhiTaylor[0]);
        il.Emit(OpCodes.Stloc, r);
        foreach (double coefficient in KernelSymbols.PhiTaylor.Skip(1))
        {
            il.Emit(OpCodes.Ldloc, r);
            il.Emit(OpCodes.Ldloc, x);
            il.Emit(OpCodes.Mul);
            Literal(il, coefficient);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, r);
        }
        il.Emit(OpCodes.Ldloc, r);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Ret);
        il.MarkLabel(exact);
        il.Emit(OpCodes.Ldloc, x);
        il.Emit(OpCodes.Call, Math("Exp", 1));
        Literal(il, 1);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Div);
        il.Emit(OpCodes.Ret);
    }
}
