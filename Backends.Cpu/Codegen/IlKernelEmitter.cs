using System.Reflection.Emit;
using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// A kernel the IL emitter cannot express (a statement or function it does not know): the caller compiles it with Roslyn
/// instead (<see cref="CpuKernelEmitter"/>), never runs it half translated.
/// </summary>
internal sealed class IlNotSupportedException(string message) : Exception(message);

/// <summary>
/// Emits a <see cref="CellKernel"/> as IL (a <see cref="DynamicMethod"/>) in <c>Vector&lt;T&gt;</c> lanes, without Roslyn: the
/// method <see cref="CpuKernelEmitter.Source"/> writes as C#, operation for operation. Each expression node is one call of
/// the same <c>Vector</c> operator or function the C# calls (<see cref="VectorMethods{T}"/>), in the order the C# evaluates
/// it; arrays are reached through references checked once before the loop, as there; <c>phi</c>, the lane-wise functions
/// and the checks are the precompiled <see cref="KernelMath"/>. A start-up matter: a process that emits its kernels as IL
/// never loads Roslyn, whose first compilation costs 1.4–1.9 s of CPU (docs/benchmarks.md).
/// </summary>
internal sealed partial class IlKernelEmitter<T> where T : unmanaged
{
    // The step method's arguments (CellKernelStep<T>).
    private const int Begin = 0, End = 1, CellsArg = 2, UniformsArg = 3, DrawsArg = 4, InjectedArg = 5, RefractoryArg = 6, SpikesArg = 7,
        RingsArg = 8, SlotArg = 9, DtArg = 10, TimeArg = 11;

    private static readonly VectorMethods<T> Ops = VectorMethods<T>.Instance;
    private readonly CellKernel _kernel;
    private readonly List<string> _perCell;
    private readonly List<string> _uniform;
    private readonly ILGenerator _il;
    private readonly DynamicMethod _method;
    private readonly Dictionary<string, LocalBuilder> _locals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _masks = new(StringComparer.Ordinal);
    private LocalBuilder _zero = null!, _one = null!, _all = null!, _none = null!, _dt = null!, _t = null!, _width = null!, _j = null!, _spikeCount = null!;
    private LocalBuilder? _injected, _uniforms, _refractoryRef, _refractory;
    private LocalBuilder _injectedRef = null!;
    private LocalBuilder[] _cellRefs = [], _ringRefs = [], _drawRefs = [];
    private bool _emits;

    private IlKernelEmitter(CellKernel kernel)
    {
        _kernel = kernel;
        _perCell = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        _uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        Type[] parameters = [typeof(int), typeof(int), typeof(T[][]), typeof(T[]), typeof(T[][]), typeof(T[]), typeof(T[]), typeof(int[]),
            typeof(T[][]), typeof(int), typeof(T), typeof(T)];
        _method = new DynamicMethod("CpuKernelIl_" + CSharp.KernelBodyWriter.Sanitize(kernel.Model), typeof(int), parameters,
            typeof(IlKernelEmitter<T>).Module, skipVisibility: true);
        _il = _method.GetILGenerator();
    }

    /// <summary>The kernel as a delegate over IL.</summary>
    /// <exception cref="IlNotSupportedException">The kernel holds a statement or function this emitter does not know.</exception>
    public static CellKernelStep<T> Emit(CellKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var emitter = new IlKernelEmitter<T>(kernel);
        emitter.Prologue();
        emitter.Loop();
        return emitter._method.CreateDelegate<CellKernelStep<T>>();
    }

    private LocalBuilder Local(Type type) => _il.DeclareLocal(type);

    /// <summary>Loads argument <paramref name="index"/> (ldarg takes a 16-bit index; these are below 256).</summary>
    private void Arg(int index) => _il.Emit(OpCodes.Ldarg_S, (byte)index);

