using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>
/// Runs the couplings of a step program (docs/semantics.md, "Continuous coupling"), the same way for every backend: in step
/// k, from the start-of-step cell states a backend reads back, each connection's currents are computed in float64, then its
/// own states advance; the currents are summed per target cell in <see cref="CouplingLayout"/> order. The connection
/// buffers live here, on the host, in float64.
/// </summary>
public sealed class CouplingEvaluator
{
    private readonly StepProgram _program;
    private readonly CouplingLayout _layout;
    private readonly Dictionary<string, double[]>[] _values;
    private readonly Dictionary<string, double[]>[] _initial;
    private readonly double[][] _intoPost, _intoPre;
    private readonly Dictionary<int, double[]> _sums = [];
    private readonly Plan[] _plans;
    private readonly Dictionary<(int, string), double[]> _read = [];

    /// <summary>Prepares the couplings of <paramref name="program"/>.</summary>
    public CouplingEvaluator(StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        _program = program;
        _layout = new CouplingLayout(program);
        _values = program.Couplings.Select(c => c.Values.ToDictionary(kv => kv.Key, kv => (double[])kv.Value.Clone())).ToArray();
        _initial = program.Couplings.Select(c => c.Kernel.States.ToDictionary(n => n, n => (double[])c.Values[n].Clone())).ToArray();
        _intoPost = program.Couplings.Select(c => new double[c.Count]).ToArray();
        _intoPre = program.Couplings.Select(c => new double[c.Kernel.PreCurrent is null ? 0 : c.Count]).ToArray();
        foreach (int g in _layout.Targets) _sums[g] = new double[program.Groups[g].Size];
        _plans = program.Couplings.Select(c => new Plan(c)).ToArray();
    }

    /// <summary>The groups that receive coupling currents.</summary>
    public IEnumerable<int> Targets => _layout.Targets;

    /// <summary>The current values of buffer <paramref name="name"/> of coupling <paramref name="coupling"/>, one per connection.</summary>
    public double[] Read(int coupling, string name)
    {
        var c = _program.Couplings[coupling];
        if (!_values[coupling].TryGetValue(name, out var values))
            throw new NonExistentParameterException(name, c.Type, c.Kernel.Buffers.Select(b => b.Name));
        return values.Length == c.Count ? (double[])values.Clone() : Enumerable.Repeat(values[0], c.Count).ToArray();
    }

    /// <summary>Replaces buffer <paramref name="name"/> of coupling <paramref name="coupling"/>; a state set here is also its value after a reset.</summary>
    public void Set(int coupling, string name, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var c = _program.Couplings[coupling];
        var buffer = c.Kernel.Buffer(name) ?? throw new NonExistentParameterException(name, c.Type, c.Kernel.Buffers.Select(b => b.Name));
        int expected = buffer.Storage == Storage.Uniform ? 1 : c.Count;
        if (values.Length != expected) throw new ArgumentException($"Coupling '{c.Label}': buffer '{name}' needs {expected} values, got {values.Length}.", nameof(values));
        _values[coupling][name] = (double[])values.Clone();
        if (buffer.Role == BufferRole.State) _initial[coupling][name] = (double[])values.Clone();
    }

    /// <summary>Returns every coupling state to its initial value (the last one set).</summary>
    public void Reset()
    {
        for (int c = 0; c < _values.Length; c++)
            foreach (var (name, values) in _initial[c]) _values[c][name] = (double[])values.Clone();
    }

    /// <summary>
    /// Runs one step: reads the start-of-step cell states with <paramref name="readState"/> (group, state name; one value per
    /// cell), computes every connection's currents, advances the connections' states by <paramref name="dt"/>, and gives each
    /// target group's summed coupling current per cell (nA) to <paramref name="currents"/>.
    /// </summary>
    public void Step(Func<int, string, double[]> readState, double dt, Action<int, double[]> currents)
    {
        ArgumentNullException.ThrowIfNull(readState);
        ArgumentNullException.ThrowIfNull(currents);
        _read.Clear();
        double[] State(int group, string name) => _read.TryGetValue((group, name), out var v) ? v : _read[(group, name)] = readState(group, name);
        for (int ci = 0; ci < _program.Couplings.Count; ci++) Connections(ci, State, dt);
        foreach (int g in _layout.Targets)
        {
            var sums = _sums[g];
            int[] starts = _layout.Starts(g);
            var entries = _layout.Entries(g);
            for (int cell = 0; cell < sums.Length; cell++)
            {
                double sum = 0;
                for (int e = starts[cell]; e < starts[cell + 1]; e++)
                {
                    var term = entries[e];
                    sum += term.IntoPre ? _intoPre[term.Coupling][term.Connection] : _intoPost[term.Coupling][term.Connection];
                }
                sums[cell] = sum;
            }
            currents(g, sums);
        }
    }

