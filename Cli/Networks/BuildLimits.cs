using System.Globalization;
using Meta.Projections;

namespace Meta.Cli.Networks;

/// <summary>
/// Refuses, before anything is allocated, network elements that cannot be built: projections with more connections than
/// one projection can hold or than memory can, and delays too long, in time steps, for the spike rings. The estimates are
/// lower bounds, so only networks that certainly cannot fit are refused; each refusal names the JSON path and what to change.
/// </summary>
internal static class BuildLimits
{
    /// <summary>
    /// The least a connection costs: its pre and post indices (4 bytes each) and its weight and delay (8 bytes each), as a
    /// <see cref="Projection"/> keeps them; backends keep their own tables on top.
    /// </summary>
    private const double BytesPerConnection = 24;

    /// <summary>The most connections one projection holds (its arrays are indexed by int).</summary>
    private const long MaxConnections = int.MaxValue;

    /// <summary>The memory this process may use, in bytes.</summary>
    private static double AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The most elements a .NET array holds: a population has per-cell arrays, so no more cells than this.</summary>
    private const long MaxCells = 2_147_483_591;

    /// <summary>
    /// A population's per-cell arrays must be possible and fit in memory: at least one double per cell for each scalar
    /// parameter, one array reference per cell for each sequence parameter, and a double and a flag per cell for each state
    /// variable's initial value.
    /// </summary>
    public static void CheckPopulation(PopulationSection section)
    {
        var model = section.Model;
        double perCell = model.Parameters.Sum(p => p.Shape == Meta.Models.ParameterShape.Sequence ? 8.0 : 8.0 * p.KernelNames.Count())
                         + 9.0 * model.States.Count;
        double bytes = (double)section.Size * Math.Max(8, perCell);
        string path = JsonFields.Child(section.Path, "size");
        if (section.Size > MaxCells)
            throw new NetworkFormatException(path,
                $"population '{section.Label}' of {Count(section.Size)} cells is too large: a population holds at most {Count(MaxCells)} cells");
        if (bytes > AvailableBytes)
            throw new NetworkFormatException(path,
                $"population '{section.Label}' of {Count(section.Size)} {model.Name} cells needs at least {Gigabytes(bytes)} of memory for its " +
                $"parameters and initial values; {Gigabytes(AvailableBytes)} is available (use fewer cells)");
    }

    /// <summary>
    /// The number of connections <paramref name="c"/> makes when it can be told before connecting (null when it cannot:
    /// distance- and index-based rules, files, distributions of n), refused past <see cref="MaxConnections"/> or memory.
    /// </summary>
    public static void CheckConnections(ConnectorSpec c, int preSize, int postSize)
    {
        double pairs = (double)preSize * postSize;
        double? expected = c.Type switch
        {
            "AllToAllConnector" => pairs,
            "OneToOneConnector" => preSize,
            "FixedProbabilityConnector" => c.PConnect * pairs,
            "FixedNumberPreConnector" when c.N is NumberSpec n => n.Value * postSize,
            "FixedNumberPostConnector" when c.N is NumberSpec n => n.Value * preSize,
            "FixedTotalNumberConnector" when c.N is NumberSpec n => n.Value,
            _ => null,
        };
        if (expected is not { } count) return;
        string what = c.Type == "FixedProbabilityConnector" ? $"about {Count(count)}" : Count(count);
        if (count > MaxConnections)
            throw new NetworkFormatException(c.Path,
                $"{c.Type} would make {what} connections between {preSize} pre and {postSize} post cells; one projection holds at most " +
                $"{Count(MaxConnections)} (split the projection or connect fewer cells)");
        double bytes = count * BytesPerConnection;
        if (bytes > AvailableBytes)
            throw new NetworkFormatException(c.Path,
                $"{c.Type} would make {what} connections between {preSize} pre and {postSize} post cells, needing at least {Gigabytes(bytes)} " +
                $"of memory; {Gigabytes(AvailableBytes)} is available (connect fewer cells)");
    }

    /// <summary>
    /// The longest delay of a built projection must fit the spike rings in memory (at least one slot per step for each post
    /// cell). A delay past the int steps the step program counts is refused by <see cref="Projection"/> itself.
    /// </summary>
    public static void CheckDelays(Projection projection, double timestep, string path)
    {
        if (projection.Size == 0) return;
        double longest = projection.Delays.Max();
        double steps = Math.Round(longest / timestep);
        double ringBytes = (steps + 1) * projection.Post.Size * sizeof(double);
        if (ringBytes <= AvailableBytes) return;
        string delay = $"{JsonFields.Format(longest)} ms";
        throw new NetworkFormatException(path,
            $"the longest delay, {delay}, is {Count(steps)} time steps of {JsonFields.Format(timestep)} ms; spikes wait in rings of one slot per " +
            $"step for each post cell, needing at least {Gigabytes(ringBytes)} of memory, and {Gigabytes(AvailableBytes)} is available: " +
            "use shorter delays (simulation.max_delay bounds them) or a larger simulation.timestep");
    }

    private static string Count(double n) => n < 1e15 ? n.ToString("#,0", CultureInfo.InvariantCulture) : n.ToString("0.##e0", CultureInfo.InvariantCulture);

    private static string Gigabytes(double bytes) =>
        bytes < 1e15 ? $"{(bytes / (1024.0 * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture)} GB"
                     : $"{(bytes / (1024.0 * 1024 * 1024)).ToString("0.##e0", CultureInfo.InvariantCulture)} GB";
}
