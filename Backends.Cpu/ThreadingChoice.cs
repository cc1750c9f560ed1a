using System.Runtime.CompilerServices;

namespace Meta.Backends.Cpu;

/// <summary>
/// Decides from measured step times whether the neuron update runs on the worker threads or on the calling thread alone,
/// so that a second thread never makes a run slower. It times whole steps (neuron update, spike listing, delivery and
/// sampling: a second thread can make the single-threaded phases slower, for instance by leaving the cells' cache lines
/// on the other core), in short blocks alone and on the workers, alternately; it keeps the workers only when the median
/// of the adjacent blocks' ratios says they are faster by a margin. While the workers run it keeps timing the steps and,
/// as soon as they are slower than the single-thread measurement (or much slower than their own), measures afresh, both
/// ways side by side (reason "fallback"): a step time that drifts with the network's activity does not make the workers
/// lose to a single-thread time from an earlier moment. Only when that measurement also picks one thread does the choice
/// fall back, until a later measurement, after a stretch that doubles with each fall-back in a row, so that a busy
/// machine, where the workers are often descheduled, is not paying for measurement after measurement. Steps on
/// the workers in which no worker took a chunk (the calling thread did all, the workers not being scheduled) do not count
/// as a gain: the workers are kept only while they take part in at least <see cref="MinHelped"/> of the steps. When
/// <see cref="Busy"/> says other work fills the cores, no measurement is made (a spinning worker would only take time
/// from the calling thread): one thread until the next planned look, which comes later each time it is still busy. While
/// it has no verdict yet (only before its first: <see cref="MachineLoad"/> judges its first window from the first step of
/// the engine's first run, and answers later looks that come before a fresh window is long enough with its last
/// verdict) the steps run alone and it is asked again each step, so the first measurement waits for a verdict rather
/// than being paid for against a core held by other work; planned, fall-back and slowdown measurements start at once.
/// Which way runs never changes the results (every cell takes the
/// same arithmetic path whatever thread updates it).
/// </summary>
internal sealed class ThreadingChoice
{
    /// <summary>Steps in each block of a measurement and in each window watched between measurements; the first step after a switch is not counted.</summary>
    internal const int BlockSteps = 16;
    /// <summary>Blocks timed each way per measurement (alternating, single first): the decision takes the median of their ratios.</summary>
    internal const int BlocksEachWay = 6;
    /// <summary>Steps run the chosen way before measuring again; doubled (up to <see cref="MaxStepsBetweenMeasurements"/>) each time a measurement confirms the last choice.</summary>
    internal const int StepsBetweenMeasurements = 1024;
    /// <summary>The longest stretch between measurements.</summary>
    internal const int MaxStepsBetweenMeasurements = 8192;
    /// <summary>The workers are kept only when a step on them takes at most this fraction of a single-threaded step (median of the block ratios).</summary>
    internal const double Margin = 0.95;
    /// <summary>Windows whose median is compared, while the chosen way runs, with the measurement.</summary>
    internal const int WatchWindows = 5;
    /// <summary>While the workers run, a median window this many times the single-thread step time starts a fresh measurement (reason "fallback").</summary>
    internal const double Fallback = 1.03;
    /// <summary>The fraction of steps on the workers in which a worker must have run a chunk, in a measurement and while they run, for them to be kept.</summary>
    internal const double MinHelped = 0.5;
    /// <summary>While the workers run, a median window this many times their measured step time (but not slower than one thread as measured) starts a new measurement (reason "slowdown"; only reached where the workers' ratio is under 1.03 / 1.5 ≈ 0.69).</summary>
    internal const double Slowdown = 1.5;

    private readonly double[] _single = new double[BlocksEachWay], _parallel = new double[BlocksEachWay];
    private readonly double[] _windows = new double[WatchWindows];
    private readonly double[] _scratch = new double[Math.Max(BlocksEachWay, WatchWindows)];
    private long _sum;
    private int _helped;
    private readonly int[] _windowHelped = new int[WatchWindows];
    private int _block, _stepInBlock, _windowCount;
    private long _chosenSteps, _measurementStart;
    private double _singlePerStep, _parallelPerStep;
    private bool _measuring = true;
    private bool? _lastChoice;
    private int _between = StepsBetweenMeasurements;
    /// <summary>Steps alone after a fall-back before the workers are tried again: doubled by each fall-back, reset when the workers last until a planned measurement.</summary>
    private int _retry = StepsBetweenMeasurements;
    private string _reason = "start";

