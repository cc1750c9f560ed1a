using Meta.Models;
using Meta.Expressions;
using Meta.Lowering;
using Meta.Network;
using TorchSharp;
using static TorchSharp.torch;
using Node = Meta.Backends.Torch.TensorExpressionCompiler.Node;

namespace Meta.Backends.Torch;

/// <summary>
/// The host-side parameters of one neuron population and what the CPU backend derives from them per cell: integration
/// coefficients, refractory steps, receptor scales, and which of these are equal for every cell (the CPU folds those
/// into its kernel as literals; so does this backend).
/// </summary>
internal sealed class NeuronPopulationData
{
    public const string RefractoryStepsName = "__refractory_steps";
    public static string ScaleName(string receptor) => "__scale__" + receptor;

    public NeuronPopulationData(PopulationSpec spec, double dt)
    {
        Spec = spec;
        Plan = IntegrationPlan.For(spec.Model);
        ParameterNames = spec.Model.KernelParameters.ToArray();
        Parameters = ParameterNames.ToDictionary(n => n, n => (double[])spec.Parameters[n].Clone(), StringComparer.Ordinal);
        Recompute(dt);
    }

    public PopulationSpec Spec { get; }
    public IntegrationPlan Plan { get; }
    public string[] ParameterNames { get; }
    public Dictionary<string, double[]> Parameters { get; }
    public double[][] Coefficients { get; private set; } = [];
    public double[] RefractorySteps { get; private set; } = [];
    public double[][] Scales { get; private set; } = [];
    /// <summary>Name to value of everything equal over the population (parameters, coefficients, refractory steps, scales).</summary>
    public Dictionary<string, double> Constants { get; private set; } = [];

    public void SetParameter(string name, double[] values, double dt)
    {
        if (!Parameters.ContainsKey(name)) throw new NonExistentParameterException(name, Spec.Model.Name, ParameterNames);
        Parameters[name] = (double[])values.Clone();
        Recompute(dt);
    }

    /// <summary>Per-cell coefficients, refractory step counts and receptor scales (the CPU's NeuronGroup.Recompute).</summary>
    private void Recompute(double dt)
    {
        var model = Spec.Model;
        int n = Spec.Size;
        var coefficients = Plan.Coefficients.Select(_ => new double[n]).ToArray();
        var refractory = new double[n];
        var scales = model.Receptors.Select(_ => new double[n]).ToArray();
        for (int i = 0; i < n; i++)
        {
            int cell = i;
            double Lookup(string name) => Parameters[name][cell];
            var c = Plan.ComputeCoefficients(Lookup, dt);
            for (int k = 0; k < c.Length; k++) coefficients[k][i] = c[k];
            if (model.Refractory is { } r)
            {
                double period = r.Period.Evaluate(Lookup);
                if (!(period >= 0)) throw new InvalidParameterValueException($"The refractory period {r.Period} must be ≥ 0 ms, got {period} (cell {i} of '{Spec.Label}').");
                refractory[i] = Math.Round(period / dt);
            }
            for (int k = 0; k < scales.Length; k++) scales[k][i] = model.Receptors[k].Scale.Evaluate(Lookup);
        }
        Coefficients = coefficients;
        RefractorySteps = refractory;
        Scales = scales;
        Constants = Homogeneous(
            ParameterNames.Select(name => (name, Parameters[name]))
                .Concat(Plan.Coefficients.Select((c, k) => (c.Name, coefficients[k])))
                .Append((RefractoryStepsName, refractory))
                .Concat(model.Receptors.Select((r, k) => (ScaleName(r.Name), scales[k]))));
    }

    /// <summary>The entries whose values are the same for every cell.</summary>
    public static Dictionary<string, double> Homogeneous(IEnumerable<(string Name, double[] Values)> arrays)
    {
        var constants = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, values) in arrays)
            if (values.Length > 0 && values.All(v => v.Equals(values[0]))) constants[name] = values[0];
        return constants;
    }

    /// <summary>Whether two populations fold the same names to the same values (so one program serves both, bit for bit).</summary>
    public bool FoldsLike(NeuronPopulationData other) =>
        ReferenceEquals(Spec.Model, other.Spec.Model)
        && Constants.Count == other.Constants.Count
        && Constants.All(kv => other.Constants.TryGetValue(kv.Key, out double v) && v.Equals(kv.Value));
}

