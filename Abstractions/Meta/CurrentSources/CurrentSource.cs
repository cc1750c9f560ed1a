using Meta.Backends.Programs;
using Meta.Backends.Runtime;
using System.Globalization;
using Meta.Models;
using Meta.Network;
using Meta.Populations;
using Meta.Recording;

namespace Meta.CurrentSources;

/// <summary>
/// A source of current injected into cells (PyNN's electrodes). The current is in nA and acts on the
/// interval [start, stop): the current of step k (covering [k·dt, (k+1)·dt)) changes v from sample k+1 on.
/// Parameters may be changed between runs, through the typed properties or by PyNN name
/// (<see cref="SetParameters(IReadOnlyDictionary{string, object})"/>); the change applies from the next run.
/// </summary>
public abstract class CurrentSource
{
    private readonly List<(Population Population, int[] Indices)> _targets = [];
    private readonly CurrentRecording _recording = new();
    private Simulation? _simulation;

    /// <summary>The PyNN class name.</summary>
    public abstract string Kind { get; }

    /// <summary>A name for the recorded data (the block's name); the class name when null.</summary>
    public string? Label { get; set; }

    /// <summary>The cells this source injects into.</summary>
    public IEnumerable<(Population Population, int Index)> Targets =>
        _targets.SelectMany(t => t.Indices.Select(i => (t.Population, i)));

    /// <summary>The PyNN parameter names this source accepts, in PyNN's order.</summary>
    public abstract IReadOnlyList<string> ParameterNames { get; }

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

    /// <summary>
    /// The parameters by PyNN name (PyNN's <c>get_parameters()</c>): numbers as <see cref="double"/>, the sequences of a
    /// StepCurrentSource as <c>double[]</c> copies.
    /// </summary>
    public IReadOnlyDictionary<string, object> GetParameters() =>
        ParameterNames.ToDictionary(n => n, GetParameter, StringComparer.Ordinal);

