using System.Globalization;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Meta.Cli.Commands;

/// <summary>
/// Shows the progress of a run on stderr. On a terminal: one updating line with a bar, %, elapsed time and ETA,
/// drawn only once the run has taken a moment and cleared at the end. Elsewhere (logs): nothing for short runs,
/// and for runs longer than ~2 s one line at most every 10 s.
/// </summary>
internal sealed class ProgressReporter
{
    private const double TerminalDelaySeconds = 0.3;
    private const double TerminalRedrawSeconds = 0.1;
    private const double LogDelaySeconds = 2.0;
    private const double LogIntervalSeconds = 10.0;
    private const double MinimumLoggedRemainder = 1.0;
    private const int BarWidth = 30;

    private readonly TextWriter _stderr;
    private readonly bool _terminal;
    private readonly bool _enabled;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastDraw = double.NegativeInfinity;
    private double _firstReportTime = double.NaN;
    private double _firstFraction;
    private int _lineWidth;
    private bool _loggedAny;

    public ProgressReporter(TextWriter stderr, bool terminal, bool enabled)
    {
        _stderr = stderr;
        _terminal = terminal;
        _enabled = enabled;
    }

    /// <summary>Shows a status (e.g. "loading ...") until the first progress report; terminal only.</summary>
    public void Status(string text)
    {
        if (!_enabled || !_terminal) return;
        Draw(text);
    }

    /// <summary>The engine's progress callback: <paramref name="fraction"/> of the run is done.</summary>
    public void Report(double fraction)
    {
        if (!_enabled) return;
        double now = _clock.Elapsed.TotalSeconds;
        if (double.IsNaN(_firstReportTime))
        {
            _firstReportTime = now;
            _firstFraction = fraction;
        }
        if (_terminal)
        {
            if (now < TerminalDelaySeconds || now - _lastDraw < TerminalRedrawSeconds) return;
            _lastDraw = now;
            int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * BarWidth);
            Draw($"[{new string('#', filled)}{new string('-', BarWidth - filled)}] {Percent(fraction)}  {Timing(now, fraction)}");
        }
        else
        {
            if (now < LogDelaySeconds || (_loggedAny && now - _lastDraw < LogIntervalSeconds)) return;
            if (!_loggedAny && Remaining(now, fraction) is { } eta && eta < MinimumLoggedRemainder) return;
            _lastDraw = now;
            _loggedAny = true;
            _stderr.WriteLine($"simulating: {Percent(fraction)}, {Timing(now, fraction)}");
        }
    }

    /// <summary>Removes the progress line (terminal) or logs the end of a long run (logs).</summary>
    public void Finish()
    {
        if (!_enabled) return;
        if (_terminal && _lineWidth > 0)
        {
            _stderr.Write("\r" + new string(' ', _lineWidth) + "\r");
            _stderr.Flush();
            _lineWidth = 0;
        }
        else if (!_terminal && _loggedAny)
        {
            _stderr.WriteLine($"simulating: 100%, {Seconds(_clock.Elapsed.TotalSeconds)} elapsed");
        }
    }

    private void Draw(string line)
    {
        string padded = line.Length < _lineWidth ? line + new string(' ', _lineWidth - line.Length) : line;
        _stderr.Write("\r" + padded);
        _stderr.Flush();
        _lineWidth = Math.Max(_lineWidth, line.Length);
    }

    private static string Percent(double fraction) => (Math.Clamp(fraction, 0, 1) * 100).ToString("0", CultureInfo.InvariantCulture).PadLeft(3) + "%";

    private string Timing(double now, double fraction)
    {
        string text = $"{Seconds(now)} elapsed";
        if (Remaining(now, fraction) is { } eta) text += $", ETA {Seconds(eta)}";
        return text;
    }

    /// <summary>The expected seconds left, from the rate of progress since the first report; null while unknown.</summary>
    private double? Remaining(double now, double fraction)
    {
        double done = fraction - _firstFraction, spent = now - _firstReportTime;
        return done > 0.005 && spent > 0 ? spent / done * (1 - fraction) : null;
    }

    private static string Seconds(double s) =>
        s < 60 ? s.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : $"{(int)(s / 60)} min {(s % 60).ToString("00", CultureInfo.InvariantCulture)} s";
}
