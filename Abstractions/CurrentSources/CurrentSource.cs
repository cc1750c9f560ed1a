using Meta.Models;
using Meta.Network;
using Meta.Populations;

namespace Meta.CurrentSources;

/// <summary>
/// A source of current injected into cells (PyNN's electrodes). The current is in nA and acts on the
/// interval [start, stop): the current of step k (covering [k·dt, (k+1)·dt)) changes v from sample k+1 on.
/// Parameters may be changed between runs; the change applies from the next run.
/// </summary>
public abstract class CurrentSource
{
    private readonly List<(Population Population, int[] Indices)> _targets = [];
    private Simulation? _simulation;

    /// <summary>The PyNN class name.</summary>
    public abstract string Kind { get; }

    /// <summary>The cells this source injects into.</summary>
    public IEnumerable<(Population Population, int Index)> Targets =>
        _targets.SelectMany(t => t.Indices.Select(i => (t.Population, i)));

    /// <summary>Injects into every cell of <paramref name="cells"/> (PyNN's <c>inject_into</c>).</summary>
    public void InjectInto(CellCollection cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        foreach (var part in cells.Parts)
            if (!part.Population.CellType.Model.Injectable || part.Population.CellType.Model.Kind == ModelKind.SpikeSource)
                throw new ArgumentException($"Cannot inject current into '{part.Population.Label}': {part.Population.CellType.Name} is not injectable.", nameof(cells));
        if (_simulation is not null && _simulation != cells.Simulation)
            throw new ArgumentException("A current source cannot inject into cells of two simulations.", nameof(cells));
        _simulation = cells.Simulation;
        foreach (var part in cells.Parts) _targets.Add((part.Population, part.Indices));
        _simulation.AddCurrentSource(this);
        Changed();
    }

    /// <summary>Tells the simulation that parameters changed (call from property setters).</summary>
    protected void Changed() => _simulation?.MarkCurrentSourcesChanged();

    /// <summary>The piecewise-constant schedule: (step from which it applies, amplitude nA), increasing steps.</summary>
    protected internal abstract IReadOnlyList<(long Step, double Amplitude)> Schedule(double dt);

    internal IEnumerable<CurrentSourceSpec> ToSpecs(int firstIndex, double dt)
    {
        var schedule = Schedule(dt);
        int index = firstIndex;
        foreach (var group in _targets.GroupBy(t => t.Population))
        {
            yield return new CurrentSourceSpec
            {
                Index = index++,
                Kind = Kind,
                Population = group.Key.Index,
                Cells = group.SelectMany(t => t.Indices).Distinct().Order().ToArray(),
                ChangeSteps = schedule.Select(s => s.Step).ToArray(),
                Amplitudes = schedule.Select(s => s.Amplitude).ToArray(),
            };
        }
    }

    /// <summary>Rounds a time to the step grid (PyNN: <c>rint(t/dt)</c>).</summary>
    protected static long ToStep(double t, double dt) => t >= 1e15 ? long.MaxValue / 4 : (long)Math.Round(t / dt, MidpointRounding.ToEven);
}

/// <summary>A constant current between start and stop (PyNN's <c>DCSource</c>).</summary>
public sealed class DCSource : CurrentSource
{
    private double _amplitude = 1.0, _start, _stop = 1e12;

    /// <inheritdoc />
    public override string Kind => "DCSource";
    /// <summary>The current in nA (default 1.0).</summary>
    public double Amplitude { get => _amplitude; set { _amplitude = Check(value, nameof(Amplitude)); Changed(); } }
    /// <summary>The onset in ms (default 0).</summary>
    public double Start { get => _start; set { _start = Check(value, nameof(Start)); Changed(); } }
    /// <summary>The offset in ms (default 1e12).</summary>
    public double Stop { get => _stop; set { _stop = Check(value, nameof(Stop)); Changed(); } }

    /// <inheritdoc />
    protected internal override IReadOnlyList<(long Step, double Amplitude)> Schedule(double dt)
    {
        long a = ToStep(_start, dt), b = ToStep(_stop, dt);
        return b <= a ? [] : [(a, _amplitude), (b, 0.0)];
    }

    private static double Check(double v, string name) =>
        double.IsNaN(v) ? throw new InvalidParameterValueException($"DCSource.{name} must be a number.") : v;
}

/// <summary>
/// A piecewise-constant current (PyNN's <c>StepCurrentSource</c>): amplitudes[i] from times[i] on, the last held
/// to the end, 0 before the first. Times are rounded to the time step; later duplicates win.
/// </summary>
public sealed class StepCurrentSource : CurrentSource
{
    private double[] _times = [];
    private double[] _amplitudes = [];

    /// <summary>Creates a step source.</summary>
    public StepCurrentSource(double[] times, double[] amplitudes) => SetSteps(times, amplitudes);

    /// <inheritdoc />
    public override string Kind => "StepCurrentSource";
    /// <summary>The step times in ms.</summary>
    public IReadOnlyList<double> Times => _times;
    /// <summary>The amplitudes in nA.</summary>
    public IReadOnlyList<double> Amplitudes => _amplitudes;

    /// <summary>Replaces times and amplitudes (PyNN's <c>set_parameters(times=..., amplitudes=...)</c>).</summary>
    public void SetSteps(double[] times, double[] amplitudes)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(amplitudes);
        if (times.Length != amplitudes.Length)
            throw new InvalidParameterValueException($"StepCurrentSource: {times.Length} times but {amplitudes.Length} amplitudes.");
        for (int i = 0; i < times.Length; i++)
        {
            if (times[i] < 0) throw new InvalidParameterValueException($"StepCurrentSource: times must be ≥ 0, got {times[i]}.");
            if (i > 0 && times[i] <= times[i - 1])
                throw new InvalidParameterValueException($"StepCurrentSource: times must increase, got {times[i - 1]} then {times[i]}.");
        }
        _times = (double[])times.Clone();
        _amplitudes = (double[])amplitudes.Clone();
        Changed();
    }

    /// <inheritdoc />
    protected internal override IReadOnlyList<(long Step, double Amplitude)> Schedule(double dt)
    {
        var result = new List<(long Step, double Amplitude)>();
        for (int i = 0; i < _times.Length; i++)
        {
            long step = ToStep(_times[i], dt);
            if (result.Count > 0 && result[^1].Step == step) result[^1] = (step, _amplitudes[i]);
            else result.Add((step, _amplitudes[i]));
        }
        return result;
    }
}