    /// <summary>
    /// Sets parameters by PyNN name (PyNN's <c>set_parameters(**kw)</c>); the change applies from the next run. Numbers
    /// may be any numeric type; sequences any <c>IEnumerable</c> of numbers. An unknown name raises
    /// <see cref="NonExistentParameterException"/> (listing the valid names) and nothing is changed.
    /// </summary>
    public void SetParameters(IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var name in values.Keys)
            if (!ParameterNames.Contains(name)) throw new NonExistentParameterException(name, Kind, ParameterNames);
        SetParametersCore(values);
    }

    /// <summary>Sets parameters by PyNN name, e.g. <c>SetParameters(("amplitude", 0.5), ("start", 10.0))</c>.</summary>
    public void SetParameters(params (string Name, object Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dict = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in values) dict[name] = value;
        SetParameters(dict);
    }

    /// <summary>The value of one parameter (a known name).</summary>
    protected abstract object GetParameter(string name);

    /// <summary>Sets parameters whose names are known to be valid.</summary>
    protected abstract void SetParametersCore(IReadOnlyDictionary<string, object> values);

    /// <summary>Whether the injected current is being recorded.</summary>
    public bool IsRecording => _recording.Enabled;

    /// <summary>
    /// Records the current this source injects (PyNN's <c>record()</c>): one sample per step, sample k being the current
    /// of step k, in nA, from the next run on (from t = 0 at the first run after a load or reset).
    /// </summary>
    public void Record() => _recording.Enabled = true;

    /// <summary>Stops recording; the data so far are kept.</summary>
    public void StopRecording() => _recording.Enabled = false;

    /// <summary>
    /// The recorded current (PyNN's <c>get_data()</c>): a block with one segment per run between resets, each holding one
    /// <see cref="AnalogSignal"/> named <c>i</c> in nA with one channel. With <paramref name="clear"/>, the data are then
    /// discarded and recording goes on from the current time, as for populations.
    /// </summary>
    public Block GetData(bool clear = false)
    {
        var sim = _simulation ?? throw new InvalidOperationException($"The {Kind} has no data: it has not been injected into any cells.");
        var block = _recording.GetData(Label ?? Kind, sim.Timestep);
        if (clear) _recording.Clear();
        return block;
    }

    /// <summary>Tells the simulation that parameters changed (call from property setters).</summary>
    protected void Changed() => _simulation?.MarkCurrentSourcesChanged();

    /// <summary>The piecewise-constant part: (step from which it applies, amplitude nA), increasing steps. None by default.</summary>
    protected internal virtual IReadOnlyList<(long Step, double Amplitude)> Schedule(double dt) => [];

    /// <summary>
    /// The lazily evaluated part, or null (the default). <paramref name="seed"/> is the simulation's seed and
    /// <paramref name="stream"/> this source's random stream (<see cref="RandomStreams.NoisyCurrent"/>).
    /// </summary>
    protected internal virtual CurrentWaveform? Waveform(double dt, ulong seed, ulong stream) => null;

    internal IEnumerable<CurrentSourceSpec> ToSpecs(int firstIndex, int sourceIndex, double dt, ulong seed)
    {
        var schedule = Schedule(dt);
        var waveform = Waveform(dt, seed, RandomStreams.NoisyCurrent(sourceIndex));
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
                Waveform = waveform,
            };
        }
    }

    internal CurrentRecording Recording => _recording;

    /// <summary>Rounds a time to the step grid (PyNN: <c>rint(t/dt)</c>).</summary>
    protected static long ToStep(double t, double dt) => t >= 1e15 ? long.MaxValue / 4 : (long)Math.Round(t / dt, MidpointRounding.ToEven);

    /// <summary>A number (not NaN) for parameter <paramref name="name"/>.</summary>
    protected double CheckNumber(double value, string name) =>
        double.IsNaN(value) ? throw new InvalidParameterValueException($"{Kind}.{name} must be a number.") : value;

    /// <summary>A parameter value given by name, as a number.</summary>
    protected double ToNumber(object value, string name) => value switch
    {
        double d => CheckNumber(d, name),
        IConvertible c when value is not string and not bool => CheckNumber(c.ToDouble(CultureInfo.InvariantCulture), name),
        _ => throw new InvalidParameterValueException($"{Kind}.{name} must be a number, got {value?.GetType().Name ?? "null"}."),
    };

    /// <summary>A parameter value given by name, as a sequence of numbers.</summary>
    protected double[] ToNumbers(object value, string name) => value switch
    {
        double[] a => (double[])a.Clone(),
        System.Collections.IEnumerable e when value is not string => e.Cast<object>().Select(x => ToNumber(x, name)).ToArray(),
        _ => throw new InvalidParameterValueException($"{Kind}.{name} must be a sequence of numbers, got {value?.GetType().Name ?? "null"}."),
    };
}

/// <summary>A constant current between start and stop (PyNN's <c>DCSource</c>).</summary>
public sealed class DCSource : CurrentSource
{
    private static readonly string[] Names = ["amplitude", "start", "stop"];
    private double _amplitude = 1.0, _start, _stop = 1e12;

    /// <inheritdoc />
    public override string Kind => "DCSource";
    /// <inheritdoc />
    public override IReadOnlyList<string> ParameterNames => Names;
    /// <summary>The current in nA (default 1.0).</summary>
    public double Amplitude { get => _amplitude; set { _amplitude = CheckNumber(value, "amplitude"); Changed(); } }
    /// <summary>The onset in ms (default 0).</summary>
    public double Start { get => _start; set { _start = CheckNumber(value, "start"); Changed(); } }
    /// <summary>The offset in ms (default 1e12).</summary>
    public double Stop { get => _stop; set { _stop = CheckNumber(value, "stop"); Changed(); } }

    /// <inheritdoc />
    protected override object GetParameter(string name) => name switch
    {
        "amplitude" => _amplitude,
        "start" => _start,
        _ => _stop,
    };

    /// <inheritdoc />
    protected override void SetParametersCore(IReadOnlyDictionary<string, object> values)
    {
        var a = values.TryGetValue("amplitude", out var v) ? ToNumber(v, "amplitude") : _amplitude;
        var s = values.TryGetValue("start", out v) ? ToNumber(v, "start") : _start;
        var e = values.TryGetValue("stop", out v) ? ToNumber(v, "stop") : _stop;
        (_amplitude, _start, _stop) = (a, s, e);
        Changed();
    }

    /// <inheritdoc />
    protected internal override IReadOnlyList<(long Step, double Amplitude)> Schedule(double dt)
    {
        long a = ToStep(_start, dt), b = ToStep(_stop, dt);
        return b <= a ? [] : [(a, _amplitude), (b, 0.0)];
    }
}