/// <summary>
/// Consecutive populations of one model whose equal-for-every-cell values are the same, simulated as one set of tensors:
/// one element per cell for each state, per-cell parameters and coefficients (values equal for every cell are
/// constants in the program instead), the refractory counters, the injected current, and a delay ring per receptor.
/// One step (docs/semantics.md, the CPU's generated kernel operation by operation): arriving input into the receptor
/// targets, for a crossing threshold the condition on the start-of-step state, linear states by propagators (mid-step values kept), the refractory clamp, exponential Euler or RK4,
/// voltage jumps except in refractory cells, threshold, reset and refractory counters. Every operation acts on the whole
/// group; states are updated in place.
/// </summary>
internal sealed class NeuronGroup : ISpikeUnit
{
    private readonly TorchContext _ctx;
    private readonly double _dt;
    private readonly string[] _stateNames;
    private readonly string[] _parameterNames;
    private readonly Tensor[] _states;
    private readonly Tensor _refractory;
    private readonly Tensor _injected;
    private readonly Tensor _ring;
    private readonly Tensor[] _slotViews;
    private readonly Tensor[][] _receptorViews;
    private readonly List<Tensor> _parameterTensors = [];
    private TensorExpressionCompiler? _compiler;
    private Program? _program;
    private Dictionary<string, double> _constants = [];
    private readonly Scalar _intZero = 0, _intOne = 1;
    private readonly ulong _seed;
    private readonly ulong[] _drawStreams;
    private Tensor? _drawBlock;
    private long _drawBlockStart, _drawBlockLength;

    public NeuronGroup(IReadOnlyList<NeuronPopulationData> members, int index, int slots, double dt, ulong seed, TorchContext ctx)
    {
        Members = members;
        _seed = seed;
        Index = index;
        _ctx = ctx;
        _dt = dt;
        Model = members[0].Spec.Model;
        Plan = members[0].Plan;
        _stateNames = Model.States.Select(s => s.Name).ToArray();
        _parameterNames = members[0].ParameterNames;
        Offsets = new int[members.Count];
        for (int m = 1; m < members.Count; m++) Offsets[m] = Offsets[m - 1] + members[m - 1].Spec.Size;
        Size = Offsets[^1] + members[^1].Spec.Size;
        Slots = slots;
        Injected = new double[Size];
        Populations = members.Select(m => m.Spec).ToArray();

        _states = _stateNames.Select(n => ctx.Values(Concat(m => m.Spec.InitialValues[n]))).ToArray();
        _refractory = TorchContext.Keep(torch.zeros(Size, ScalarType.Int32, ctx.Device));
        _injected = TorchContext.Keep(torch.zeros(Size, ctx.DType, ctx.Device));
        int receptors = Model.Receptors.Count;
        _ring = TorchContext.Keep(torch.zeros(slots, Math.Max(1, receptors) * (long)Size, ctx.DType, ctx.Device));
        _slotViews = Enumerable.Range(0, slots).Select(s => TorchContext.Keep(_ring.select(0, s))).ToArray();
        _receptorViews = _slotViews.Select(v => Enumerable.Range(0, receptors)
            .Select(r => TorchContext.Keep(v.narrow(0, (long)r * Size, Size))).ToArray()).ToArray();
        // The streams of the model's uniform() draws: draw d of the cell with global index g is stream NeuronDraw(g, d);
        // laid out draw-major, so draw d of the group is columns [d·Size, (d + 1)·Size) of a block.
        _drawStreams = Enumerable.Range(0, Model.RandomDraws)
            .SelectMany(d => members.SelectMany(m => Enumerable.Range(0, m.Spec.Size).Select(i => RandomStreams.NeuronDraw(m.Spec.FirstGlobalIndex + i, d))))
            .ToArray();
        Recompile();
    }

    public IReadOnlyList<NeuronPopulationData> Members { get; }
    /// <summary>Offset of each member population's first cell in the group.</summary>
    public int[] Offsets { get; }
    public IReadOnlyList<PopulationSpec> Populations { get; }
    public int[] PopulationOffsets => Offsets;
    public List<SynapseTable> Outgoing { get; } = [];

    /// <summary>The cells that spiked at the end of the last step (time index s &gt; 0), or null.</summary>
    public Tensor? Emit(long s)
    {
        if (s == 0 || Spiked is null) return null;
        var cells = Spiked.nonzero().view(-1);
        if (cells.shape[0] > 0) return cells;
        cells.Dispose();
        return null;
    }
    public int Index { get; }
    public int Size { get; }
    public int Slots { get; }
    public ModelDefinition Model { get; }
    public IntegrationPlan Plan { get; }
    /// <summary>The injected current per cell (nA), kept on the host as the CPU backend keeps it and uploaded on change.</summary>
    public double[] Injected { get; }
    /// <summary>Whether any current source targets the group (else <c>i_inj</c> is the constant 0).</summary>
    public bool HasInjection { get; private set; }
    /// <summary>The flat delay ring: slot s, receptor r, cell j at <c>[s, r·Size + j]</c>.</summary>
    public Tensor Ring => _ring;

