using System.Reflection.Emit;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>The IL kernel's step method: the checks of its arguments, then the loops, as the C# kernel's <c>Step</c>.</summary>
internal sealed partial class IlKernelEmitter<T>
{
    // The step method's arguments (CellKernelStep<T>).
    private const int StepBegin = 0, StepEnd = 1, StepCells = 2, StepUniforms = 3, StepDraws = 4, StepInjected = 5, StepRefractory = 6,
        StepSpikes = 7, StepRings = 8, StepSlot = 9, StepDt = 10, StepTime = 11;

    /// <summary>
    /// <c>Step</c>: the range and every array checked once (an exception names the array a call does not fit), then
    /// <c>for (j = begin / W; j &lt; last; j++) { j = Fast(j, last, ...); if (j &lt; last) Exact(j, j + 1, ...); }</c> where the
    /// kernel has a <paramref name="fast"/> loop, else <c>Exact(begin / W, end / W, ...)</c>; returns the spikes written.
    /// </summary>
    private static CellKernelStep<T> EmitStep(CellKernel kernel, VectorMethods<T> ops, bool injected, DynamicMethod? fast, DynamicMethod exact)
    {
        Type[] parameters = [typeof(int), typeof(int), typeof(T[][]), typeof(T[]), typeof(T[][]), typeof(T[]), typeof(T[]), typeof(int[]),
            typeof(T[][]), typeof(int), typeof(T), typeof(T)];
        var method = new DynamicMethod(MethodName(kernel, ops, injected, ""), typeof(int), parameters, typeof(IlKernelEmitter<T>).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        void Arg(int index) => il.Emit(OpCodes.Ldarg_S, (byte)index);
        void Element(int argument, int index) { Arg(argument); il.Emit(OpCodes.Ldc_I4, index); il.Emit(OpCodes.Ldelem_Ref); }
        void Need(Action array, Action length, string what) { array(); length(); il.Emit(OpCodes.Ldstr, what); il.Emit(OpCodes.Call, ops.Need); }

        var width = il.DeclareLocal(typeof(int));
        il.Emit(OpCodes.Call, ops.Count); il.Emit(OpCodes.Stloc, width);
        // if (begin < 0 || end < begin || begin % W != 0 || end % W != 0 || slot < 0) BadRange(begin, end, slot, W);
        var bad = il.DefineLabel();
        var good = il.DefineLabel();
        Arg(StepBegin); il.Emit(OpCodes.Ldc_I4_0); il.Emit(OpCodes.Blt, bad);
        Arg(StepEnd); Arg(StepBegin); il.Emit(OpCodes.Blt, bad);
        Arg(StepBegin); il.Emit(OpCodes.Ldloc, width); il.Emit(OpCodes.Rem); il.Emit(OpCodes.Brtrue, bad);
        Arg(StepEnd); il.Emit(OpCodes.Ldloc, width); il.Emit(OpCodes.Rem); il.Emit(OpCodes.Brtrue, bad);
        Arg(StepSlot); il.Emit(OpCodes.Ldc_I4_0); il.Emit(OpCodes.Bge, good);
        il.MarkLabel(bad);
        Arg(StepBegin); Arg(StepEnd); Arg(StepSlot); il.Emit(OpCodes.Ldloc, width);
        il.Emit(OpCodes.Call, ops.BadRange);
        il.MarkLabel(good);

        var perCell = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        int uniforms = kernel.Buffers.Count(b => b.Storage == Storage.Uniform);
        for (int k = 0; k < perCell.Count; k++) { int at = k; Need(() => Element(StepCells, at), () => Arg(StepEnd), $"buffer {perCell[k]}"); }
        if (uniforms > 0) { Arg(StepUniforms); il.Emit(OpCodes.Ldc_I4, uniforms - 1); il.Emit(OpCodes.Ldelem, typeof(T)); il.Emit(OpCodes.Pop); }
        for (int r = 0; r < kernel.Receptors; r++) { int at = r; Need(() => Element(StepRings, at), () => { Arg(StepSlot); Arg(StepEnd); il.Emit(OpCodes.Add); }, $"ring {r}"); }
        Need(() => Arg(StepInjected), () => Arg(StepEnd), "the injected currents");
        for (int d = 0; d < kernel.UniformDraws + kernel.NormalDraws; d++) { int at = d; Need(() => Element(StepDraws, at), () => Arg(StepEnd), $"draw {d}"); }
        Need(() => Arg(StepSpikes), () => Arg(StepEnd), "the spike list");
        if (kernel.Refractory) Need(() => Arg(StepRefractory), () => Arg(StepEnd), "the refractory counters");

        var count = il.DeclareLocal(typeof(int));
        il.Emit(OpCodes.Ldc_I4_0); il.Emit(OpCodes.Stloc, count);
        var j = il.DeclareLocal(typeof(int));
        var last = il.DeclareLocal(typeof(int));
        Arg(StepBegin); il.Emit(OpCodes.Ldloc, width); il.Emit(OpCodes.Div); il.Emit(OpCodes.Stloc, j);
        Arg(StepEnd); il.Emit(OpCodes.Ldloc, width); il.Emit(OpCodes.Div); il.Emit(OpCodes.Stloc, last);
        // loop(j, to, begin, C, U, RAND, IINJ, REFR, SPK, RING, slot, dtValue, tValue, ref NSP)
        void Call(DynamicMethod loop, Action to)
        {
            il.Emit(OpCodes.Ldloc, j);
            to();
            Arg(StepBegin); Arg(StepCells); Arg(StepUniforms); Arg(StepDraws); Arg(StepInjected); Arg(StepRefractory); Arg(StepSpikes);
            Arg(StepRings); Arg(StepSlot); Arg(StepDt); Arg(StepTime);
            il.Emit(OpCodes.Ldloca, count);
            il.Emit(OpCodes.Call, loop);
        }
        if (fast is null)
        {
            Call(exact, () => il.Emit(OpCodes.Ldloc, last));
            il.Emit(OpCodes.Pop);
        }
        else
        {
            var test = il.DefineLabel();
            var body = il.DefineLabel();
            var next = il.DefineLabel();
            il.Emit(OpCodes.Br, test);
            il.MarkLabel(body);
            Call(fast, () => il.Emit(OpCodes.Ldloc, last));
            il.Emit(OpCodes.Stloc, j);
            il.Emit(OpCodes.Ldloc, j); il.Emit(OpCodes.Ldloc, last); il.Emit(OpCodes.Bge, next);
            Call(exact, () => { il.Emit(OpCodes.Ldloc, j); il.Emit(OpCodes.Ldc_I4_1); il.Emit(OpCodes.Add); });
            il.Emit(OpCodes.Pop);
            il.MarkLabel(next);
            il.Emit(OpCodes.Ldloc, j); il.Emit(OpCodes.Ldc_I4_1); il.Emit(OpCodes.Add); il.Emit(OpCodes.Stloc, j);
            il.MarkLabel(test);
            il.Emit(OpCodes.Ldloc, j); il.Emit(OpCodes.Ldloc, last); il.Emit(OpCodes.Blt, body);
        }
        il.Emit(OpCodes.Ldloc, count);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<CellKernelStep<T>>();
    }
}