    /// <summary>Constants, the range check, and a checked reference to the start of every array the loop reaches.</summary>
    private void Prologue()
    {
        _zero = Store(Ops.Number, () => _il.Emit(OpCodes.Call, Ops.Zero));
        _one = Store(Ops.Number, () => _il.Emit(OpCodes.Call, Ops.One));
        _all = Store(Ops.Mask, () => _il.Emit(OpCodes.Call, Ops.AllBits));
        _none = Store(Ops.Mask, () => _il.Emit(OpCodes.Call, Ops.NoBits));
        _dt = Store(Ops.Number, () => { Arg(DtArg); _il.Emit(OpCodes.Newobj, Ops.Broadcast); });
        _t = Store(Ops.Number, () => { Arg(TimeArg); _il.Emit(OpCodes.Newobj, Ops.Broadcast); });
        _width = Store(typeof(int), () => _il.Emit(OpCodes.Call, Ops.Count));

        // if (begin < 0 || end < begin || begin % W != 0 || end % W != 0 || slot < 0) BadRange(begin, end, slot, W);
        var bad = _il.DefineLabel();
        var good = _il.DefineLabel();
        Arg(Begin); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Blt, bad);
        Arg(End); Arg(Begin); _il.Emit(OpCodes.Blt, bad);
        Arg(Begin); _il.Emit(OpCodes.Ldloc, _width); _il.Emit(OpCodes.Rem); _il.Emit(OpCodes.Brtrue, bad);
        Arg(End); _il.Emit(OpCodes.Ldloc, _width); _il.Emit(OpCodes.Rem); _il.Emit(OpCodes.Brtrue, bad);
        Arg(SlotArg); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Bge, good);
        _il.MarkLabel(bad);
        Arg(Begin); Arg(End); Arg(SlotArg); _il.Emit(OpCodes.Ldloc, _width);
        _il.Emit(OpCodes.Call, Ops.BadRange);
        _il.MarkLabel(good);

        _cellRefs = _perCell.Select((name, k) => VectorRef(() => Element(CellsArg, k), End, $"buffer {name}", offset: false)).ToArray();
        if (_uniform.Count > 0)
        {
            // ref T UNIFORM = ref MemoryMarshal.GetArrayDataReference(U); _ = U[count - 1];
            _uniforms = Local(typeof(T).MakeByRefType());
            Arg(UniformsArg); _il.Emit(OpCodes.Call, Ops.ArrayData); _il.Emit(OpCodes.Stloc, _uniforms);
            Arg(UniformsArg); _il.Emit(OpCodes.Ldc_I4, _uniform.Count - 1); _il.Emit(OpCodes.Ldelem, typeof(T)); _il.Emit(OpCodes.Pop);
        }
        _ringRefs = Enumerable.Range(0, _kernel.Receptors).Select(r => VectorRef(() => Element(RingsArg, r), -1, $"ring {r}", offset: true)).ToArray();
        var injected = VectorRef(() => Arg(InjectedArg), End, "the injected currents", offset: false);
        _drawRefs = Enumerable.Range(0, _kernel.UniformDraws + _kernel.NormalDraws)
            .Select(d => VectorRef(() => Element(DrawsArg, d), End, $"draw {d}", offset: false)).ToArray();
        Arg(SpikesArg); Arg(End); _il.Emit(OpCodes.Ldstr, "the spike list"); _il.Emit(OpCodes.Call, Ops.Need);
        _spikeCount = Store(typeof(int), () => _il.Emit(OpCodes.Ldc_I4_0));
        if (_kernel.Refractory) _refractoryRef = VectorRef(() => Arg(RefractoryArg), End, "the refractory counters", offset: false);
        if (_kernel.Statements.Reads(KernelSymbols.InjectedCurrent)) _injected = Local(Ops.Number);
        _injectedRef = injected;
    }

    /// <summary>Loads element <paramref name="index"/> of the array of arrays in argument <paramref name="argument"/>.</summary>
    private void Element(int argument, int index)
    {
        Arg(argument);
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    /// <summary>
    /// <c>Need(array, need, what); ref Vector&lt;T&gt; R = ref Unsafe.As&lt;T, Vector&lt;T&gt;&gt;(ref array[0 or slot]);</c> where need is
    /// <paramref name="needArgument"/> (the end), or slot + end for a ring (<paramref name="offset"/>).
    /// </summary>
    private LocalBuilder VectorRef(Action loadArray, int needArgument, string what, bool offset)
    {
        loadArray();
        if (offset) { Arg(SlotArg); Arg(End); _il.Emit(OpCodes.Add); }
        else Arg(needArgument);
        _il.Emit(OpCodes.Ldstr, what);
        _il.Emit(OpCodes.Call, Ops.Need);
        var local = Local(Ops.Number.MakeByRefType());
        loadArray();
        _il.Emit(OpCodes.Call, Ops.ArrayData);
        if (offset) { Arg(SlotArg); _il.Emit(OpCodes.Call, Ops.AddElement); }
        _il.Emit(OpCodes.Call, Ops.AsVector);
        _il.Emit(OpCodes.Stloc, local);
        return local;
    }

    private LocalBuilder Store(Type type, Action value)
    {
        var local = Local(type);
        value();
        _il.Emit(OpCodes.Stloc, local);
        return local;
    }

    /// <summary><c>for (int j = begin / W; j &lt; end / W; j++) { body }</c>, then <c>return NSP</c>.</summary>
    private void Loop()
    {
        _j = Local(typeof(int));
        var last = Local(typeof(int));
        Arg(Begin); _il.Emit(OpCodes.Ldloc, _width); _il.Emit(OpCodes.Div); _il.Emit(OpCodes.Stloc, _j);
        Arg(End); _il.Emit(OpCodes.Ldloc, _width); _il.Emit(OpCodes.Div); _il.Emit(OpCodes.Stloc, last);
        var test = _il.DefineLabel();
        var body = _il.DefineLabel();
        _il.Emit(OpCodes.Br, test);
        _il.MarkLabel(body);
        if (_injected is not null)
        {
            LoadAt(_injectedRef);
            _il.Emit(OpCodes.Stloc, _injected);
        }
        foreach (var phase in _kernel.Phases)
            foreach (var statement in phase.Statements) Statement(statement);
        _il.Emit(OpCodes.Ldloc, _j); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Add); _il.Emit(OpCodes.Stloc, _j);
        _il.MarkLabel(test);
        _il.Emit(OpCodes.Ldloc, _j); _il.Emit(OpCodes.Ldloc, last); _il.Emit(OpCodes.Blt, body);
        _il.Emit(OpCodes.Ldloc, _spikeCount);
        _il.Emit(OpCodes.Ret);
    }

    /// <summary>Pushes <c>ref Unsafe.Add(ref R, j)</c>.</summary>
    private void AddressAt(LocalBuilder reference)
    {
        _il.Emit(OpCodes.Ldloc, reference);
        _il.Emit(OpCodes.Ldloc, _j);
        _il.Emit(OpCodes.Call, Ops.AddVector);
    }

    /// <summary>Pushes the vector <c>Unsafe.Add(ref R, j)</c>.</summary>
    private void LoadAt(LocalBuilder reference)
    {
        AddressAt(reference);
        _il.Emit(OpCodes.Ldobj, Ops.Number);
    }

    private void Statement(Statement statement)
    {
        switch (statement)
        {
            case Let l:
            {
                if (l.Value.Symbols().Contains(l.Name)) throw new IlNotSupportedException($"Local '{l.Name}' is read in its own declaration.");
                var local = Declare(l.Name, Ops.Number);
                Number(l.Value);
                _il.Emit(OpCodes.Stloc, local);
                return;
            }
            case LetMask m:
            {
                Mask(m.Condition);
                _il.Emit(OpCodes.Stloc, Declare(m.Name, Ops.Mask, mask: true));
                return;
            }
            case Assign { Where: null } a:
                Number(a.Value);
                _il.Emit(OpCodes.Stloc, LocalOf(a.Name));
                return;
            case Assign a:
            {
                // target = Vector.ConditionalSelect(where, value, target)
                var target = LocalOf(a.Name);
                _il.Emit(OpCodes.Ldloc, LocalOf(a.Where!));
                Number(a.Value);
                _il.Emit(OpCodes.Ldloc, target);
                _il.Emit(OpCodes.Call, Ops.Select);
                _il.Emit(OpCodes.Stloc, target);
                return;
            }
            case Store s:
                AddressAt(BufferRef(s.Buffer));
                Number(s.Value);
                _il.Emit(OpCodes.Stobj, Ops.Number);
                return;
            case ReceiveInput r:
            {
                // var L = Unsafe.Add(ref R, j); Unsafe.Add(ref R, j) = ZERO;
                var local = Declare(r.Name, Ops.Number);
                var ring = r.Receptor >= 0 && r.Receptor < _ringRefs.Length ? _ringRefs[r.Receptor]
                    : throw new InvalidModelException($"The CPU kernel of '{_kernel.Model}' reads receptor {r.Receptor} of {_ringRefs.Length}.");
                LoadAt(ring);
                _il.Emit(OpCodes.Stloc, local);
                AddressAt(ring);
                _il.Emit(OpCodes.Ldloc, _zero);
                _il.Emit(OpCodes.Stobj, Ops.Number);
                return;
            }
            case ReadRefractory r:
            {
                // var refr = Unsafe.Add(ref REF, j); var L = Vector.GreaterThan(refr, ZERO);
                if (_refractoryRef is null) throw new IlNotSupportedException("The kernel reads a refractory counter it does not declare.");
                if (_refractory is not null) throw new IlNotSupportedException("The kernel reads the refractory counter twice.");
                _refractory = Local(Ops.Number);
                LoadAt(_refractoryRef);
                _il.Emit(OpCodes.Stloc, _refractory);
                var local = Declare(r.Name, Ops.Mask, mask: true);
                _il.Emit(OpCodes.Ldloc, _refractory);
                _il.Emit(OpCodes.Ldloc, _zero);
                _il.Emit(OpCodes.Call, Ops.Compare("GreaterThan"));
                _il.Emit(OpCodes.Stloc, local);
                return;
            }
            case CountDown c:
            {
                // REF[j] = ConditionalSelect(active, refr - ONE, ConditionalSelect(restart, period, refr))
                if (_refractoryRef is null || _refractory is null) throw new IlNotSupportedException("The kernel counts down a refractory counter it has not read.");
                AddressAt(_refractoryRef);
                _il.Emit(OpCodes.Ldloc, LocalOf(c.Active));
                _il.Emit(OpCodes.Ldloc, _refractory);
                _il.Emit(OpCodes.Ldloc, _one);
                _il.Emit(OpCodes.Call, Ops.Subtract);
                _il.Emit(OpCodes.Ldloc, LocalOf(c.Restart));
                Number(c.Period);
                _il.Emit(OpCodes.Ldloc, _refractory);
                _il.Emit(OpCodes.Call, Ops.Select);
                _il.Emit(OpCodes.Call, Ops.Select);
                _il.Emit(OpCodes.Stobj, Ops.Number);
                return;
            }
            case EmitSpikes e:
                if (_emits) throw new InvalidModelException("The CPU kernel emits spikes once per step; this kernel has a second EmitSpikes.");
                _emits = true;
                EmitSpikes(LocalOf(e.Mask));
                return;
            default:
                throw new IlNotSupportedException($"Statement {statement.GetType().Name} is not known to the IL emitter.");
        }
    }

    /// <summary><c>if (!Vector.EqualsAll(mask, NONE)) for (int l = 0; l &lt; W; l++) if (mask[l] != 0) SPK[begin + NSP++] = j * W + l;</c></summary>
    private void EmitSpikes(LocalBuilder mask)
    {
        var done = _il.DefineLabel();
        var test = _il.DefineLabel();
        var next = _il.DefineLabel();
        var lane = _il.DefineLabel();
        var l = Local(typeof(int));
        _il.Emit(OpCodes.Ldloc, mask); _il.Emit(OpCodes.Ldloc, _none); _il.Emit(OpCodes.Call, Ops.EqualsAllMask); _il.Emit(OpCodes.Brtrue, done);
        _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Stloc, l);
        _il.Emit(OpCodes.Br, test);
        _il.MarkLabel(lane);
        _il.Emit(OpCodes.Ldloca, mask); _il.Emit(OpCodes.Ldloc, l); _il.Emit(OpCodes.Call, Ops.MaskItem);
        if (Ops.MaskElement == typeof(long)) _il.Emit(OpCodes.Ldc_I8, 0L); else _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Beq, next);
        // SPK[begin + NSP] = j * W + l; NSP++;
        Arg(SpikesArg);
        Arg(Begin); _il.Emit(OpCodes.Ldloc, _spikeCount); _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, _j); _il.Emit(OpCodes.Ldloc, _width); _il.Emit(OpCodes.Mul); _il.Emit(OpCodes.Ldloc, l); _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stelem_I4);
        _il.Emit(OpCodes.Ldloc, _spikeCount); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Add); _il.Emit(OpCodes.Stloc, _spikeCount);
        _il.MarkLabel(next);
        _il.Emit(OpCodes.Ldloc, l); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Add); _il.Emit(OpCodes.Stloc, l);
        _il.MarkLabel(test);
        _il.Emit(OpCodes.Ldloc, l); _il.Emit(OpCodes.Ldloc, _width); _il.Emit(OpCodes.Blt, lane);
        _il.MarkLabel(done);
    }

    private LocalBuilder Declare(string name, Type type, bool mask = false)
    {
        if (_locals.ContainsKey(name)) throw new InvalidOperationException($"Local '{name}' is declared twice.");
        var local = Local(type);
        _locals[name] = local;
        if (mask) _masks.Add(name);
        return local;
    }

    private LocalBuilder LocalOf(string name) =>
        _locals.TryGetValue(name, out var local) ? local : throw new InvalidOperationException($"Local '{name}' is used before it is declared.");

    /// <summary>The reference of a per-cell buffer, a draw or the injected currents.</summary>
    private LocalBuilder BufferRef(string symbol)
    {
        if (KernelSymbols.TryUniformDraw(symbol, out int u) && u < _kernel.UniformDraws) return _drawRefs[u];
        if (KernelSymbols.TryNormalDraw(symbol, out int n) && n < _kernel.NormalDraws) return _drawRefs[_kernel.UniformDraws + n];
        int k = _perCell.IndexOf(symbol);
        if (k >= 0) return _cellRefs[k];
        throw new InvalidModelException($"The CPU kernel has no buffer '{symbol}'.");
    }
}