/// <summary>
/// A piecewise-constant current (PyNN's <c>StepCurrentSource</c>): amplitudes[i] from times[i] on, the last held
/// to the end, 0 before the first. Times are rounded to the time step; later duplicates win.
/// </summary>
public sealed class StepCurrentSource : CurrentSource
{
    private static readonly string[] Names = ["amplitudes", "times"];
    private double[] _times = [];
    private double[] _amplitudes = [];

    /// <summary>Creates a step source.</summary>
    public StepCurrentSource(double[] times, double[] amplitudes) => SetSteps(times, amplitudes);

    /// <inheritdoc />
    public override string Kind => "StepCurrentSource";
    /// <inheritdoc />
    public override IReadOnlyList<string> ParameterNames => Names;
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
            if (double.IsNaN(times[i]) || double.IsNaN(amplitudes[i]))
                throw new InvalidParameterValueException("StepCurrentSource: times and amplitudes must be numbers.");
            if (times[i] < 0) throw new InvalidParameterValueException($"StepCurrentSource: times must be ≥ 0, got {times[i]}.");
            if (i > 0 && times[i] <= times[i - 1])
                throw new InvalidParameterValueException($"StepCurrentSource: times must increase, got {times[i - 1]} then {times[i]}.");
        }
        _times = (double[])times.Clone();
        _amplitudes = (double[])amplitudes.Clone();
        Changed();
    }

    /// <inheritdoc />
    protected override object GetParameter(string name) => name == "times" ? _times.Clone() : _amplitudes.Clone();

    /// <inheritdoc />
    protected override void SetParametersCore(IReadOnlyDictionary<string, object> values) => SetSteps(
        values.TryGetValue("times", out var t) ? ToNumbers(t, "times") : _times,
        values.TryGetValue("amplitudes", out var a) ? ToNumbers(a, "amplitudes") : _amplitudes);

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

/// <summary>
/// A sinusoidal current (PyNN's <c>ACSource</c>): <c>offset + amplitude·sin(2π·frequency·(t − start)/1000 + phase·π/180)</c>
/// on [start, stop), 0 outside. The phase refers to <c>start</c>; the current of step k is the waveform at <c>t_k = k·dt</c>.
/// </summary>
public sealed class ACSource : CurrentSource
{
    private static readonly string[] Names = ["amplitude", "start", "stop", "frequency", "offset", "phase"];
    private double _amplitude = 1.0, _start, _stop = 1e12, _frequency = 10.0, _offset, _phase;

    /// <inheritdoc />
    public override string Kind => "ACSource";
    /// <inheritdoc />
    public override IReadOnlyList<string> ParameterNames => Names;
    /// <summary>The amplitude of the sine in nA (default 1.0).</summary>
    public double Amplitude { get => _amplitude; set { _amplitude = CheckNumber(value, "amplitude"); Changed(); } }
    /// <summary>The onset in ms, also the phase reference (default 0).</summary>
    public double Start { get => _start; set { _start = CheckNumber(value, "start"); Changed(); } }
    /// <summary>The offset in ms (default 1e12).</summary>
    public double Stop { get => _stop; set { _stop = CheckNumber(value, "stop"); Changed(); } }
    /// <summary>The frequency in Hz (default 10).</summary>
    public double Frequency { get => _frequency; set { _frequency = CheckNumber(value, "frequency"); Changed(); } }
    /// <summary>The constant added to the sine in nA (default 0).</summary>
    public double Offset { get => _offset; set { _offset = CheckNumber(value, "offset"); Changed(); } }
    /// <summary>The phase at <see cref="Start"/> in degrees (default 0).</summary>
    public double Phase { get => _phase; set { _phase = CheckNumber(value, "phase"); Changed(); } }

    /// <inheritdoc />
    protected override object GetParameter(string name) => name switch
    {
        "amplitude" => _amplitude,
        "start" => _start,
        "stop" => _stop,
        "frequency" => _frequency,
        "offset" => _offset,
        _ => _phase,
    };

