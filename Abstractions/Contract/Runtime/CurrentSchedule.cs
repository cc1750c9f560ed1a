using Meta.Backends.Programs;
namespace Meta.Backends.Runtime;

/// <summary>
/// Follows the amplitudes of a set of current sources step by step, as every backend must (docs/semantics.md: the
/// current of step k is each source's amplitude at t_k). <see cref="Seek"/> sets the amplitudes for any step;
/// <see cref="Advance"/> then reports, without allocating, the sources whose amplitude changes at the next step and by how much.
/// Piecewise-constant sources cost one comparison per step; waveforms (<see cref="CurrentSourceSpec.Waveform"/>) are
/// evaluated only at the steps where they may change.
/// </summary>
public sealed class CurrentSchedule
{
    private readonly CurrentSourceSpec[] _sources;
    private readonly double[] _amplitude;
    private readonly double[] _piecewise;
    private readonly int[] _next;
    private readonly long[] _nextWave;
    private readonly (int Source, double Delta)[] _changes;

    /// <summary>The current source classes this schedule follows: a backend that uses it supports them all.</summary>
    public static IReadOnlySet<string> Kinds { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "DCSource", "StepCurrentSource", "ACSource", "NoisyCurrentSource",
    };

    /// <summary>Creates the schedule of <paramref name="sources"/>, at step 0.</summary>
    public CurrentSchedule(IReadOnlyList<CurrentSourceSpec> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources.ToArray();
        foreach (var s in _sources)
            if (s.ChangeSteps.Length != s.Amplitudes.Length)
                throw new ArgumentException($"Current source {s.Index} ({s.Kind}) has {s.ChangeSteps.Length} change steps but {s.Amplitudes.Length} amplitudes.", nameof(sources));
        _amplitude = new double[_sources.Length];
        _piecewise = new double[_sources.Length];
        _next = new int[_sources.Length];
        _nextWave = new long[_sources.Length];
        _changes = new (int, double)[_sources.Length];
        Seek(0);
    }

    /// <summary>The sources.</summary>
    public IReadOnlyList<CurrentSourceSpec> Sources => _sources;

    /// <summary>The amplitude (nA) of source <paramref name="source"/> at the current step.</summary>
    public double Amplitude(int source) => _amplitude[source];

    /// <summary>Sets every amplitude to its value at <paramref name="step"/>.</summary>
    public void Seek(long step)
    {
        for (int j = 0; j < _sources.Length; j++)
        {
            var s = _sources[j];
            int next = 0;
            while (next < s.ChangeSteps.Length && s.ChangeSteps[next] <= step) next++;
            _next[j] = next;
            _piecewise[j] = next == 0 ? 0 : s.Amplitudes[next - 1];
            if (s.Waveform is { } w)
            {
                _nextWave[j] = w.NextChange(step);
                _amplitude[j] = _piecewise[j] + w.AmplitudeAt(step);
            }
            else
            {
                _nextWave[j] = long.MaxValue;
                _amplitude[j] = _piecewise[j];
            }
        }
    }

    /// <summary>
    /// Moves to <paramref name="step"/> and applies each change: <paramref name="apply"/> adds the change to the source's
    /// targets and returns the group of cells it touched; <paramref name="changed"/> is refilled with those groups, each
    /// once, so a backend can upload each changed group once. Allocates nothing when <paramref name="apply"/> is a
    /// cached delegate.
    /// </summary>
    /// <typeparam name="TGroup">The backend's cell group type.</typeparam>
    public void Advance<TGroup>(long step, Func<int, double, TGroup> apply, List<TGroup> changed) where TGroup : class
    {
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(changed);
        changed.Clear();
        foreach (var (source, delta) in Advance(step))
        {
            var group = apply(source, delta);
            if (!changed.Contains(group)) changed.Add(group);
        }
    }

    /// <summary>
    /// Moves to <paramref name="step"/> (the step after the last one seen) and returns the sources whose amplitude
    /// changes there, with the change in nA. The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<(int Source, double Delta)> Advance(long step)
    {
        int count = 0;
        for (int j = 0; j < _sources.Length; j++)
        {
            var s = _sources[j];
            int next = _next[j];
            bool moved = false;
            while (next < s.ChangeSteps.Length && s.ChangeSteps[next] <= step)
            {
                _piecewise[j] = s.Amplitudes[next++];
                moved = true;
            }
            if (moved) _next[j] = next;
            double amplitude;
            if (_nextWave[j] <= step)
            {
                var w = s.Waveform!;
                _nextWave[j] = w.NextChange(step);
                amplitude = _piecewise[j] + w.AmplitudeAt(step);
            }
            else if (moved) amplitude = s.Waveform is null ? _piecewise[j] : _piecewise[j] + s.Waveform.AmplitudeAt(step);
            else continue;
            if (amplitude == _amplitude[j]) continue;
            _changes[count++] = (j, amplitude - _amplitude[j]);
            _amplitude[j] = amplitude;
        }
        return _changes.AsSpan(0, count);
    }
}
