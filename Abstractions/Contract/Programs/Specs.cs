using Meta.Backends.Runtime;

namespace Meta.Backends.Programs;

/// <summary>
/// A current source: the current of step k (covering [k·dt, (k+1)·dt)), injected into every target cell, is the value of a
/// piecewise-constant schedule (from step <c>ChangeSteps[j]</c> on, <c>Amplitudes[j]</c> nA; 0 before the first change)
/// plus, when <see cref="Waveform"/> is set, the waveform's value at step k. DC and step sources use the schedule only;
/// AC and noise sources use a waveform only, because they change at every step and may never end.
/// <see cref="CurrentSchedule"/> evaluates both; backends follow it rather than reading these fields.
/// </summary>
public sealed class CurrentSourceSpec
{
    /// <summary>Position in <see cref="StepProgram.CurrentSources"/>.</summary>
    public required int Index { get; init; }
    /// <summary>The PyNN class name (DCSource, StepCurrentSource, ACSource, NoisyCurrentSource).</summary>
    public required string Kind { get; init; }
    /// <summary>The target population index.</summary>
    public required int Population { get; init; }
    /// <summary>Target cell indices within the population.</summary>
    public required int[] Cells { get; init; }
    /// <summary>Steps at which the piecewise-constant part changes, increasing (empty for none).</summary>
    public long[] ChangeSteps { get; init; } = [];
    /// <summary>The amplitude (nA) of the piecewise-constant part from each change on.</summary>
    public double[] Amplitudes { get; init; } = [];
    /// <summary>A lazily evaluated waveform added to the piecewise-constant part, or null.</summary>
    public CurrentWaveform? Waveform { get; init; }
}

/// <summary>A request to record one variable of some cells of one population.</summary>
public sealed class RecorderSpec
{
    /// <summary>Position in <see cref="StepProgram.Recorders"/>; run results refer to it.</summary>
    public required int Index { get; init; }
    /// <summary>The population index.</summary>
    public required int Population { get; init; }
    /// <summary><c>spikes</c> or a state variable name.</summary>
    public required string Variable { get; init; }
    /// <summary>The recorded cells (indices within the population, increasing).</summary>
    public required int[] Cells { get; init; }
    /// <summary>The sampling interval in steps (analog variables; 1 for every step).</summary>
    public required int IntervalSteps { get; init; }
    /// <summary>Whether this records spikes.</summary>
    public bool IsSpikes => Variable == "spikes";

    /// <summary>The number of samples of time indices in [<paramref name="first"/>, <paramref name="last"/>]: the multiples of the interval.</summary>
    public long SampleCount(long first, long last)
    {
        if (last < first) return 0;
        long m = IntervalSteps;
        return Math.Max(0, last / m - (first + m - 1) / m + 1);
    }
}
