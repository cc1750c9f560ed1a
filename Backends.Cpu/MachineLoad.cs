using System.Diagnostics;
using System.Globalization;

namespace Meta.Backends.Cpu;

/// <summary>
/// Whether other work keeps the cores this process may use busy, for <see cref="ThreadingChoice"/>: the busy CPU time of
/// those cores (the <c>cpuN</c> lines of /proc/stat for the CPUs in the process's affinity: user, nice, system, irq,
/// softirq and steal; idle and I/O wait are not work) less this process's own CPU time, both over the same window (from
/// the last verdict to now), fills at least all cores but one, so a worker thread would not find a core of its own.
/// Unlike the load average it does not lag (a run that ended a minute ago does not count), does not count tasks waiting
/// on the disk, counts only the cores the process may run on, and does not take this process's own work in the window
/// (JIT compiles included) for other work. One instance serves an engine for as long as it is loaded: the first window
/// starts at the first look (the first step of the engine's first run), not when the network was loaded, since while
/// loading this process's own threads (compiler, garbage collector, table build) share the cores with the other work,
/// which then gets less than it would take from a worker thread; later windows run on from the last verdict, so the
/// first window of a later run includes the time between the runs. A window is judged once it spans
/// <see cref="MinWindowSeconds"/> and <see cref="MinTicksPerCore"/> ticks per core; until then it goes on and
/// <see cref="Busy()"/> answers with the last verdict, or null before the first one. Where /proc/stat cannot be read the
/// machine is taken as not busy: the measurement then decides.
/// </summary>
internal sealed class MachineLoad
{
    /// <summary>
    /// Other work must fill this much less than all cores but one to count as busy: the kernel's tick counts are whole
    /// ticks (10 ms) per core, read at a slightly different moment than the process's own time, so a process that fills
    /// a core shows as 0.9-1.0 cores over a fraction of a second.
    /// </summary>
    internal const double Slack = 0.2;

    /// <summary>The fewest kernel ticks per core a window must span to be judged (0.2 s at the usual 100 Hz).</summary>
    internal const long MinTicksPerCore = 20;

    /// <summary>
    /// The shortest window judged, in seconds of wall time: a little over <see cref="MinTicksPerCore"/> ticks at 100 Hz.
    /// A shorter look costs a clock read, not a read of /proc/stat: before the first verdict it says null, after it the
    /// last verdict.
    /// </summary>
    internal const double MinWindowSeconds = 0.25;

    /// <summary>After a read of /proc/stat that found too few ticks to judge, looks within this many seconds cost a clock read only.</summary>
    internal const double RetrySeconds = 0.05;

    /// <summary>A window this many times <see cref="MinWindowSeconds"/> that still holds too few ticks to judge (a kernel with fewer ticks) is taken as not busy rather than waited on further.</summary>
    internal const int GiveUpWindows = 4;

    private readonly Func<CpuReading?> _read;
    private readonly Func<double> _clock;
    private CpuReading? _last;
    private bool _started, _readable = true;
    private bool? _verdict;
    private double _nextRead;

    /// <summary>Reads this machine's /proc/stat, from the first look on.</summary>
    public MachineLoad() : this(Read, WallSeconds) { }

    /// <summary>For tests: readings and the wall clock (seconds, the clock of <see cref="CpuReading.WallSeconds"/>) from elsewhere.</summary>
    internal MachineLoad(Func<CpuReading?> read, Func<double> clock)
    {
        _read = read;
        _clock = clock;
    }

    /// <summary>Called with each window that ends in a verdict (judged, or given up as too few ticks), for logging.</summary>
    public Action<LoadWindow>? Judged { get; set; }

    /// <summary>One reading: the process's cores' busy and total kernel ticks, how many cores, and the process's own CPU time and the wall time, in seconds.</summary>
    internal readonly record struct CpuReading(long Busy, long Total, int Cores, double OwnSeconds, double WallSeconds);

    /// <summary>
    /// A window, for the log: its length in seconds, its kernel ticks per core, the cores' busy time, this process's and
    /// the other work's, in cores, and the verdict; <paramref name="GivenUp"/> where it still held too few ticks to judge
    /// after <see cref="GiveUpWindows"/> × <see cref="MinWindowSeconds"/> and was taken as not busy (its figures are then
    /// what the ticks there were say, zero where the readings did not match).
    /// </summary>
    internal readonly record struct LoadWindow(double Seconds, int Cores, double TicksPerCore, double BusyCores, double OwnCores, double OtherCores, bool Busy, bool GivenUp = false);