    /// <summary>Slot <paramref name="slot"/> of the ring as a flat view (receptor·size + cell).</summary>
    public Tensor SlotView(int slot) => _slotViews[slot];
    /// <summary>The cells that spiked in the last step (bool, valid until the step's dispose scope ends), or null.</summary>
    public Tensor? Spiked { get; private set; }

    /// <summary>Forgets the last step's spikes (their tensor belonged to that step's dispose scope).</summary>
    public void ClearSpiked() => Spiked = null;

    public int ReceptorIndex(string name) => Model.Receptors.Select(r => r.Name).ToList().IndexOf(name);

    /// <summary>The state tensor of <paramref name="name"/>, or null when the model has no such state.</summary>
    public Tensor? State(string name)
    {
        int k = Array.IndexOf(_stateNames, name);
        return k >= 0 ? _states[k] : null;
    }

    private double[] Concat(Func<NeuronPopulationData, double[]> values)
    {
        var all = new double[Size];
        for (int m = 0; m < Members.Count; m++) values(Members[m]).CopyTo(all, Offsets[m]);
        return all;
    }

    /// <summary>Sets whether sources inject current; recompiles when that changes.</summary>
    public void SetHasInjection(bool value)
    {
        if (value == HasInjection) return;
        HasInjection = value;
        Recompile();
    }

    /// <summary>
    /// Uploads the host's injected currents through a host tensor kept for the purpose (AC and noise sources change them
    /// every step; no tensor is created per upload).
    /// </summary>
    public void UploadInjected()
    {
        _injectedHost ??= TorchContext.Keep(torch.zeros(Injected.Length, ScalarType.Float64));
        using (var accessor = _injectedHost.data<double>()) accessor.CopyFrom(Injected);
        _injected.copy_(_injectedHost);
    }

    private Tensor? _injectedHost;

    /// <summary>New parameter values for member <paramref name="member"/>; coefficients and the program follow.</summary>
    public void SetParameter(int member, string name, double[] values)
    {
        Members[member].SetParameter(name, values, _dt);
        Recompile();
    }

