using Meta.Backends.Programs;
using Meta.Expressions;

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
    private readonly Dictionary<string, double> _scope = new(StringComparer.Ordinal);

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
        var read = new Dictionary<(int, string), double[]>();
        double[] State(int group, string name) => read.TryGetValue((group, name), out var v) ? v : read[(group, name)] = readState(group, name);
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
        var k = c.Kernel;
        var values = _values[ci];
        var pre = k.PreStates.Select(n => (CouplingKernel.PreSymbol(n), state(c.PreGroup, n))).ToArray();
        var post = k.PostStates.Select(n => (CouplingKernel.PostSymbol(n), state(c.PostGroup, n))).ToArray();
        var buffers = values.Select(kv => (kv.Key, kv.Value, kv.Value.Length == 1 && c.Count != 1 ? 0 : 1)).ToArray();
        var stores = new List<(double[] Target, double Value)>();
        Func<string, double> lookup = n => _scope.TryGetValue(n, out var v) ? v : throw new InvalidOperationException($"Coupling '{c.Label}': unknown symbol '{n}'.");
        for (int j = 0; j < c.Count; j++)
        {
            _scope.Clear();
            _scope[KernelSymbols.Timestep] = dt;
            foreach (var (name, array) in pre) _scope[name] = array[c.PreIndices[j]];
            foreach (var (name, array) in post) _scope[name] = array[c.PostIndices[j]];
            foreach (var (name, array, perConnection) in buffers) _scope[name] = array[j * perConnection];
            _intoPost[ci][j] = k.PostCurrent.Evaluate(lookup);
            if (k.PreCurrent is { } reverse) _intoPre[ci][j] = reverse.Evaluate(lookup);
            stores.Clear();
            foreach (var s in k.Update)
                switch (s)
                {
                    case Let l: _scope[l.Name] = l.Value.Evaluate(lookup); break;
                    case Store st: stores.Add((values[st.Buffer], st.Value.Evaluate(lookup))); break;
                    default: throw new NotSupportedException($"Coupling '{c.Label}': statement {CellKernel.Describe(s)} in a coupling update.");
                }
            foreach (var (target, value) in stores) target[j] = value;
        }
    }
}