    /// <summary>
    /// Looks at the load since the last verdict: true when the other work alone filled all cores but one, false when it
    /// did not (or /proc/stat cannot be read). While the window is too short to judge (under
    /// <see cref="MinWindowSeconds"/>, or too few ticks) it goes on and the answer is the last verdict, or null before the
    /// first one (the first look only starts the window): look again later.
    /// </summary>
    public bool? Busy()
    {
        if (!_readable) return false;
        if (!_started)
        {
            _started = true;
            _last = _read();
            _readable = _last is not null;
            return _readable ? null : false;
        }
        double clock = _clock();
        double wall = clock - _last!.Value.WallSeconds;
        if (wall < MinWindowSeconds || clock < _nextRead) return _verdict;
        if (_read() is not { } now)
        {
            _readable = false;
            return false;
        }
        var before = _last.Value;
        if (Window(before, now) is not { } window)
        {
            if (wall < GiveUpWindows * MinWindowSeconds)
            {
                _nextRead = clock + RetrySeconds;
                return _verdict;
            }
            window = (Span(before, now) ?? new LoadWindow(now.WallSeconds - before.WallSeconds, now.Cores, 0, 0, 0, 0, false)) with { Busy = false, GivenUp = true };
        }
        _last = now;
        _verdict = window.Busy;
        Judged?.Invoke(window);
        return window.Busy;
    }

    /// <summary>The window between two readings, judged; null when it is too short or the readings do not match.</summary>
    internal static LoadWindow? Window(CpuReading before, CpuReading after) =>
        Span(before, after) is { } w && w.TicksPerCore >= MinTicksPerCore ? w : null;

    /// <summary>The window between two readings with its verdict, however few its ticks; null when the readings do not match, no tick or no time passed.</summary>
    private static LoadWindow? Span(CpuReading before, CpuReading after)
    {
        long total = after.Total - before.Total, busy = after.Busy - before.Busy;
        double wall = after.WallSeconds - before.WallSeconds;
        if (after.Cores != before.Cores || after.Cores < 1 || total <= 0 || wall <= 0) return null;
        double busyCores = after.Cores * busy / (double)total;
        double own = (after.OwnSeconds - before.OwnSeconds) / wall;
        double other = busyCores - own;
        return new LoadWindow(wall, after.Cores, total / (double)after.Cores, busyCores, own, other, other >= after.Cores - 1 - Slack);
    }

    /// <summary>
    /// Whether, between two readings, the other work (the cores' busy time less the process's own CPU time) filled at
    /// least all cores but one, less <see cref="Slack"/>; false when the window is too short to tell.
    /// </summary>
    internal static bool Busy(CpuReading before, CpuReading after) => Window(before, after) is { Busy: true };

    /// <summary>The cores' worth of other work between two readings, or null when the window is too short or the readings do not match.</summary>
    internal static double? OtherCores(CpuReading before, CpuReading after) => Window(before, after)?.OtherCores;

    private static double WallSeconds() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <summary>Reads /proc/stat for the CPUs in the process's affinity (all where the affinity is unknown), with the process's own time; null where it cannot.</summary>
    internal static CpuReading? Read()
    {
        try
        {
            double wall = WallSeconds();
            double own = Environment.CpuUsage.TotalTime.TotalSeconds;
            var allowed = AllowedCpus();
            long busy = 0, total = 0;
            int cores = 0;
            foreach (string line in File.ReadLines("/proc/stat"))
            {
                if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3])) continue;
                int space = line.IndexOf(' ');
                if (space < 0 || !int.TryParse(line.AsSpan(3, space - 3), NumberStyles.None, CultureInfo.InvariantCulture, out int cpu)) continue;
                if (allowed is not null && !allowed.Contains(cpu)) continue;
                if (Ticks(line.AsSpan(space)) is not { } t) return null;
                busy += t.Busy;
                total += t.Total;
                cores++;
            }
            return cores == 0 ? null : new CpuReading(busy, total, cores, own, wall);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Busy and total ticks of one cpuN line's numbers: user nice system idle iowait irq softirq steal (guest time is in user already).</summary>
    internal static (long Busy, long Total)? Ticks(ReadOnlySpan<char> numbers)
    {
        long busy = 0, total = 0;
        int field = 0;
        var text = numbers.Trim();
        foreach (var range in text.Split(' '))
        {
            var part = text[range];
            if (part.IsEmpty) continue;
            if (field >= 8) break;
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long v)) return null;
            total += v;
            if (field is not 3 and not 4) busy += v;
            field++;
        }
        return field >= 4 ? (busy, total) : null;
    }

    /// <summary>The CPUs this process may run on, from Cpus_allowed_list in /proc/self/status; null where unknown.</summary>
    internal static HashSet<int>? AllowedCpus()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)) return ParseCpuList(line["Cpus_allowed_list:".Length..]);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Parses a CPU list such as "0-3,8,10-11"; null where it is not one.</summary>
    internal static HashSet<int>? ParseCpuList(string list)
    {
        var cpus = new HashSet<int>();
        foreach (string item in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] ends = item.Split('-');
            if (!int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int from)) return null;
            int to = from;
            if (ends.Length > 2 || ends.Length == 2 && !int.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out to)) return null;
            for (int c = from; c <= to; c++) cpus.Add(c);
        }
        return cpus.Count == 0 ? null : cpus;
    }

    /// <summary>The one-minute load average (for the log only), or null where /proc/loadavg cannot be read.</summary>
    internal static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            int space = text.IndexOf(' ');
            return space > 0 && double.TryParse(text.AsSpan(0, space), NumberStyles.Float, CultureInfo.InvariantCulture, out double load) ? load : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