    /// <summary>States from <paramref name="initial"/> per member; refractory counters and the delay ring cleared.</summary>
    public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initial)
    {
        for (int k = 0; k < _stateNames.Length; k++)
        {
            var values = new double[Size];
            for (int m = 0; m < Members.Count; m++) initial[m][_stateNames[k]].CopyTo(values, Offsets[m]);
            TorchContext.CopyInto(_states[k], values);
        }
        _refractory.zero_();
        _ring.zero_();
        Spiked = null;
    }

    // ------------------------------------------------------------------ compilation

    /// <summary>Registers: where compiled programs read states, per-cell parameters and step-dependent values.</summary>
    private sealed class Program
    {
        public TValue[] Registers = [];
        public int TStart, TMid, TEnd;
        public (int State, bool InPlace, Node? Mid, int MidRegister, Node End, int EndRegister, Node? Scale, Node? Offset)[] Linear = [];
        public (int State, Node Value, bool Increment)[] Clamp = [];
        public bool PreClamp;
        public int[] PostClamp = [];
        public (int State, Node Increment)[] Euler = [];
        /// <summary>Exponential midpoint: per state the half-step predictor (into its stage register) and the corrector's increment.</summary>
        public (int State, Node Predictor, int StageRegister, Node Increment)[] Midpoint = [];
        /// <summary>Scratch for the increments of one step (exponential Euler or midpoint), allocated once.</summary>
        public TValue[] Increments = [];
        public (int State, Node[] Stages, int StageRegister)[] RungeKutta = [];
        public Node? Threshold;
        /// <summary>For a crossing threshold: the condition on the start-of-step state (after the input).</summary>
        public Node? StartThreshold;
        /// <summary>The registers of the model's uniform() draws, by draw number.</summary>
        public int[] Draws = [];
        public (int State, Node Value, bool Increment)[] Reset = [];
        public (int Receptor, int State, bool Jump, Node Scale)[] Receptors = [];
        public bool JumpsMasked;
        public Node? RefractorySteps;
    }

    /// <summary>Builds the tensor program from the plan, folding the values equal over the whole group.</summary>
    private void Recompile()
    {
        foreach (var t in _parameterTensors) t.Dispose();
        _parameterTensors.Clear();
        _compiler?.Dispose();
        _compiler = new TensorExpressionCompiler(_ctx.DType, _ctx.Device);
        var c = _compiler;
        var model = Model;
        var plan = Plan;

        // Values over the whole group; the equal ones become constants.
        var arrays = new List<(string Name, double[] Values)>();
        foreach (var name in _parameterNames) arrays.Add((name, Concat(m => m.Parameters[name])));
        for (int k = 0; k < plan.Coefficients.Count; k++) { int kk = k; arrays.Add((plan.Coefficients[k].Name, Concat(m => m.Coefficients[kk]))); }
        arrays.Add((NeuronPopulationData.RefractoryStepsName, Concat(m => m.RefractorySteps)));
        for (int r = 0; r < model.Receptors.Count; r++) { int rr = r; arrays.Add((NeuronPopulationData.ScaleName(model.Receptors[r].Name), Concat(m => m.Scales[rr]))); }
        _constants = NeuronPopulationData.Homogeneous(arrays);
        var constants = _constants;

        var registers = new List<TValue>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int Register(string name, TValue value)
        {
            index[name] = registers.Count;
            registers.Add(value);
            return registers.Count - 1;
        }
        for (int k = 0; k < _stateNames.Length; k++) Register(_stateNames[k], TValue.Borrowed(_states[k]));
        foreach (var (name, values) in arrays)
        {
            if (constants.ContainsKey(name)) continue;
            var t = _ctx.Values(values);
            _parameterTensors.Add(t);
            Register(name, TValue.Borrowed(t));
        }
        if (HasInjection) Register(ModelDefinition.InjectedCurrent, TValue.Borrowed(_injected));
        var program = new Program();
        program.TStart = Register("__t", TValue.Of(0));
        program.TMid = Register("__t_mid", TValue.Of(0));
        program.TEnd = Register("__t_end", TValue.Of(0));
        program.Draws = Enumerable.Range(0, model.RandomDraws).Select(d => Register(ModelDefinition.RandomDrawSymbol(d), TValue.Of(0))).ToArray();

        var linear = plan.Linear.SelectMany(x => x.States).ToHashSet();
        var nonlinear = plan.Nonlinear.Select(x => x.Name).ToHashSet();
        bool rk4 = plan.Scheme == IntegrationScheme.RungeKutta4 && plan.Nonlinear.Count > 0;
        foreach (var x in linear)
        {
            Register(x + IntegrationPlan.MidSuffix, TValue.Of(0));
            Register(x + IntegrationPlan.EndSuffix, TValue.Of(0));
        }
        foreach (var x in nonlinear) Register(x + "__stage", TValue.Of(0));

        int State(string name) => Array.IndexOf(_stateNames, name);
        Operand Base(string name, int time)
        {
            if (name == "dt") return Operand.Number(_dt);
            if (name == "t") return Operand.At(time);
            if (name == ModelDefinition.InjectedCurrent && !HasInjection) return Operand.Number(0);
            if (constants.TryGetValue(name, out double v)) return Operand.Number(v);
            if (index.TryGetValue(name, out int at)) return Operand.At(at);
            throw new InvalidModelException($"Model '{model.Name}': unknown symbol '{name}' (torch backend).");
        }
        Expr Folded(Expr e) => TensorExpressionCompiler.Fold(e, constants);
        // Linear states: start values in the state registers; after the linear update (exponential Euler) the registers
        // hold the end values, so AtEnd is the state register; under RK4 the end values are separate until write-back.
        Operand Start(string n) => Base(n, program.TStart);
        Operand AtEnd(string n) => rk4 && linear.Contains(n) ? Operand.At(index[n + IntegrationPlan.EndSuffix]) : Base(n, program.TStart);
        Operand AfterWriteBack(string n) => Base(n, program.TStart);

        // 1. Receptors.
        program.Receptors = model.Receptors.Select((r, k) => (k, State(r.Target), r.Kind == ReceptorKind.VoltageJump,
            c.Number(Expr.Symbol(NeuronPopulationData.ScaleName(r.Name)), n => Base(n, program.TStart)))).ToArray();
        var clampTargets = model.Refractory?.Clamp.Select(a => a.Target).ToHashSet() ?? [];
        program.JumpsMasked = model.Refractory is not null;

        // 2. Linear subsystem.
        var linearSteps = new List<(int, bool, Node?, int, Node, int, Node?, Node?)>();
        foreach (var component in plan.Linear)
        {
            for (int i = 0; i < component.States.Count; i++)
            {
                var x = component.States[i];
                Node? mid = plan.MidStepNeeded.Contains(x) ? c.Number(Folded(component.Propagate(i, mid: true)), Start) : null;
                var endExpr = Folded(component.Propagate(i, mid: false));
                // A state alone in its component (x' = a·x + b) is advanced in place after its mid value is taken:
                // x *= a, then x += b, the same two roundings as the CPU's a·x + b.
                Node? scale = null, offset = null;
                Expr? a = null, b = null;
                bool inPlace = !rk4 && component.States.Count == 1 && TrySplitAffine(endExpr, x, out a, out b);
                if (inPlace)
                {
                    scale = c.Number(a!, Start);
                    offset = b is null ? null : c.Number(b, Start);
                }
                linearSteps.Add((State(x), inPlace, mid, index[x + IntegrationPlan.MidSuffix], c.Number(endExpr, Start),
                    index[x + IntegrationPlan.EndSuffix], scale, offset));
            }
        }
        program.Linear = linearSteps.ToArray();

        // 3. Refractory clamp values (before integration, with linear states at their end values).
        if (model.Refractory is { } refractory)
        {
            program.Clamp = refractory.Clamp.Select(a => (State(a.Target), c.Number(Folded(a.Value), AtEnd), a.Increment)).ToArray();
            // The clamp must also hold before integration when another integrated state reads a clamped one
            // (or several clamps follow each other); the LIF family needs only the clamp after integration.
            program.PreClamp = refractory.Clamp.Count > 1 || plan.Nonlinear.Any(nl => !clampTargets.Contains(nl.Name)
                && (nl.RightHandSide.Symbols().Overlaps(clampTargets) || (nl.SelfCoefficient?.Symbols().Overlaps(clampTargets) ?? false)));
            program.PostClamp = clampTargets.Select(State).ToArray();
            program.RefractorySteps = c.Number(Expr.Symbol(NeuronPopulationData.RefractoryStepsName), n => Base(n, program.TStart));
        }

        // 4. Integration of the other states.
        if (plan.Scheme == IntegrationScheme.ExponentialMidpoint && plan.Nonlinear.Count > 0)
        {
            // As the CPU: a half exponential Euler step of every state (linear states at mid-step), then each state's full
            // step with A and B at mid-step and its own start value.
            Operand Predict(string n) => linear.Contains(n) ? Operand.At(index[n + IntegrationPlan.MidSuffix]) : Base(n, program.TStart);
            program.Midpoint = plan.Nonlinear.Select(x =>
            {
                var predictor = c.Multiply(c.Number(Folded(x.RightHandSide), Predict), c.Phi(c.Number(Folded(x.SelfCoefficient!), Predict), 0.5 * _dt));
                Operand Mid(string n) =>
                    n == x.Name ? Base(n, program.TMid)
                    : linear.Contains(n) ? Operand.At(index[n + IntegrationPlan.MidSuffix])
                    : nonlinear.Contains(n) ? Operand.At(index[n + "__stage"])
                    : Base(n, program.TMid);
                var f = c.Number(Folded(x.RightHandSide), Mid);
                var factor = x.Factor is SymbolExpr ? c.Number(Folded(x.Factor), Mid) : c.Phi(c.Number(Folded(x.SelfCoefficient!), Mid), _dt);
                return (State(x.Name), predictor, index[x.Name + "__stage"], c.Multiply(f, factor));
            }).ToArray();
        }
        else if (!rk4)
        {
            Operand Euler(string n) => linear.Contains(n) ? Operand.At(index[n + IntegrationPlan.MidSuffix]) : Base(n, program.TMid);
            program.Euler = plan.Nonlinear.Select(x =>
            {
                var f = c.Number(Folded(x.RightHandSide), Euler);
                var factor = x.Factor is SymbolExpr ? c.Number(Folded(x.Factor), Euler) : c.Phi(c.Number(Folded(x.SelfCoefficient!), Euler), _dt);
                return (State(x.Name), c.Multiply(f, factor));
            }).ToArray();
        }
        else
        {
            string[] suffix = ["", IntegrationPlan.MidSuffix, IntegrationPlan.MidSuffix, IntegrationPlan.EndSuffix];
            int[] time = [program.TStart, program.TMid, program.TMid, program.TEnd];
            program.RungeKutta = plan.Nonlinear.Select(x =>
            {
                var stages = new Node[4];
                for (int stage = 0; stage < 4; stage++)
                {
                    int st = stage;
                    Operand Symbol(string n) =>
                        linear.Contains(n) ? (st == 0 ? Base(n, time[st]) : Operand.At(index[n + suffix[st]]))
                        : nonlinear.Contains(n) && st > 0 ? Operand.At(index[n + "__stage"])
                        : Base(n, time[st]);
                    stages[stage] = c.Number(Folded(x.RightHandSide), Symbol);
                }
                return (State(x.Name), stages, index[x.Name + "__stage"]);
            }).ToArray();
        }

        // 5. Threshold and reset, on the states after integration.
        program.Threshold = model.Threshold is null ? null : c.Mask(Folded(model.Threshold), AfterWriteBack);
        // A crossing threshold also needs the condition false on the state at the start of the step (after the input).
        program.StartThreshold = model.ThresholdCrossing && model.Threshold is not null ? c.Mask(Folded(model.Threshold), Start) : null;
        program.Reset = model.Reset.Select(a => (State(a.Target), c.Number(Folded(a.Value), AfterWriteBack), a.Increment)).ToArray();

        program.Registers = registers.ToArray();
        program.Increments = new TValue[Math.Max(program.Euler.Length, program.Midpoint.Length)];
        _program = program;
    }

    /// <summary>Splits <c>a·x</c> or <c>a·x + b</c> (a, b free of states) into a and b.</summary>
    private bool TrySplitAffine(Expr e, string x, out Expr? a, out Expr? b)
    {
        a = b = null;
        if (e is BinaryExpr { Operator: BinaryOperator.Add } sum && IsStateFree(sum.Right))
        {
            b = sum.Right;
            e = sum.Left;
        }
        if (e is BinaryExpr { Operator: BinaryOperator.Multiply } product)
        {
            if (product.Right is SymbolExpr { Name: var r } && r == x && IsStateFree(product.Left)) { a = product.Left; return true; }
            if (product.Left is SymbolExpr { Name: var l } && l == x && IsStateFree(product.Right)) { a = product.Right; return true; }
        }
        if (e is SymbolExpr { Name: var only } && only == x) { a = Expr.Const(1); return true; }
        return false;
    }

    private bool IsStateFree(Expr e) => !e.Symbols().Any(s => _stateNames.Contains(s));

    // ------------------------------------------------------------------ the step

    private static void AddTo(Tensor target, TValue value, TensorExpressionCompiler c)
    {
        if (value.IsConstant) { if (value.Constant != 0) target.Plus_(c.ScalarFor(value)); }
        else target.Plus_(value.Tensor!);
    }

    /// <summary><c>target = where(mask, value, target)</c>, in place.</summary>
    private static void Assign(Tensor target, Tensor mask, TValue value, TensorExpressionCompiler c)
    {
        if (value.IsConstant) target.masked_fill_(mask, c.ScalarFor(value));
        else target.copy_(torch.where(mask, value.Tensor!, target));
    }

    private TValue Sum(Tensor state, TValue value, TensorExpressionCompiler c) =>
        value.IsConstant ? TValue.Temporary(state.Plus(c.ScalarFor(value))) : TValue.Temporary(state.Plus(value.Tensor!));

    /// <summary>
    /// Advances every cell of the group by step <paramref name="step"/> (time step·dt), reading ring slot <paramref name="slot"/>.
    /// Call inside the step's dispose scope: the step's temporaries, draws included, belong to it.
    /// </summary>
    public void Step(int slot, long step)
    {
        var p = _program!;
        var c = _compiler!;
        var regs = p.Registers;
        double t = step * _dt;
        for (int d = 0; d < p.Draws.Length; d++) regs[p.Draws[d]] = TValue.Borrowed(Draws(step, d));
        regs[p.TStart] = TValue.Of(t, transient: true);
        regs[p.TMid] = TValue.Of(t + 0.5 * _dt, transient: true);
        regs[p.TEnd] = TValue.Of(t + _dt, transient: true);
        var input = _receptorViews[slot];

        // 1. Input arriving in this step: synaptic receptors add it to their target now; voltage jumps wait until 4b.
        foreach (var (r, state, jump, scale) in p.Receptors)
        {
            if (jump) continue;
            var s = scale.Eval(regs);
            if (s.IsConstant && s.Constant == 1.0) _states[state].Plus_(input[r]);
            else if (s.IsConstant) _states[state].Plus_(input[r].mul(c.ScalarFor(s)));
            else _states[state].Plus_(input[r].mul(s.Tensor!));
        }

        // A crossing threshold: where the condition holds already at the start of the step, no spike.
        TValue wasAbove = TValue.Of(0);
        if (p.StartThreshold is not null)
        {
            wasAbove = p.StartThreshold.Eval(regs);
            if (!wasAbove.IsConstant && !wasAbove.Owned) wasAbove = TValue.Temporary(wasAbove.Tensor!.clone());
        }

        // 2. Linear subsystem: mid-step values (if read), then end values.
        foreach (var l in p.Linear)
        {
            if (l.Mid is null) continue;
            var mid = l.Mid.Eval(regs);
            // A mid value that is a state itself must not follow the in-place update below.
            regs[l.MidRegister] = mid.IsConstant || mid.Owned ? mid : TValue.Temporary(mid.Tensor!.clone());
        }
        var ends = new List<(int State, TValue Value)>();
        foreach (var l in p.Linear)
        {
            if (l.InPlace)
            {
                var a = l.Scale!.Eval(regs);
                if (a.IsConstant) { if (a.Constant != 1.0) _states[l.State].mul_(c.ScalarFor(a)); }
                else _states[l.State].mul_(a.Tensor!);
                if (l.Offset is not null) AddTo(_states[l.State], l.Offset.Eval(regs), c);
            }
            else ends.Add((l.State, regs[l.EndRegister] = l.End.Eval(regs)));
        }
        bool rk4 = p.RungeKutta.Length > 0;
        if (!rk4) WriteBack(ends, c);

        // 3. Refractory cells: clamp values (before integration), applied before integration where needed.
        Tensor? inRef = null;
        var clampValues = new TValue[p.Clamp.Length];
        if (p.RefractorySteps is not null)
        {
            inRef = _refractory.gt(_intZero);
            for (int k = 0; k < p.Clamp.Length; k++)
            {
                var (state, value, increment) = p.Clamp[k];
                var v = value.Eval(regs);
                if (increment) v = Sum(_states[state], v, c);
                clampValues[k] = v;
                if (p.PreClamp) Assign(_states[state], inRef, v, c);
            }
        }

        // 4. The other states.
        if (p.Midpoint.Length > 0)
        {
            foreach (var (state, predictor, register, _) in p.Midpoint)
            {
                var h = predictor.Eval(regs);
                regs[register] = TValue.Temporary(h.IsConstant ? _states[state].Plus(c.ScalarFor(h)) : h.Tensor!.Plus(_states[state]));
            }
            var increments = p.Increments;
            for (int k = 0; k < p.Midpoint.Length; k++) increments[k] = p.Midpoint[k].Increment.Eval(regs);
            for (int k = 0; k < p.Midpoint.Length; k++) AddTo(_states[p.Midpoint[k].State], increments[k], c);
        }
        else if (!rk4)
        {
            var increments = p.Increments;
            for (int k = 0; k < p.Euler.Length; k++) increments[k] = p.Euler[k].Increment.Eval(regs);
            for (int k = 0; k < p.Euler.Length; k++) AddTo(_states[p.Euler[k].State], increments[k], c);
        }
        else
        {
            RungeKutta(p, regs, c);
        }
        for (int k = 0; k < p.Clamp.Length; k++) Assign(_states[p.Clamp[k].State], inRef!, clampValues[k], c);

        // 4b. Voltage jumps, except where a refractory clamp holds the target.
        foreach (var (r, state, jump, scale) in p.Receptors)
        {
            if (!jump) continue;
            var s = scale.Eval(regs);
            var amount = s.IsConstant && s.Constant == 1.0 ? input[r] : s.IsConstant ? input[r].mul(c.ScalarFor(s)) : input[r].mul(s.Tensor!);
            if (p.JumpsMasked && inRef is not null && p.PostClamp.Contains(state)) amount = amount.masked_fill(inRef, c.ScalarOf(0));
            _states[state].Plus_(amount);
        }
        if (rk4) WriteBack(ends, c);

        // 5. Threshold (not in refractory cells), reset, refractory counters.
        Tensor? spike = null;
        if (p.Threshold is not null)
        {
            var m = p.Threshold.Eval(regs);
            if (!m.IsConstant) spike = m.Owned ? m.Tensor! : m.Tensor!.clone();
            else if (m.Constant != 0) spike = torch.ones(Size, ScalarType.Bool, _ctx.Device);
            if (spike is not null && inRef is not null) spike.masked_fill_(inRef, c.ScalarOf(0));
            if (spike is not null && wasAbove.IsConstant && wasAbove.Constant != 0) spike = null;
            else if (spike is not null && !wasAbove.IsConstant) spike.masked_fill_(wasAbove.Tensor!, c.ScalarOf(0));
        }
        if (spike is not null)
        {
            foreach (var (state, value, increment) in p.Reset)
            {
                var v = value.Eval(regs);
                if (increment) v = Sum(_states[state], v, c);
                Assign(_states[state], spike, v, c);
            }
        }
        if (inRef is not null)
        {
            _refractory.sub_(_intOne).clamp_min_(_intZero);
            if (spike is not null)
            {
                var n = p.RefractorySteps!.Eval(regs);
                if (n.IsConstant) _refractory.masked_fill_(spike, c.ScalarFor(n));
                else _refractory.copy_(torch.where(spike, n.Tensor!.to_type(ScalarType.Int32), _refractory));
            }
        }
        Spiked = spike;
        _slotViews[slot].zero_();
        c.ReleaseTransients();
    }

    /// <summary>
    /// Draw <paramref name="d"/> of step <paramref name="k"/> for every cell: <c>Philox.Uniform(seed, NeuronDraw(g, d), k)</c>
    /// (float64 bit for bit; in float32 each rounded once to float, as the ILGPU kernels do). The draws of a block of steps
    /// are computed at once (<see cref="TensorPhilox"/> costs some 100 tensor operations per call, whatever its size) and
    /// kept; the row returned is a view in the caller's dispose scope. Measured on libtorch CPU with GIF_cond_exp: 100
    /// cells 0.45 ms per step in blocks against 0.8–2 ms drawing every step; 10,000 cells about 3.3 ms either way.
    /// </summary>
    private Tensor Draws(long k, int d)
    {
        if (_drawBlock is null || k < _drawBlockStart || k >= _drawBlockStart + _drawBlockLength)
        {
            _drawBlock?.Dispose();
            long length = Math.Clamp(DrawBlockElements / Math.Max(1, _drawStreams.Length), 8, 1024);
            using (var scope = torch.NewDisposeScope())
            {
                var u = TensorPhilox.Uniform(_seed, k, length, _drawStreams, _ctx.Device);
                _drawBlock = TorchContext.Keep(_ctx.DType == ScalarType.Float64 ? u : u.to_type(_ctx.DType));
            }
            _drawBlockStart = k;
            _drawBlockLength = length;
        }
        return _drawBlock.select(0, k - _drawBlockStart).narrow(0, (long)d * Size, Size);
    }

    private const int DrawBlockElements = 1 << 18;

    private void WriteBack(List<(int State, TValue Value)> ends, TensorExpressionCompiler c)
    {
        foreach (var (state, value) in ends)
        {
            if (value.IsConstant) _states[state].fill_(c.ScalarFor(value));
            else _states[state].copy_(value.Tensor!);
        }
    }

    /// <summary>Classical RK4 over the nonlinear states, as the CPU writes it.</summary>
    private void RungeKutta(Program p, TValue[] regs, TensorExpressionCompiler c)
    {
        int n = p.RungeKutta.Length;
        var k = new Tensor[4, n];
        double[] scale = [0, 0.5 * _dt, 0.5 * _dt, _dt];
        for (int stage = 0; stage < 4; stage++)
        {
            if (stage > 0)
            {
                // The stage argument s + h·k_prev, all states from the previous stage's slopes.
                for (int j = 0; j < n; j++)
                {
                    var (state, _, register) = p.RungeKutta[j];
                    regs[register] = TValue.Temporary(k[stage - 1, j].mul(c.ScalarOf(scale[stage])).Plus_(_states[state]));
                }
            }
            for (int j = 0; j < n; j++)
            {
                var v = p.RungeKutta[j].Stages[stage].Eval(regs);
                k[stage, j] = v.IsConstant ? torch.full(Size, c.ScalarFor(v), _ctx.DType, _ctx.Device) : v.Tensor!;
            }
        }
        double sixth = _dt * (1.0 / 6);
        for (int j = 0; j < n; j++)
        {
            // dt/6 · (((k1 + 2·k2) + 2·k3) + k4)
            var sum = k[1, j].mul(c.ScalarOf(2.0)).Plus_(k[0, j]);
            sum.Plus_(k[2, j].mul(c.ScalarOf(2.0))).Plus_(k[3, j]).mul_(c.ScalarOf(sixth));
            _states[p.RungeKutta[j].State].Plus_(sum);
        }
    }

    public void Dispose()
    {
        _drawBlock?.Dispose();
        _drawBlock = null;
        _injectedHost?.Dispose();
        _injectedHost = null;
        _intZero.Dispose();
        _intOne.Dispose();
        foreach (var t in _parameterTensors) t.Dispose();
        _parameterTensors.Clear();
        _compiler?.Dispose();
        foreach (var v in _receptorViews) foreach (var t in v) t.Dispose();
        foreach (var t in _slotViews) t.Dispose();
        _ring.Dispose();
        _injected.Dispose();
        _refractory.Dispose();
        foreach (var t in _states) t.Dispose();
    }
}
