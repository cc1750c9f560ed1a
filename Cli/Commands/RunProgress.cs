using System.Globalization;
using Meta.Cli.Output;
using Spectre.Console;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Meta.Cli.Commands;

/// <summary>
/// The progress of a run on stderr, phase by phase (build, load, simulate). On a terminal: Spectre.Console's live
/// progress display, with a bar, percentage, elapsed time and ETA for the simulation; lines meant for stdout meanwhile
/// are held back until the display ends. Elsewhere (logs, tests): plain lines, none for a short run, then one at most
/// every 10 s.
/// </summary>
internal sealed class RunProgress
{
    private const double LogDelaySeconds = 2.0;
    private const double LogIntervalSeconds = 10.0;

    private readonly ProgressContext? _live;
    private readonly IAnsiConsole? _log;
    private readonly TextWriter _stdout;
    private readonly List<string> _heldLines = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ProgressTask? _phase;
    private ProgressTask? _simulation;
    private double _lastLog = double.NegativeInfinity;
    private double _simulationStart = double.NaN, _firstFraction, _lastFraction;

    private RunProgress(ProgressContext? live, IAnsiConsole? log, TextWriter stdout)
    {
        _live = live;
        _log = log;
        _stdout = stdout;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with progress shown on <paramref name="stderr"/> (nothing when not <paramref name="enabled"/>);
    /// <see cref="Print"/> writes to <paramref name="stdout"/>.
    /// </summary>
    public static T Run<T>(TextWriter stdout, TextWriter stderr, bool terminal, bool enabled, Func<RunProgress, T> work)
    {
        if (!enabled || !terminal)
        {
            return work(new RunProgress(null, enabled ? Consoles.Over(stderr, terminal: false) : null, stdout));
        }
        RunProgress? progress = null;
        try
        {
            return Consoles.Over(stderr, terminal: true).Progress()
                .AutoClear(true)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx => work(progress = new RunProgress(ctx, null, stdout)));
        }
        finally
        {
            progress?.ReleaseHeldLines();
        }
    }

    /// <summary>Starts a phase whose length is unknown (e.g. "building the network"); the previous phase is done.</summary>
    public void Phase(string description)
    {
        CompletePhase();
        if (_live is not null) _phase = _live.AddTask(Markup.Escape(description), maxValue: 1).IsIndeterminate();
    }

    /// <summary>The engine's progress callback: <paramref name="fraction"/> of the simulation is done.</summary>
    public void Report(double fraction)
    {
        fraction = Math.Clamp(fraction, 0, 1);
        double now = _clock.Elapsed.TotalSeconds;
        if (double.IsNaN(_simulationStart))
        {
            CompletePhase();
            (_simulationStart, _firstFraction) = (now, fraction);
            if (_live is not null) _simulation = _live.AddTask("simulating", maxValue: 1);
        }
        _lastFraction = fraction;
        if (_simulation is not null) _simulation.Value = fraction;
        if (_log is null || now - _simulationStart < LogDelaySeconds || now - _lastLog < LogIntervalSeconds) return;
        _lastLog = now;
        string eta = Remaining(now, fraction) is { } s ? $", ETA {Seconds(s)}" : "";
        _log.WriteLine($"simulating: {Math.Round(fraction * 100).ToString(CultureInfo.InvariantCulture)}%, {Seconds(now)} elapsed{eta}");
    }

    /// <summary>Writes a line to stdout, after the live display when there is one.</summary>
    public void Print(string line)
    {
        if (_live is null) _stdout.WriteLine(line);
        else _heldLines.Add(line);
    }

    /// <summary>Ends the display of the simulation; logs where it ended when progress lines were logged.</summary>
    public void Finish()
    {
        CompletePhase();
        double fraction = _simulation?.Value ?? _lastFraction;
        _simulation?.StopTask();
        if (_log is not null && _lastLog > double.NegativeInfinity)
            _log.WriteLine($"simulating: {Math.Round(fraction * 100).ToString(CultureInfo.InvariantCulture)}% done, {Seconds(_clock.Elapsed.TotalSeconds)} elapsed");
    }

    private void CompletePhase()
    {
        if (_phase is null) return;
        _phase.IsIndeterminate = false;
        _phase.Value = 1;
        _phase.StopTask();
        _phase = null;
    }

    private void ReleaseHeldLines()
    {
        foreach (var line in _heldLines) _stdout.WriteLine(line);
        _heldLines.Clear();
    }

    /// <summary>The seconds left, from the rate of progress since the simulation started; null while unknown.</summary>
    private double? Remaining(double now, double fraction)
    {
        double done = fraction - _firstFraction, spent = now - _simulationStart;
        return done > 0.005 && spent > 0 ? spent / done * (1 - fraction) : null;
    }

    private static string Seconds(double s) =>
        s < 60 ? s.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : $"{(int)(s / 60)} min {(s % 60).ToString("00", CultureInfo.InvariantCulture)} s";
}