    /// <inheritdoc />
    protected override void SetParametersCore(IReadOnlyDictionary<string, object> values)
    {
        double Get(string name, double current) => values.TryGetValue(name, out var v) ? ToNumber(v, name) : current;
        var next = (Get("amplitude", _amplitude), Get("start", _start), Get("stop", _stop), Get("frequency", _frequency),
            Get("offset", _offset), Get("phase", _phase));
        (_amplitude, _start, _stop, _frequency, _offset, _phase) = next;
        Changed();
    }

    /// <inheritdoc />
    protected internal override CurrentWaveform? Waveform(double dt, ulong seed, ulong stream) => new SineWaveform
    {
        StartStep = ToStep(_start, dt),
        StopStep = ToStep(_stop, dt),
        Timestep = dt,
        Start = _start,
        Amplitude = _amplitude,
        Offset = _offset,
        Frequency = _frequency,
        Phase = _phase,
    };
}

/// <summary>
/// A noisy current (PyNN's <c>NoisyCurrentSource</c>): <c>mean + stdev·N(0, 1)</c> on [start, stop), 0 outside, with a new
/// draw every <c>max(dt, simulation dt)</c> ms (rounded to whole steps) and constant in between. The draws come from the
/// simulation's seed through a counter-based stream of their own (<see cref="RandomStreams.NoisyCurrent"/>), so every
/// backend injects the same noise. A source has one realisation, shared by all the cells it injects into.
/// </summary>
public sealed class NoisyCurrentSource : CurrentSource
{
    private static readonly string[] Names = ["mean", "stdev", "start", "stop", "dt"];
    private double _mean, _stdev = 1.0, _start, _stop = 1e12, _dt = 0.1;

    /// <inheritdoc />
    public override string Kind => "NoisyCurrentSource";
    /// <inheritdoc />
    public override IReadOnlyList<string> ParameterNames => Names;
    /// <summary>The mean in nA (default 0).</summary>
    public double Mean { get => _mean; set { _mean = CheckNumber(value, "mean"); Changed(); } }
    /// <summary>The standard deviation in nA (default 1.0, at least 0).</summary>
    public double Stdev { get => _stdev; set { _stdev = CheckStdev(value); Changed(); } }
    /// <summary>The onset in ms (default 0).</summary>
    public double Start { get => _start; set { _start = CheckNumber(value, "start"); Changed(); } }
    /// <summary>The offset in ms (default 1e12).</summary>
    public double Stop { get => _stop; set { _stop = CheckNumber(value, "stop"); Changed(); } }
    /// <summary>The interval between draws in ms (default 0.1; below the simulation's time step, one draw per step).</summary>
    public double Dt { get => _dt; set { _dt = CheckDt(value); Changed(); } }

    /// <inheritdoc />
    protected override object GetParameter(string name) => name switch
    {
        "mean" => _mean,
        "stdev" => _stdev,
        "start" => _start,
        "stop" => _stop,
        _ => _dt,
    };

    /// <inheritdoc />
    protected override void SetParametersCore(IReadOnlyDictionary<string, object> values)
    {
        double Get(string name, double current) => values.TryGetValue(name, out var v) ? ToNumber(v, name) : current;
        var next = (Get("mean", _mean), CheckStdev(Get("stdev", _stdev)), Get("start", _start), Get("stop", _stop), CheckDt(Get("dt", _dt)));
        (_mean, _stdev, _start, _stop, _dt) = next;
        Changed();
    }

    private double CheckStdev(double v) => CheckNumber(v, "stdev") >= 0 ? v
        : throw new InvalidParameterValueException($"NoisyCurrentSource.stdev must be ≥ 0, got {v}.");

    private double CheckDt(double v) => CheckNumber(v, "dt") > 0 && double.IsFinite(v) ? v
        : throw new InvalidParameterValueException($"NoisyCurrentSource.dt must be a positive number of ms, got {v}.");

    /// <inheritdoc />
    protected internal override CurrentWaveform? Waveform(double dt, ulong seed, ulong stream) => new NoiseWaveform
    {
        StartStep = ToStep(_start, dt),
        StopStep = ToStep(_stop, dt),
        Seed = seed,
        Stream = stream,
        Mean = _mean,
        Stdev = _stdev,
        IntervalSteps = Math.Max(1, (long)Math.Round(Math.Max(_dt, dt) / dt, MidpointRounding.ToEven)),
    };
}