    /// <summary>Called with every decision (after each measurement, and at each fall-back), for logging.</summary>
    public Action<ThreadingDecision>? Decided { get; set; }

    /// <summary>
    /// Asked before each measurement: true skips it (reason "busy") and keeps one thread; null (no verdict yet) keeps one
    /// thread for the coming step and asks again at the next, so it must be cheap when it answers null, and should say
    /// null only until its first verdict (a later null would hold back every measurement, the workers' included).
    /// </summary>
    public Func<bool?>? Busy { get; set; }

    /// <summary>Whether the coming step should use the worker threads.</summary>
    public bool Parallel { get; private set; }

    /// <summary>Steps run on the workers and on the calling thread alone, since the engine was loaded.</summary>
    public (long Parallel, long Single) Steps { get; private set; }

    /// <summary>Measurements made, and fall-backs (measurements started because the workers lost while they ran that picked one thread), since the engine was loaded.</summary>
    public (int Measurements, int Fallbacks) Counts { get; private set; }

    /// <summary>
    /// Takes the time (any unit) of the whole step just run, the way <see cref="Parallel"/> said, and, for a step on the
    /// workers, whether a worker ran part of it (<paramref name="helped"/>; ignored for a step alone).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(long elapsed, bool helped = true)
    {
        Steps = Parallel ? (Steps.Parallel + 1, Steps.Single) : (Steps.Parallel, Steps.Single + 1);
        if (Parallel && helped) _helped++;
        if (_measuring) Measure(elapsed);
        else Watch(elapsed);
    }

    private long StepCount => Steps.Parallel + Steps.Single;

    private void Measure(long elapsed)
    {
        bool? busy = _block == 0 && _stepInBlock == 0 && Busy is { } ask ? ask() : false;
        // No verdict yet (the engine's first run has just begun): one thread, and the same question at the next step. A
        // measurement now could not be won against other work that fills the cores, and would be paid for.
        if (busy is null) return;
        if (_block == 0 && _stepInBlock == 0) _measurementStart = StepCount - 1;
        if (busy.Value)
        {
            Parallel = false;
            _lastChoice = false;
            _between = _retry;
            _retry = Math.Min(2 * _retry, MaxStepsBetweenMeasurements);
            Commit();
            Decided?.Invoke(new ThreadingDecision(_measurementStart, StepCount, "busy", false, 0, 0, 0, 0, 0, _between));
            return;
        }
        // The first step of a block may still pay for the switch (waking the workers, cold caches): not counted.
        if (_stepInBlock > 0) _sum += elapsed;
        if (++_stepInBlock < BlockSteps) return;
        (Parallel ? _parallel : _single)[_block / 2] = _sum / (double)(BlockSteps - 1);
        _sum = 0;
        _stepInBlock = 0;
        _block++;
        if (_block < 2 * BlocksEachWay)
        {
            Parallel = _block % 2 == 1;
            return;
        }
        // Adjacent blocks saw nearly the same network activity: their ratio is the workers' gain, whatever the activity.
        for (int i = 0; i < BlocksEachWay; i++)
            _scratch[i] = _single[i] > 0 ? _parallel[i] / _single[i] : _parallel[i] > 0 ? double.PositiveInfinity : 1;
        double ratio = Median(_scratch, BlocksEachWay);
        _singlePerStep = Median(_single, BlocksEachWay);
        _parallelPerStep = Median(_parallel, BlocksEachWay);
        // A gain measured while the workers hardly ran is the single blocks' bad luck (descheduled), not the workers' work.
        double helpedFraction = _helped / (double)(BlocksEachWay * BlockSteps);
        Parallel = ratio <= Margin && helpedFraction >= MinHelped;
        bool fellBack = _reason == "fallback" && !Parallel;
        if (fellBack)
        {
            // The workers lost while they ran and lose side by side too: one thread for a stretch that doubles with each fall-back in a row.
            _between = _retry;
            _retry = Math.Min(2 * _retry, MaxStepsBetweenMeasurements);
        }
        else _between = _lastChoice == Parallel ? Math.Min(2 * _between, MaxStepsBetweenMeasurements) : StepsBetweenMeasurements;
        _lastChoice = Parallel;
        Counts = (Counts.Measurements + 1, Counts.Fallbacks + (fellBack ? 1 : 0));
        Commit();
        Decided?.Invoke(new ThreadingDecision(_measurementStart, StepCount, _reason, Parallel, _singlePerStep, _parallelPerStep, ratio, helpedFraction, BlocksEachWay * (BlockSteps - 1), _between));
    }