    private void Connections(int ci, Func<int, string, double[]> state, double dt)
    {
        var c = _program.Couplings[ci];
        var plan = _plans[ci];
        var slots = plan.Slots;
        var values = _values[ci];
        for (int p = 0; p < plan.PreStates.Length; p++) plan.PreArrays[p] = state(c.PreGroup, plan.PreStates[p]);
        for (int p = 0; p < plan.PostStates.Length; p++) plan.PostArrays[p] = state(c.PostGroup, plan.PostStates[p]);
        for (int b = 0; b < plan.Buffers.Length; b++) plan.BufferArrays[b] = values[plan.Buffers[b]];
        slots[0] = dt;
        double[] intoPost = _intoPost[ci], intoPre = _intoPre[ci], pending = plan.Pending;
        for (int j = 0; j < c.Count; j++)
        {
            int at = 1, pre = c.PreIndices[j], post = c.PostIndices[j];
            foreach (var array in plan.PreArrays) slots[at++] = array[pre];
            foreach (var array in plan.PostArrays) slots[at++] = array[post];
            foreach (var array in plan.BufferArrays) slots[at++] = array.Length == 1 && c.Count != 1 ? array[0] : array[j];
            intoPost[j] = plan.PostCurrent(slots);
            if (plan.PreCurrent is { } reverse) intoPre[j] = reverse(slots);
            for (int s = 0; s < plan.Update.Length; s++)
            {
                var (target, store, value) = plan.Update[s];
                if (store < 0) slots[target] = value(slots);
                else pending[store] = value(slots);
            }
            for (int s = 0; s < plan.Stores.Length; s++) values[plan.Stores[s]][j] = pending[s];
        }
    }

    /// <summary>A coupling's kernel compiled over one slot array: dt, the pre and post states, the buffers, the locals.</summary>
    private sealed class Plan
    {
        public Plan(CouplingProgram c)
        {
            var k = c.Kernel;
            PreStates = k.PreStates.ToArray();
            PostStates = k.PostStates.ToArray();
            Buffers = c.Values.Keys.Order(StringComparer.Ordinal).ToArray();
            var names = new List<string> { KernelSymbols.Timestep };
            names.AddRange(PreStates.Select(CouplingKernel.PreSymbol));
            names.AddRange(PostStates.Select(CouplingKernel.PostSymbol));
            names.AddRange(Buffers);
            names.AddRange(k.Update.OfType<Let>().Select(l => l.Name));
            int Slot(string n) => names.IndexOf(n) is >= 0 and var i ? i
                : throw new InvalidOperationException($"Coupling '{c.Label}': unknown symbol '{n}' (known: {string.Join(", ", names)}).");
            PostCurrent = CompiledExpression.Compile(k.PostCurrent, Slot);
            PreCurrent = k.PreCurrent is { } pre ? CompiledExpression.Compile(pre, Slot) : null;
            var stores = new List<string>();
            Update = k.Update.Select(s => s switch
            {
                Let l => (Slot(l.Name), -1, CompiledExpression.Compile(l.Value, Slot)),
                Store st => (-1, Add(stores, st.Buffer), CompiledExpression.Compile(st.Value, Slot)),
                _ => throw new NotSupportedException($"Coupling '{c.Label}': statement {CellKernel.Describe(s)} in a coupling update."),
            }).ToArray();
            Stores = stores.ToArray();
            Slots = new double[names.Count];
            PreArrays = new double[PreStates.Length][];
            PostArrays = new double[PostStates.Length][];
            BufferArrays = new double[Buffers.Length][];
            Pending = new double[Stores.Length];
        }

        private static int Add(List<string> list, string name)
        {
            list.Add(name);
            return list.Count - 1;
        }

        public string[] PreStates { get; }
        public string[] PostStates { get; }
        public string[] Buffers { get; }
        public Func<double[], double> PostCurrent { get; }
        public Func<double[], double>? PreCurrent { get; }
        /// <summary>Per statement: the local's slot (or −1), the store's position in <see cref="Stores"/> (or −1), the value.</summary>
        public (int Local, int Store, Func<double[], double> Value)[] Update { get; }
        /// <summary>The state buffers stored, in statement order; written after the connection's statements (start-of-step values throughout).</summary>
        public string[] Stores { get; }
        public double[] Slots { get; }
        public double[][] PreArrays { get; }
        public double[][] PostArrays { get; }
        public double[][] BufferArrays { get; }
        public double[] Pending { get; }
    }
}
