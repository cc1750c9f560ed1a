using System.Reflection;
using System.Reflection.Emit;
using ILGPU;
using ILGPU.Runtime;
using Meta.Backends.Ilgpu.Kernels;
using Meta.Backends.Programs;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// Emits a <see cref="CellKernel"/> as IL, without Roslyn: the static method <c>Step(NeuronArgs&lt;T&gt; a)</c> and its
/// <c>Phi</c> helper that <see cref="IlgpuKernelEmitter.Source"/> writes as C#, operation for operation, into a type of a
/// dynamic assembly (ILGPU reads a kernel's body and resolves its tokens through its module, so a baked type's method serves
/// where a <see cref="DynamicMethod"/> would not). Every expression node is the IL instruction or the call of
/// <see cref="DeviceMath"/> that the C# compiler emits for the C# the dialect writes, in the same order. Checked, not
/// assumed: on ILGPU's CPU accelerator the recordings of both forms are the same bytes (IlgpuKernelStartupTests, for
/// IF_curr_alpha), and ILGPU's PTX of both forms of every standard model holds the same floating-point arithmetic
/// instructions (<c>PtxCompilation.CompareEmitters</c>); the PTX texts are not identical (registers are numbered and
/// branches laid out differently, a comparison may be negated with its branches swapped), so identity on a GPU rests on
/// that comparison, not on a GPU run. Nothing here depends on the accelerator.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed partial class IlgpuIlEmitter<T> where T : unmanaged
{
    /// <summary>The kernel method's name (as in the C# kernel).</summary>
    public const string MethodName = "Step";

    private static readonly bool Single = typeof(T) == typeof(float);
    private static readonly Type Args = typeof(NeuronArgs<T>);
    private static readonly MethodInfo ItemT = typeof(ArrayView<T>).GetProperty("Item", [typeof(int)])!.GetMethod!;
    private static readonly MethodInfo ItemInt = typeof(ArrayView<int>).GetProperty("Item", [typeof(int)])!.GetMethod!;

    private readonly CellKernel _kernel;
    private readonly ILGenerator _il;
    private readonly MethodInfo _phi;
    private readonly List<string> _states;
    private readonly List<string> _cells;
    private readonly List<string> _uniform;
    private readonly Dictionary<string, LocalBuilder> _locals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _masks = new(StringComparer.Ordinal);
    private LocalBuilder _n = null!, _dt = null!, _t = null!, _s = null!, _p = null!, _ring = null!, _j = null!;
    private LocalBuilder? _injected, _refr;
    private LocalBuilder[] _uniforms = [], _draws = [], _noises = [];

    private IlgpuIlEmitter(CellKernel kernel, ILGenerator il, MethodInfo phi)
    {
        _kernel = kernel;
        _il = il;
        _phi = phi;
        _states = kernel.Buffers.Where(b => b.Role == BufferRole.State).Select(b => b.Name).ToList();
        _cells = kernel.Buffers.Where(b => b.Role != BufferRole.State && b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        _uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
    }

    /// <summary>Defines <c>Phi</c> and <c>Step</c> of <paramref name="kernel"/> on <paramref name="type"/>.</summary>
    /// <exception cref="IlgpuIlNotSupportedException">The kernel holds a statement or function this emitter does not know.</exception>
    public static void Emit(CellKernel kernel, TypeBuilder type)
    {
        // Compiled fully optimised at the first call, as the Roslyn kernel is (its collectible assembly is never tiered):
        // tiered, the kernel's first steps would run its unoptimised code over every cell (~0.1 s of a short COBA run).
        var phi = type.DefineMethod("Phi", MethodAttributes.Private | MethodAttributes.Static, typeof(T), [typeof(T), typeof(T)]);
        phi.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        EmitPhi(phi.GetILGenerator());
        var step = type.DefineMethod(MethodName, MethodAttributes.Public | MethodAttributes.Static, typeof(void), [Args]);
        step.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        step.DefineParameter(1, ParameterAttributes.None, "a");
        new IlgpuIlEmitter<T>(kernel, step.GetILGenerator(), phi).Step();
    }

    private static FieldInfo Field(string name) => Args.GetField(name) ?? throw new InvalidOperationException($"NeuronArgs has no field {name}.");

    private static MethodInfo Getter(Type type, string property) =>
        type.GetProperty(property, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)?.GetMethod
        ?? throw new InvalidOperationException($"{type.Name} has no property {property}.");

    private LocalBuilder Local(Type type) => _il.DeclareLocal(type);

    private LocalBuilder Store(Type type, Action value)
    {
        var local = Local(type);
        value();
        _il.Emit(OpCodes.Stloc, local);
        return local;
    }

    /// <summary>Pushes the value of field <paramref name="name"/> of the argument.</summary>
    private void ArgField(string name)
    {
        _il.Emit(OpCodes.Ldarg_0);
        _il.Emit(OpCodes.Ldfld, Field(name));
    }

    /// <summary>Pushes the address of field <paramref name="name"/> of the argument (to call a method of that struct).</summary>
    private void ArgFieldAddress(string name)
    {
        _il.Emit(OpCodes.Ldarga_S, (byte)0);
        _il.Emit(OpCodes.Ldflda, Field(name));
    }

    /// <summary>The method: the prologue the C# writes, then the grid-stride loop over the cells.</summary>
    private void Step()
    {
        // a.Output.Begin();
        ArgFieldAddress(nameof(NeuronArgs<T>.Output));
        _il.Emit(OpCodes.Call, typeof(SpikeOutput).GetMethod(nameof(SpikeOutput.Begin))!);
        _n = Store(typeof(int), () => ArgField(nameof(NeuronArgs<T>.N)));
        _dt = Store(typeof(T), () => ArgField(nameof(NeuronArgs<T>.Dt)));
        _t = Store(typeof(T), () => ArgField(nameof(NeuronArgs<T>.Time)));
        _s = Store(typeof(ArrayView<T>), () => ArgField(nameof(NeuronArgs<T>.State)));
        _p = Store(typeof(ArrayView<T>), () => ArgField(nameof(NeuronArgs<T>.Cells)));
        _ring = Store(typeof(ArrayView<T>), () => ArgField(nameof(NeuronArgs<T>.Ring)));
        _uniforms = _uniform.Select((_, k) => Store(typeof(T), () =>
        {
            // U{k} = a.Uniforms[k]
            ArgFieldAddress(nameof(NeuronArgs<T>.Uniforms));
            _il.Emit(OpCodes.Ldc_I4, k);
            _il.Emit(OpCodes.Call, ItemT);
            _il.Emit(OpCodes.Ldobj, typeof(T));
        })).ToArray();
        // int stride = Grid.DimX * Group.DimX;
        var stride = Store(typeof(int), () =>
        {
            _il.Emit(OpCodes.Call, Getter(typeof(Grid), nameof(Grid.DimX)));
            _il.Emit(OpCodes.Call, Getter(typeof(Group), nameof(Group.DimX)));
            _il.Emit(OpCodes.Mul);
        });
        // for (int j = Grid.GlobalIndex.X; j < N; j += stride)
        var index = Local(typeof(Index3D));
        _j = Store(typeof(int), () =>
        {
            _il.Emit(OpCodes.Call, Getter(typeof(Grid), nameof(Grid.GlobalIndex)));
            _il.Emit(OpCodes.Stloc, index);
            _il.Emit(OpCodes.Ldloca, index);
            _il.Emit(OpCodes.Call, Getter(typeof(Index3D), nameof(Index3D.X)));
        });
        var body = _il.DefineLabel();
        var test = _il.DefineLabel();
        _il.Emit(OpCodes.Br, test);
        _il.MarkLabel(body);
        Body();
        _il.Emit(OpCodes.Ldloc, _j);
        _il.Emit(OpCodes.Ldloc, stride);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _j);
        _il.MarkLabel(test);
        _il.Emit(OpCodes.Ldloc, _j);
        _il.Emit(OpCodes.Ldloc, _n);
        _il.Emit(OpCodes.Blt, body);
        _il.Emit(OpCodes.Ret);
    }

    /// <summary>One cell: the injected current, the step's draws, then the statements of every phase in order.</summary>
    private void Body()
    {
        if (_kernel.Statements.Reads(KernelSymbols.InjectedCurrent))
        {
            // T i_inj = a.Injected[j];
            _injected ??= Local(typeof(T));
            ArgFieldAddress(nameof(NeuronArgs<T>.Injected));
            _il.Emit(OpCodes.Ldloc, _j);
            _il.Emit(OpCodes.Call, ItemT);
            _il.Emit(OpCodes.Ldobj, typeof(T));
            _il.Emit(OpCodes.Stloc, _injected);
        }
        _draws = Enumerable.Range(0, _kernel.UniformDraws).Select(d => Store(typeof(T), () => Draw(nameof(DeviceRandom.NeuronDraw), d))).ToArray();
        _noises = Enumerable.Range(0, _kernel.NormalDraws).Select(d => Store(typeof(T), () => Draw(nameof(DeviceRandom.NeuronNoise), d))).ToArray();
        foreach (var phase in _kernel.Phases)
            foreach (var statement in phase.Statements) Statement(statement);
    }

    /// <summary><c>DeviceRandom.{method}(a.Seed, a.FirstGlobalIndex + j, d, a.Step)</c>, rounded once to float in a float32 kernel.</summary>
    private void Draw(string method, int d)
    {
        ArgField(nameof(NeuronArgs<T>.Seed));
        ArgField(nameof(NeuronArgs<T>.FirstGlobalIndex));
        _il.Emit(OpCodes.Ldloc, _j);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldc_I4, d);
        ArgField(nameof(NeuronArgs<T>.Step));
        _il.Emit(OpCodes.Call, typeof(DeviceRandom).GetMethod(method, [typeof(ulong), typeof(int), typeof(int), typeof(long)])!);
        if (Single) _il.Emit(OpCodes.Conv_R4);
    }

    private void Statement(Statement statement)
    {
        switch (statement)
        {
            case Let l:
            {
                Number(l.Value);
                _il.Emit(OpCodes.Stloc, Declare(l.Name, typeof(T)));
                return;
            }
            case LetMask m:
            {
                Mask(m.Condition);
                _il.Emit(OpCodes.Stloc, Declare(m.Name, typeof(bool), mask: true));
                return;
            }
            case Assign a when a.Where is null:
                Number(a.Value);
                _il.Emit(OpCodes.Stloc, LocalOf(a.Name));
                return;
            case Assign a:
            {
                // if (where) target = value;
                var skip = _il.DefineLabel();
                _il.Emit(OpCodes.Ldloc, LocalOf(a.Where!));
                _il.Emit(OpCodes.Brfalse, skip);
                Number(a.Value);
                _il.Emit(OpCodes.Stloc, LocalOf(a.Name));
                _il.MarkLabel(skip);
                return;
            }
            case Store s:
                // S[k * N + j] = value;
                BufferAddress(s.Buffer);
                Number(s.Value);
                _il.Emit(OpCodes.Stobj, typeof(T));
                return;
            case ReceiveInput r:
                ReceiveInput(Declare(r.Name, typeof(T)), r.Receptor);
                return;
            case ReadRefractory r:
            {
                // int refr = a.Refractory[j]; bool local = refr > 0;
                if (_refr is not null) throw new IlgpuIlNotSupportedException("The kernel reads the refractory counter twice.");
                _refr = Local(typeof(int));
                ArgFieldAddress(nameof(NeuronArgs<T>.Refractory));
                _il.Emit(OpCodes.Ldloc, _j);
                _il.Emit(OpCodes.Call, ItemInt);
                _il.Emit(OpCodes.Ldind_I4);
                _il.Emit(OpCodes.Stloc, _refr);
                _il.Emit(OpCodes.Ldloc, _refr);
                _il.Emit(OpCodes.Ldc_I4_0);
                _il.Emit(OpCodes.Cgt);
                _il.Emit(OpCodes.Stloc, Declare(r.Name, typeof(bool), mask: true));
                return;
            }
            case CountDown c:
                CountDown(c);
                return;
            case EmitSpikes e:
                EmitSpikes(LocalOf(e.Mask));
                return;
            default:
                throw new IlgpuIlNotSupportedException($"Statement {statement.GetType().Name} is not known to the ILGPU IL emitter.");
        }
    }

    /// <summary><c>T local = RING[r * a.RingStride + a.RingOffset + j]; RING[...] = 0;</c></summary>
    private void ReceiveInput(LocalBuilder local, int receptor)
    {
        RingAddress(receptor);
        _il.Emit(OpCodes.Ldobj, typeof(T));
        _il.Emit(OpCodes.Stloc, local);
        RingAddress(receptor);
        Literal(0);
        _il.Emit(OpCodes.Stobj, typeof(T));
    }

    private void RingAddress(int receptor)
    {
        _il.Emit(OpCodes.Ldloca, _ring);
        _il.Emit(OpCodes.Ldc_I4, receptor);
        ArgField(nameof(NeuronArgs<T>.RingStride));
        _il.Emit(OpCodes.Mul);
        ArgField(nameof(NeuronArgs<T>.RingOffset));
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, _j);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Call, ItemT);
    }

    /// <summary><c>a.Refractory[j] = active ? refr - 1 : (restart ? (int)(period) : refr);</c></summary>
    private void CountDown(CountDown c)
    {
        if (_refr is null) throw new IlgpuIlNotSupportedException("The kernel counts the refractory period down before reading it.");
        var notActive = _il.DefineLabel();
        var noRestart = _il.DefineLabel();
        var done = _il.DefineLabel();
        ArgFieldAddress(nameof(NeuronArgs<T>.Refractory));
        _il.Emit(OpCodes.Ldloc, _j);
        _il.Emit(OpCodes.Call, ItemInt);
        _il.Emit(OpCodes.Ldloc, LocalOf(c.Active));
        _il.Emit(OpCodes.Brfalse, notActive);
        _il.Emit(OpCodes.Ldloc, _refr);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(notActive);
        _il.Emit(OpCodes.Ldloc, LocalOf(c.Restart));
        _il.Emit(OpCodes.Brfalse, noRestart);
        Number(c.Period);
        _il.Emit(OpCodes.Conv_I4);
        _il.Emit(OpCodes.Br, done);
        _il.MarkLabel(noRestart);
        _il.Emit(OpCodes.Ldloc, _refr);
        _il.MarkLabel(done);
        _il.Emit(OpCodes.Stind_I4);
    }

    /// <summary><c>if (mask) a.Output.Emit(j);</c>, or with precise spike times <c>a.Output.Emit(j, (double)(offset))</c>.</summary>
    private void EmitSpikes(LocalBuilder mask)
    {
        var skip = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, mask);
        _il.Emit(OpCodes.Brfalse, skip);
        ArgFieldAddress(nameof(NeuronArgs<T>.Output));
        _il.Emit(OpCodes.Ldloc, _j);
        if (_kernel.SpikeOffset is { } offset)
        {
            Symbol(offset);
            if (Single) _il.Emit(OpCodes.Conv_R8);
            _il.Emit(OpCodes.Call, typeof(SpikeOutput).GetMethod(nameof(SpikeOutput.Emit), [typeof(int), typeof(double)])!);
        }
        else
        {
            _il.Emit(OpCodes.Call, typeof(SpikeOutput).GetMethod(nameof(SpikeOutput.Emit), [typeof(int)])!);
        }
        _il.MarkLabel(skip);
    }

    private LocalBuilder Declare(string name, Type type, bool mask = false)
    {
        if (_locals.ContainsKey(name)) throw new IlgpuIlNotSupportedException($"Local '{name}' is declared twice.");
        var local = Local(type);
        _locals[name] = local;
        if (mask) _masks.Add(name);
        return local;
    }

    private LocalBuilder LocalOf(string name) =>
        _locals.TryGetValue(name, out var local) ? local : throw new IlgpuIlNotSupportedException($"Local '{name}' is used before it is declared.");
}
