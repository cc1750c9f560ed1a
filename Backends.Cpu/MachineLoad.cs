using System.Diagnostics;
using System.Globalization;

namespace Meta.Backends.Cpu;

/// <summary>
/// Whether other work keeps the machine's cores busy, for <see cref="ThreadingChoice"/>: the one-minute load average
/// (/proc/loadavg) less this process's own share (its CPU time over the wall time since the last look, or one thread at
/// the first look) is at least the number of cores less one, so a worker thread would not find a core of its own. Where
/// there is no /proc/loadavg the machine is taken as not busy.
/// </summary>
internal sealed class MachineLoad
{
    private long _lastWall = Stopwatch.GetTimestamp();
    private TimeSpan _lastCpu = Environment.CpuUsage.TotalTime;
    private bool _looked;

    /// <summary>Looks at the load now; true when the other work alone fills all cores but one.</summary>
    public bool Busy()
    {
        long wall = Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        double seconds = (wall - _lastWall) / (double)Stopwatch.Frequency;
        double own = _looked && seconds > 0 ? (cpu - _lastCpu).TotalSeconds / seconds : 1;
        (_lastWall, _lastCpu, _looked) = (wall, cpu, true);
        if (LoadAverage() is not { } load) return false;
        return load - own >= Environment.ProcessorCount - 1;
    }

    /// <summary>The one-minute load average, or null where /proc/loadavg cannot be read.</summary>
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
