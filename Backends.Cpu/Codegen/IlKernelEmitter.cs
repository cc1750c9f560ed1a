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
/// Emits a <see cref="CellKernel"/> as IL (<see cref="DynamicMethod"/>s) in <c>Vector&lt;T&gt;</c> or, wide, <c>Vector512&lt;T&gt;</c>
/// lanes, without Roslyn: the methods <see cref="CpuKernelEmitter.Source"/> writes as C#, operation for operation. A step
/// method checks the arrays once and drives the loops (<see cref="EmitStep"/>); a loop method advances the vectors [j, last).
/// A kernel that calls phi has two loops, as the C# has: <c>Fast</c>, whose phi is the series alone and which holds no call,
/// stops before the first vector with a lane outside the series' range, and <c>Exact</c> computes that vector with exp.
/// Every write of a vector waits in a local until its body is computed (a vector <c>Fast</c> stops at has written nothing).
/// A condition local is not a vector local of the C#: its comparisons are emitted again where it is used, on operands
/// held in locals where they can change (IlKernelEmitter.Masks.cs), so that the JIT keeps lane masks in AVX-512 mask registers; the bits are the C#'s.
/// Each expression node is one call of the same operator or function the C# calls (<see cref="VectorMethods{T}"/>), in the
/// order the C# evaluates it; phi, the lane-wise functions, the halves of wide lanes and the checks are the precompiled
/// <see cref="KernelMath"/>. A kernel emitted without injected current (<see cref="Emit(CellKernel, bool, bool)"/>) reads +0 as every
/// cell's injected current instead of loading the array (the same sums, one array less per cell and step). A start-up matter: a process that emits its kernels as IL never loads Roslyn, whose first
/// compilation costs 1.4–1.9 s of CPU (docs/benchmarks.md).
/// </summary>
internal sealed partial class IlKernelEmitter<T> where T : unmanaged
{
    // A loop method's arguments: (int j, int last, int begin, T[][] C, T[] U, T[][] RAND, T[] IINJ, T[] REFR, int[] SPK,
    // T[][] RING, int slot, T dtValue, T tValue, ref int NSP), returning the first vector it did not advance.
    private const int JArg = 0, LastArg = 1, Begin = 2, CellsArg = 3, UniformsArg = 4, DrawsArg = 5, InjectedArg = 6, RefractoryArg = 7,
        SpikesArg = 8, RingsArg = 9, SlotArg = 10, DtArg = 11, TimeArg = 12, CountArg = 13;

    private static Type[] LoopParameters => [typeof(int), typeof(int), typeof(int), typeof(T[][]), typeof(T[]), typeof(T[][]), typeof(T[]),
        typeof(T[]), typeof(int[]), typeof(T[][]), typeof(int), typeof(T), typeof(T), typeof(int).MakeByRefType()];

    private readonly VectorMethods<T> Ops;
    private readonly bool _fast;
    private readonly bool _loadsInjected;
    private readonly CellKernel _kernel;
    private readonly List<string> _perCell;
    private readonly List<string> _uniform;
    private readonly ILGenerator _il;
    private readonly DynamicMethod _method;
    private readonly Dictionary<string, LocalBuilder> _locals = new(StringComparer.Ordinal);
    private readonly Dictionary<int, LocalBuilder> _stored = [];
    private readonly HashSet<int> _received = [];
    private readonly List<Action> _commit = [];
    private LocalBuilder _zero = null!, _one = null!, _all = null!, _none = null!, _dt = null!, _t = null!, _width = null!, _j = null!, _spikeCount = null!;
    private LocalBuilder? _injected, _uniforms, _refractoryRef, _refractory, _large;
    private LocalBuilder _injectedRef = null!;
    private LocalBuilder[] _cellRefs = [], _ringRefs = [], _drawRefs = [];
    private bool _emits;

    private IlKernelEmitter(CellKernel kernel, VectorMethods<T> ops, bool fast, bool injected)
    {
        Ops = ops;
        _fast = fast;
        _kernel = kernel;
        _loadsInjected = injected;
        _perCell = kernel.Buffers.Where(b => b.Storage == Storage.PerCell).Select(b => b.Name).ToList();
        _uniform = kernel.Buffers.Where(b => b.Storage == Storage.Uniform).Select(b => b.Name).ToList();
        _method = new DynamicMethod(MethodName(kernel, ops, injected, fast ? "Fast" : "Exact"), typeof(int), LoopParameters, typeof(IlKernelEmitter<T>).Module, skipVisibility: true);
        _il = _method.GetILGenerator();
    }

