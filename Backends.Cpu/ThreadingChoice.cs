namespace Meta.Backends.Cpu;

/// <summary>
/// Decides from measured step times whether the neuron update runs on the worker threads or on the calling thread alone,
/// so that a second thread never makes a run slower: it times blocks of steps each way, alternately, keeps the faster for
/// a while, and measures again (the machine's load changes). It also measures again early when the steps of the chosen way
/// become much slower than they were measured. Which way runs never changes the results (every cell takes the same
/// arithmetic path whatever thread updates it).
/// </summary>
internal sealed class ThreadingChoice
{
    /// <summary>Steps timed in each block of a measurement.</summary>
    internal const int BlockSteps = 32;
    /// <summary>Blocks timed each way per measurement (alternating, single first).</summary>
    internal const int BlocksEachWay = 2;
    /// <summary>Steps run the chosen way before measuring again; doubled (up to <see cref="MaxStepsBetweenMeasurements"/>) each time a measurement confirms the last choice.</summary>
    internal const int StepsBetweenMeasurements = 2048;
    /// <summary>The longest stretch between measurements.</summary>
    internal const int MaxStepsBetweenMeasurements = 16384;
    /// <summary>The workers are kept only when they take at most this fraction of the single thread's time.</summary>
    internal const double Margin = 0.9;
    /// <summary>A window of chosen-way steps this many times slower than measured starts a new measurement.</summary>
    internal const double Slowdown = 1.5;

    private long _single, _parallel;
    private int _block, _stepInBlock, _chosenSteps;
    private long _window;
    private double _chosenPerStep;
    private bool _measuring = true;
    private bool? _lastChoice;
    private int _between = StepsBetweenMeasurements;

    /// <summary>Whether the coming step should use the worker threads.</summary>
    public bool Parallel { get; private set; }

    /// <summary>Steps run on the workers and on the calling thread alone, since the engine was loaded.</summary>
    public (long Parallel, long Single) Steps { get; private set; }

    /// <summary>Takes the time (any unit) of the step just run, the way <see cref="Parallel"/> said.</summary>
    public void Record(long elapsed)
    {
        Steps = Parallel ? (Steps.Parallel + 1, Steps.Single) : (Steps.Parallel, Steps.Single + 1);
        if (_measuring) Measure(elapsed);
        else Watch(elapsed);
    }

    private void Measure(long elapsed)
    {
        // The first step of a block may still pay for the switch (waking the workers, cold caches): not counted.
        if (_stepInBlock > 0)
        {
            if (Parallel) _parallel += elapsed;
            else _single += elapsed;
        }
        if (++_stepInBlock < BlockSteps) return;
        _stepInBlock = 0;
        _block++;
        if (_block < 2 * BlocksEachWay)
        {
            Parallel = _block % 2 == 1;
            return;
        }
        Parallel = _parallel <= Margin * _single;
        _between = _lastChoice == Parallel ? Math.Min(2 * _between, MaxStepsBetweenMeasurements) : StepsBetweenMeasurements;
        _lastChoice = Parallel;
        _chosenPerStep = (Parallel ? _parallel : _single) / (double)(BlocksEachWay * (BlockSteps - 1));
        _measuring = false;
        _chosenSteps = 0;
        _window = 0;
    }

    private void Watch(long elapsed)
    {
        _chosenSteps++;
        _window += elapsed;
        bool slowedDown = _chosenSteps % BlockSteps == 0 && _window > Slowdown * _chosenPerStep * BlockSteps;
        if (_chosenSteps % BlockSteps == 0) _window = 0;
        if (slowedDown) _between = StepsBetweenMeasurements;
        if (_chosenSteps < _between && !slowedDown) return;
        _measuring = true;
        _block = _stepInBlock = 0;
        _single = _parallel = 0;
        Parallel = false;
    }
}
