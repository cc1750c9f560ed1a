using Meta.Random;

namespace Meta.Backends.Runtime;

/// <summary>
/// A current waveform that <see cref="CurrentSchedule"/> evaluates step by step instead of from a list of changes
/// (sources with a new value at every step, or with no end). It is zero outside <c>[StartStep, StopStep)</c>.
/// The records are plain data, so a backend may also evaluate them itself; it must then give the same values.
/// </summary>
public abstract record CurrentWaveform
{
    /// <summary>The first step with a non-zero current: <c>round(start/dt)</c>.</summary>
    public required long StartStep { get; init; }
    /// <summary>The first step after the current: <c>round(stop/dt)</c>.</summary>
    public required long StopStep { get; init; }

    /// <summary>The current (nA) of step <paramref name="step"/>, which lies in <c>[StartStep, StopStep)</c>.</summary>
    protected abstract double ValueAt(long step);

    /// <summary>The first step after <paramref name="step"/>, inside the window, at which the value may change.</summary>
    protected abstract long NextChangeInside(long step);

    /// <summary>The current (nA) of step <paramref name="step"/>: 0 outside <c>[StartStep, StopStep)</c>.</summary>
    public double AmplitudeAt(long step) => step >= StartStep && step < StopStep ? ValueAt(step) : 0.0;

    /// <summary>
    /// The first step after <paramref name="step"/> at which the current may change (the start, a new value inside the
    /// window, or the stop), or <see cref="long.MaxValue"/> when it never changes again.
    /// </summary>
    public long NextChange(long step)
    {
        if (StopStep <= StartStep) return long.MaxValue;
        if (step < StartStep) return StartStep;
        if (step >= StopStep) return long.MaxValue;
        return Math.Min(NextChangeInside(step), StopStep);
    }
}

/// <summary>
/// PyNN's <c>ACSource</c>: <c>offset + amplitude·sin(2π·frequency·(t_k − start)/1000 + phase·π/180)</c> at
/// <c>t_k = k·dt</c>. The phase refers to <c>start</c>. A new value at every step of the window.
/// </summary>
public sealed record SineWaveform : CurrentWaveform
{
    /// <summary>The time step in ms.</summary>
    public required double Timestep { get; init; }
    /// <summary>The start time in ms (the phase reference; not rounded).</summary>
    public required double Start { get; init; }
    /// <summary>The amplitude in nA.</summary>
    public required double Amplitude { get; init; }
    /// <summary>The offset in nA.</summary>
    public required double Offset { get; init; }
    /// <summary>The frequency in Hz.</summary>
    public required double Frequency { get; init; }
    /// <summary>The phase at <see cref="Start"/> in degrees.</summary>
    public required double Phase { get; init; }

    /// <inheritdoc />
    protected override double ValueAt(long step) =>
        Offset + Amplitude * Math.Sin(2 * Math.PI * Frequency * (step * Timestep - Start) / 1000.0 + Phase * Math.PI / 180.0);

    /// <inheritdoc />
    protected override long NextChangeInside(long step) => step + 1;
}

/// <summary>
/// PyNN's <c>NoisyCurrentSource</c>: <c>mean + stdev·N(0,1)</c>, a new draw every <see cref="IntervalSteps"/> steps from
/// <see cref="CurrentWaveform.StartStep"/>, constant in between. Draw j is <see cref="StandardNormal"/>(seed, stream, j), so
/// the noise depends only on (seed, stream, step), never on the backend or the order of evaluation.
/// </summary>
public sealed record NoiseWaveform : CurrentWaveform
{
    /// <summary>The simulation seed (the Philox key).</summary>
    public required ulong Seed { get; init; }
    /// <summary>The random stream (<see cref="RandomStreams.NoisyCurrent"/>).</summary>
    public required ulong Stream { get; init; }
    /// <summary>The mean in nA.</summary>
    public required double Mean { get; init; }
    /// <summary>The standard deviation in nA.</summary>
    public required double Stdev { get; init; }
    /// <summary>Steps between draws (at least 1): <c>max(1, round(noise_dt/dt))</c>.</summary>
    public required long IntervalSteps { get; init; }

    /// <inheritdoc />
    protected override double ValueAt(long step) =>
        Mean + Stdev * StandardNormal(Seed, Stream, (ulong)((step - StartStep) / Math.Max(1, IntervalSteps)));

    /// <inheritdoc />
    protected override long NextChangeInside(long step)
    {
        long interval = Math.Max(1, IntervalSteps);
        return StartStep + ((step - StartStep) / interval + 1) * interval;
    }

    /// <summary>
    /// Draw <paramref name="index"/> of a standard normal stream: the Philox4x32-10 block with key <paramref name="seed"/> and
    /// counter (index, stream), as in <see cref="Philox.Uniform"/>, gives <c>u1 = ToUnitDouble(r0, r1)</c> and
    /// <c>u2 = ToUnitDouble(r2, r3)</c>; the value is the Box–Muller <c>sqrt(−2·ln(1 − u1))·cos(2π·u2)</c>.
    /// </summary>
    public static double StandardNormal(ulong seed, ulong stream, ulong index)
    {
        Philox.Generate((uint)seed, (uint)(seed >> 32), (uint)index, (uint)(index >> 32), (uint)stream, (uint)(stream >> 32),
            out uint r0, out uint r1, out uint r2, out uint r3);
        double u1 = Philox.ToUnitDouble(r0, r1), u2 = Philox.ToUnitDouble(r2, r3);
        return Math.Sqrt(-2.0 * Math.Log(1.0 - u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