    private void Commit()
    {
        _measuring = false;
        _chosenSteps = 0;
        _windowCount = 0;
        _sum = 0;
        _stepInBlock = 0;
        _helped = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Watch(long elapsed)
    {
        // The first step after a switch is not counted, as in a measurement; then windows of BlockSteps steps.
        if (++_chosenSteps > 1)
        {
            _sum += elapsed;
            if (++_stepInBlock == BlockSteps)
            {
                _windowHelped[_windowCount % WatchWindows] = _helped;
                _helped = 0;
                _windows[_windowCount++ % WatchWindows] = _sum / (double)BlockSteps;
                _sum = 0;
                _stepInBlock = 0;
                int windows = Math.Min(_windowCount, WatchWindows);
                if (_windowCount >= 3 && Check(Median(_windows, windows), SumHelped(windows) / (double)(windows * BlockSteps))) return;
            }
        }
        if (_chosenSteps < _between) return;
        if (Parallel) _retry = StepsBetweenMeasurements;
        Start("planned");
    }

    /// <summary>The steps helped by a worker in the last <paramref name="windows"/> windows (no allocation: it runs every <see cref="BlockSteps"/> steps).</summary>
    private int SumHelped(int windows)
    {
        int sum = 0;
        foreach (int h in _windowHelped.AsSpan(0, windows)) sum += h;
        return sum;
    }

    /// <summary>Compares the median of the last windows with the measurement; true when it started a measurement.</summary>
    private bool Check(double median, double helped)
    {
        if (Parallel && (median > Fallback * _singlePerStep || helped < MinHelped))
        {
            // Tripped at the first look after a fresh measurement that kept them, following such a trip: the workers win
            // only in short stretches (as long as a block) and lose once they run on. Measuring again would repeat it.
            if (_windowCount == 3 && _reason == "fallback")
            {
                Parallel = false;
                _lastChoice = false;
                _between = _retry;
                _retry = Math.Min(2 * _retry, MaxStepsBetweenMeasurements);
                Counts = (Counts.Measurements, Counts.Fallbacks + 1);
                Decided?.Invoke(new ThreadingDecision(StepCount, StepCount, "fallback", false, _singlePerStep, median, median / _singlePerStep, helped, 3 * BlockSteps, _between));
                Commit();
                return true;
            }
            // The workers now lose to the single thread as it was measured some time ago, or hardly take part: measure
            // both ways afresh, side by side, rather than compare with an old single-thread time (the activity drifts).
            Start("fallback");
            return true;
        }
        // One thread that slows down is not measured again early: on a busy machine the workers would lose even more.
        if (Parallel && median > Slowdown * _parallelPerStep)
        {
            _between = StepsBetweenMeasurements;
            Start("slowdown");
            return true;
        }
        return false;
    }

    private void Start(string reason)
    {
        _measuring = true;
        _reason = reason;
        _measurementStart = StepCount;
        _block = _stepInBlock = 0;
        _sum = 0;
        _helped = 0;
        Parallel = false;
    }

    private double Median(double[] values, int count)
    {
        if (!ReferenceEquals(values, _scratch)) Array.Copy(values, _scratch, count);
        Array.Sort(_scratch, 0, count);
        return count % 2 == 1 ? _scratch[count / 2] : (_scratch[count / 2 - 1] + _scratch[count / 2]) / 2;
    }
}
