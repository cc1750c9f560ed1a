using Meta.Backends.Cpu.Codegen;
using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Backends.Cpu.Couplings;

/// <summary>
/// The couplings of a step program on the CPU (docs/semantics.md, "Continuous coupling"). Each coupling's kernel is compiled
/// by <see cref="CpuCouplingEmitter"/>; its buffers are arrays of one value per connection. Step k runs every coupling's
/// connections over the cells' start-of-step states, writing their currents into one flat array of terms
/// (<see cref="CouplingLayout"/>), then sets each target cell's injected current to its sources' current plus its terms
/// summed from 0 in the layout's order.
/// </summary>
internal sealed class CouplingRunner
{
    private readonly StepProgram _program;
    private readonly CouplingLayout _layout;
    private readonly Func<int, string, double[]> _state;
    private readonly CouplingStep[] _steps;
    private readonly string[][] _names;
    private readonly double[][][] _buffers;
    private readonly double[][][] _pre, _post;
    private readonly double[] _terms;
    private readonly Target[] _targets;
    private readonly Target?[] _targetOf;

    /// <summary>Compiles the couplings of <paramref name="program"/>; <paramref name="state"/> gives a neuron group's state array, <paramref name="injected"/> its injected-current array.</summary>
    public CouplingRunner(StepProgram program, CouplingLayout layout, Func<int, string, double[]> state, Func<int, double[]> injected, Action<bool> countKernel)
    {
        _program = program;
        _layout = layout;
        _state = state;
        _steps = program.Couplings.Select(c =>
        {
            var step = CpuCouplingEmitter.Compile(c.Kernel, out bool compiled);
            countKernel(compiled);
            return step;
        }).ToArray();
        _names = program.Couplings.Select(c => CouplingBuffers.Names(c.Kernel)).ToArray();
        _buffers = program.Couplings.Select(CouplingBuffers.Initial).ToArray();
        _pre = program.Couplings.Select(c => new double[c.Kernel.PreStates.Count][]).ToArray();
        _post = program.Couplings.Select(c => new double[c.Kernel.PostStates.Count][]).ToArray();
        _terms = new double[layout.TermCount];
        _targets = layout.Targets.Select(g => new Target(g, new double[program.Groups[g].Size], layout.Starts(g), layout.TermIndices(g), injected(g))).ToArray();
        _targetOf = new Target?[program.Groups.Count];
        foreach (var t in _targets) _targetOf[t.Group] = t;
    }

    /// <summary>Whether group <paramref name="group"/> receives coupling currents.</summary>
    public bool IsTarget(int group) => _targetOf[group] is not null;

    /// <summary>Takes the sources' currents of target group <paramref name="group"/> (nA per cell), to which each step adds the coupling's.</summary>
    public void SetSources(int group, double[] sourced) => sourced.AsSpan(0, _targetOf[group]!.Sourced.Length).CopyTo(_targetOf[group]!.Sourced);

    /// <summary>Runs step k's couplings and writes the target groups' injected currents.</summary>
    public void Step(double dt)
    {
        for (int c = 0; c < _steps.Length; c++)
        {
            var spec = _program.Couplings[c];
            var kernel = spec.Kernel;
            for (int p = 0; p < _pre[c].Length; p++) _pre[c][p] = _state(spec.PreGroup, kernel.PreStates[p]);
            for (int p = 0; p < _post[c].Length; p++) _post[c][p] = _state(spec.PostGroup, kernel.PostStates[p]);
            _steps[c](spec.Count, spec.PreIndices, spec.PostIndices, _pre[c], _post[c], _buffers[c], dt, _terms, _layout.PostTerm(c), Math.Max(0, _layout.PreTerm(c)));
        }
        foreach (var t in _targets)
        {
            int[] starts = t.Starts, indices = t.Indices;
            double[] sourced = t.Sourced, injected = t.Injected, terms = _terms;
            for (int cell = 0; cell < sourced.Length; cell++)
            {
                double sum = 0;
                for (int e = starts[cell]; e < starts[cell + 1]; e++) sum += terms[indices[e]];
                injected[cell] = sourced[cell] + sum;
            }
        }
    }

    /// <summary>Buffer <paramref name="name"/> of coupling <paramref name="coupling"/>, one value per connection.</summary>
    public double[] Read(int coupling, string name) => (double[])_buffers[coupling][Array.IndexOf(_names[coupling], name)].Clone();

    /// <summary>Replaces buffer <paramref name="name"/> of coupling <paramref name="coupling"/> (one value per connection).</summary>
    public void Write(int coupling, string name, double[] values) => values.CopyTo(_buffers[coupling][Array.IndexOf(_names[coupling], name)], 0);

    /// <summary>A group receiving coupling currents: its sources' currents, the layout's rows, and the array its kernel reads.</summary>
    private sealed record Target(int Group, double[] Sourced, int[] Starts, int[] Indices, double[] Injected);
}
