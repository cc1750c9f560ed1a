using Meta.Recording;

namespace Meta.Cli.Commands;

/// <summary>
/// The check before a run of what it will record: refused past the limit (by default half the memory this process may use,
/// or <c>--max-recording GB</c>), announced past <see cref="NoticeBytes"/>. Recorded samples are held in memory until
/// the run ends and are then written to disk, so the estimate is both.
/// </summary>
internal static class RecordingBudget
{
    /// <summary>Estimates above this many bytes are announced as a warning (1 GB).</summary>
    public const double NoticeBytes = 1e9;

    /// <summary>The default limit: half the memory available to this process.</summary>
    public static double DefaultLimitBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2.0;

    /// <summary>Throws when <paramref name="estimate"/> exceeds the limit; returns a warning when it is large, else null.</summary>
    /// <param name="estimate">What the run will record.</param>
    /// <param name="durationMs">The run's duration, for the message.</param>
    /// <param name="limitGigabytes">The user's limit in GB (10⁹ bytes), or null for <see cref="DefaultLimitBytes"/>.</param>
    public static string? Check(RecordingEstimate estimate, double durationMs, double? limitGigabytes)
    {
        double limit = limitGigabytes is { } gb ? gb * 1e9 : DefaultLimitBytes;
        string ms = durationMs.ToString(durationMs < 1e9 ? "0.###" : "0.###e0", System.Globalization.CultureInfo.InvariantCulture);
        string what = $"recording {ms} ms needs {RecordingEstimate.Size(estimate.Bytes)} in memory and as much on disk " +
                      $"(largest: {estimate.Describe()})";
        if (estimate.Bytes > limit)
            throw new CliException(
                $"{what}, more than the limit of {RecordingEstimate.Size(limit)} " +
                $"({(limitGigabytes is null ? "half the memory available, by default" : "--max-recording")}). " +
                "Record fewer cells or variables, set a coarser sampling_interval, shorten --duration, or raise the limit with --max-recording GB.");
        return estimate.Bytes > NoticeBytes ? what : null;
    }
}