    /// <summary>Whether the loop called phi (then the kernel runs a <c>Fast</c> loop too).</summary>
    private bool UsesPhi { get; set; }

    private static string MethodName(CellKernel kernel, VectorMethods<T> ops, bool injected, string part) =>
        "CpuKernelIl_" + CSharp.KernelBodyWriter.Sanitize(kernel.Model) + (ops.Wide ? "_w" : "") + (injected ? "" : "_noinj") + (part.Length > 0 ? "_" + part : "");

    /// <summary>The kernel as a delegate over IL, in <c>Vector512</c> lanes where <paramref name="wide"/>.</summary>
    /// <exception cref="IlNotSupportedException">The kernel holds a statement or function this emitter does not know.</exception>
    public static CellKernelStep<T> Emit(CellKernel kernel, bool wide) => Emit(kernel, wide, injected: true, out _);

    /// <summary>
    /// <see cref="Emit(CellKernel, bool)"/>; where not <paramref name="injected"/>, the kernel never reads its injected-current
    /// array and takes +0 as every cell's injected current: it gives the bits of the kernel that reads an array of +0.0 (the
    /// same additions of the same +0), for cells that no current source or coupling drives.
    /// </summary>
    /// <exception cref="IlNotSupportedException">The kernel holds a statement or function this emitter does not know.</exception>
    public static CellKernelStep<T> Emit(CellKernel kernel, bool wide, bool injected) => Emit(kernel, wide, injected, out _);

    /// <summary>
    /// <see cref="Emit(CellKernel, bool)"/>, saying in <paramref name="heldAsVectors"/> how many of the loop's condition locals
    /// were over <see cref="MaskRecipeLimit"/> and so held in vector locals (the <c>Exact</c> loop's count; <c>Fast</c> holds the same).
    /// </summary>
    internal static CellKernelStep<T> Emit(CellKernel kernel, bool wide, out int heldAsVectors) => Emit(kernel, wide, injected: true, out heldAsVectors);

    private static CellKernelStep<T> Emit(CellKernel kernel, bool wide, bool injected, out int heldAsVectors)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var ops = VectorMethods<T>.Of(wide);
        var exact = new IlKernelEmitter<T>(kernel, ops, fast: false, injected);
        exact.Loop();
        DynamicMethod? fast = null;
        if (exact.UsesPhi)
        {
            var f = new IlKernelEmitter<T>(kernel, ops, fast: true, injected);
            f.Loop();
            fast = f._method;
        }
        heldAsVectors = exact.HeldAsVectors;
        return EmitStep(kernel, ops, injected, fast, exact._method);
    }

    private LocalBuilder Local(Type type) => _il.DeclareLocal(type);

    /// <summary>Loads argument <paramref name="index"/> (ldarg takes a 16-bit index; these are below 256).</summary>
    private void Arg(int index) => _il.Emit(OpCodes.Ldarg_S, (byte)index);

    /// <summary>Constants and a reference to the start of every array the loop reaches (the step method has checked them).</summary>
    private void Prologue()
    {
        _zero = Store(Ops.Number, () => _il.Emit(OpCodes.Call, Ops.Zero));
        _one = Store(Ops.Number, () => _il.Emit(OpCodes.Call, Ops.One));
        _all = Store(Ops.Mask, () => _il.Emit(OpCodes.Call, Ops.AllBits));
        _none = Store(Ops.Mask, () => _il.Emit(OpCodes.Call, Ops.NoBits));
        _dt = Store(Ops.Number, () => { Arg(DtArg); Ops.Broadcast(_il); });
        _t = Store(Ops.Number, () => { Arg(TimeArg); Ops.Broadcast(_il); });
        _width = Store(typeof(int), () => _il.Emit(OpCodes.Call, Ops.Count));
        _cellRefs = _perCell.Select((_, k) => VectorRef(() => Element(CellsArg, k), offset: false)).ToArray();
        if (_uniform.Count > 0)
        {
            _uniforms = Local(typeof(T).MakeByRefType());
            Arg(UniformsArg); _il.Emit(OpCodes.Call, Ops.ArrayData); _il.Emit(OpCodes.Stloc, _uniforms);
        }
        _ringRefs = Enumerable.Range(0, _kernel.Receptors).Select(r => VectorRef(() => Element(RingsArg, r), offset: true)).ToArray();
        _injectedRef = VectorRef(() => Arg(InjectedArg), offset: false);
        _drawRefs = Enumerable.Range(0, _kernel.UniformDraws + _kernel.NormalDraws).Select(d => VectorRef(() => Element(DrawsArg, d), offset: false)).ToArray();
        if (_kernel.Refractory) _refractoryRef = VectorRef(() => Arg(RefractoryArg), offset: false);
        // Without injected current the local is ZERO itself: the expressions read +0 where they would read the array's +0.0.
        if (CpuKernelEmitter.ReadsInjected(_kernel)) _injected = _loadsInjected ? Local(Ops.Number) : _zero;
        if (_fast) _large = Local(Ops.Mask);
        // int NSP = *countRef (written back on return)
        _spikeCount = Store(typeof(int), () => { Arg(CountArg); _il.Emit(OpCodes.Ldind_I4); });
    }

    /// <summary>Loads element <paramref name="index"/> of the array of arrays in argument <paramref name="argument"/>.</summary>
    private void Element(int argument, int index)
    {
        Arg(argument);
        _il.Emit(OpCodes.Ldc_I4, index);
        _il.Emit(OpCodes.Ldelem_Ref);
    }

    /// <summary><c>ref V R = ref Unsafe.As&lt;T, V&gt;(ref array[0 or slot]);</c> (a ring starts at the slot, <paramref name="offset"/>).</summary>
    private LocalBuilder VectorRef(Action loadArray, bool offset)
    {
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

    /// <summary>
    /// <c>for (; j &lt; last; j++) { body; [Fast: if (any LARGE) break;] commit }</c>, then <c>NSP</c> written back and
    /// <c>return j</c>.
    /// </summary>
    private void Loop()
    {
        Prologue();
        _j = Store(typeof(int), () => Arg(JArg));
        var last = Store(typeof(int), () => Arg(LastArg));
        var test = _il.DefineLabel();
        var body = _il.DefineLabel();
        var exit = _il.DefineLabel();
        _il.Emit(OpCodes.Br, test);
        _il.MarkLabel(body);
        if (_large is not null) { _il.Emit(OpCodes.Ldloc, _none); _il.Emit(OpCodes.Stloc, _large); }
        if (_injected is not null && _loadsInjected)
        {
            LoadAt(_injectedRef);
            _il.Emit(OpCodes.Stloc, _injected);
        }
        foreach (var phase in _kernel.Phases)
            foreach (var statement in phase.Statements) Statement(statement);
        if (_large is not null)
        {
            _il.Emit(OpCodes.Ldloc, _large);
            if (Ops.Wide)
            {
                // if (Vector512.ExtractMostSignificantBits(LARGE) != 0) break;
                _il.Emit(OpCodes.Call, Ops.MostSignificantBits!);
                _il.Emit(OpCodes.Ldc_I8, 0L);
                _il.Emit(OpCodes.Bne_Un, exit);
            }
            else
            {
                // if (!Vector.EqualsAll(LARGE, NONE)) break;
                _il.Emit(OpCodes.Ldloc, _none);
                _il.Emit(OpCodes.Call, Ops.EqualsAllMask!);
                _il.Emit(OpCodes.Brfalse, exit);
            }
        }
        foreach (var write in _commit) write();
        _il.Emit(OpCodes.Ldloc, _j); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Add); _il.Emit(OpCodes.Stloc, _j);
        _il.MarkLabel(test);
        _il.Emit(OpCodes.Ldloc, _j); _il.Emit(OpCodes.Ldloc, last); _il.Emit(OpCodes.Blt, body);
        _il.MarkLabel(exit);
        Arg(CountArg); _il.Emit(OpCodes.Ldloc, _spikeCount); _il.Emit(OpCodes.Stind_I4);
        _il.Emit(OpCodes.Ldloc, _j);
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

    /// <summary>After the body: <c>Unsafe.Add(ref R, j) = value</c>.</summary>
    private void CommitStore(LocalBuilder reference, LocalBuilder value) => _commit.Add(() =>
    {
        AddressAt(reference);
        _il.Emit(OpCodes.Ldloc, value);
        _il.Emit(OpCodes.Stobj, Ops.Number);
    });

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
                DeclareMask(m.Name, m.Condition);
                return;
            case Assign { Where: null } a:
                Number(a.Value);
                _il.Emit(OpCodes.Stloc, LocalOf(a.Name));
                return;
            case Assign a:
            {
                // target = ConditionalSelect(where, value, target)
                var target = LocalOf(a.Name);
                LoadMask(a.Where!);
                Number(a.Value);
                _il.Emit(OpCodes.Ldloc, target);
                _il.Emit(OpCodes.Call, Ops.Select);
                _il.Emit(OpCodes.Stloc, target);
                return;
            }
            case Store s:
            {
                // var S<k> = value (committed after the body); a later read of the buffer reads S<k>.
                int k = _perCell.IndexOf(s.Buffer);
                if (k < 0) throw new InvalidModelException($"The CPU kernel stores into '{s.Buffer}', which is not a per-cell buffer.");
                Number(s.Value);
                if (!_stored.TryGetValue(k, out var held))
                {
                    held = Local(Ops.Number);
                    _stored[k] = held;
                    CommitStore(_cellRefs[k], held);
                }
                _il.Emit(OpCodes.Stloc, held);
                return;
            }
            case ReceiveInput r:
            {
                // var L = Unsafe.Add(ref R, j), the slot cleared after the body; a second read of the slot finds it cleared.
                var local = Declare(r.Name, Ops.Number);
                var ring = r.Receptor >= 0 && r.Receptor < _ringRefs.Length ? _ringRefs[r.Receptor]
                    : throw new InvalidModelException($"The CPU kernel of '{_kernel.Model}' reads receptor {r.Receptor} of {_ringRefs.Length}.");
                if (!_received.Add(r.Receptor)) { _il.Emit(OpCodes.Ldloc, _zero); _il.Emit(OpCodes.Stloc, local); return; }
                LoadAt(ring);
                _il.Emit(OpCodes.Stloc, local);
                CommitStore(ring, _zero);
                return;
            }
            case ReadRefractory r:
            {
                // var refr = Unsafe.Add(ref REF, j); var L = GreaterThan(refr, ZERO);
                if (_refractoryRef is null) throw new IlNotSupportedException("The kernel reads a refractory counter it does not declare.");
                if (_refractory is not null) throw new IlNotSupportedException("The kernel reads the refractory counter twice.");
                _refractory = Local(Ops.Number);
                LoadAt(_refractoryRef);
                _il.Emit(OpCodes.Stloc, _refractory);
                DeclarePositive(r.Name, _refractory);
                return;
            }
            case CountDown c:
            {
                // var REFNEW = ConditionalSelect(active, refr - ONE, ConditionalSelect(restart, period, refr)) (committed after the body)
                if (_refractoryRef is null || _refractory is null) throw new IlNotSupportedException("The kernel counts down a refractory counter it has not read.");
                var next = Local(Ops.Number);
                LoadMask(c.Active);
                _il.Emit(OpCodes.Ldloc, _refractory);
                _il.Emit(OpCodes.Ldloc, _one);
                _il.Emit(OpCodes.Call, Ops.Subtract);
                LoadMask(c.Restart);
                Number(c.Period);
                _il.Emit(OpCodes.Ldloc, _refractory);
                _il.Emit(OpCodes.Call, Ops.Select);
                _il.Emit(OpCodes.Call, Ops.Select);
                _il.Emit(OpCodes.Stloc, next);
                CommitStore(_refractoryRef, next);
                return;
            }
            case EmitSpikes e:
            {
                if (_emits) throw new InvalidModelException("The CPU kernel emits spikes once per step; this kernel has a second EmitSpikes.");
                _emits = true;
                string mask = e.Mask;
                _commit.Add(Ops.Wide ? () => EmitSpikesWide(mask) : () => EmitSpikes(mask));
                return;
            }
            default:
                throw new IlNotSupportedException($"Statement {statement.GetType().Name} is not known to the IL emitter.");
        }
    }

    /// <summary><c>SPK[begin + NSP++] = j * W + lane</c> for the lane on the stack.</summary>
    private void AppendSpike(Action lane)
    {
        Arg(SpikesArg);
        Arg(Begin); _il.Emit(OpCodes.Ldloc, _spikeCount); _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, _j); _il.Emit(OpCodes.Ldloc, _width); _il.Emit(OpCodes.Mul); lane(); _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stelem_I4);
        _il.Emit(OpCodes.Ldloc, _spikeCount); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Add); _il.Emit(OpCodes.Stloc, _spikeCount);
    }

    /// <summary><c>if (!Vector.EqualsAll(mask, NONE)) for (int l = 0; l &lt; W; l++) if (mask[l] != 0) SPK[begin + NSP++] = j * W + l;</c></summary>
    private void EmitSpikes(string name)
    {
        // The lanes are read through the mask's address, so here the mask is held in a local.
        var mask = Local(Ops.Mask);
        LoadMask(name);
        _il.Emit(OpCodes.Stloc, mask);
        var done = _il.DefineLabel();
        var test = _il.DefineLabel();
        var next = _il.DefineLabel();
        var lane = _il.DefineLabel();
        var l = Local(typeof(int));
        _il.Emit(OpCodes.Ldloc, mask); _il.Emit(OpCodes.Ldloc, _none); _il.Emit(OpCodes.Call, Ops.EqualsAllMask!); _il.Emit(OpCodes.Brtrue, done);
        _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Stloc, l);
        _il.Emit(OpCodes.Br, test);
        _il.MarkLabel(lane);
        _il.Emit(OpCodes.Ldloca, mask); _il.Emit(OpCodes.Ldloc, l); _il.Emit(OpCodes.Call, Ops.MaskItem!);
        if (Ops.MaskElement == typeof(long)) _il.Emit(OpCodes.Ldc_I8, 0L); else _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Beq, next);
        AppendSpike(() => _il.Emit(OpCodes.Ldloc, l));
        _il.MarkLabel(next);
        _il.Emit(OpCodes.Ldloc, l); _il.Emit(OpCodes.Ldc_I4_1); _il.Emit(OpCodes.Add); _il.Emit(OpCodes.Stloc, l);
        _il.MarkLabel(test);
        _il.Emit(OpCodes.Ldloc, l); _il.Emit(OpCodes.Ldloc, _width); _il.Emit(OpCodes.Blt, lane);
        _il.MarkLabel(done);
    }

    /// <summary>
    /// <c>for (ulong BITS = Vector512.ExtractMostSignificantBits(mask); BITS != 0; BITS &amp;= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);</c>
    /// (wide masks are vectors of numbers, so their lanes are read as sign bits).
    /// </summary>
    private void EmitSpikesWide(string mask)
    {
        var test = _il.DefineLabel();
        var lane = _il.DefineLabel();
        var bits = Local(typeof(ulong));
        LoadMask(mask); _il.Emit(OpCodes.Call, Ops.MostSignificantBits!); _il.Emit(OpCodes.Stloc, bits);
        _il.Emit(OpCodes.Br, test);
        _il.MarkLabel(lane);
        AppendSpike(() => { _il.Emit(OpCodes.Ldloc, bits); _il.Emit(OpCodes.Call, Ops.TrailingZeroCount!); });
        _il.Emit(OpCodes.Ldloc, bits); _il.Emit(OpCodes.Ldloc, bits); _il.Emit(OpCodes.Ldc_I8, 1L); _il.Emit(OpCodes.Sub); _il.Emit(OpCodes.And); _il.Emit(OpCodes.Stloc, bits);
        _il.MarkLabel(test);
        _il.Emit(OpCodes.Ldloc, bits); _il.Emit(OpCodes.Brtrue, lane);
    }

    private LocalBuilder Declare(string name, Type type)
    {
        CheckNew(name);
        var local = Local(type);
        _locals[name] = local;
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
