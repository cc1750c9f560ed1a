using System.Globalization;
using Meta.Cli.Networks;
using Meta.Populations;
using Spectre.Console;

namespace Meta.Cli.Commands;

/// <summary>
/// The spikes of one population after a run. A class, not a record: it caches the spike trains it reads, and a record's
/// equality would compare that cache (two summaries of the same run would differ once one of them had been plotted).
/// </summary>
/// <param name="population">The population.</param>
/// <param name="recordedCells">The number of cells whose spikes were recorded (0: spikes not recorded).</param>
/// <param name="spikes">The number of spikes recorded.</param>
/// <param name="meanRateHz">Spikes / recorded cells / duration in s (NaN when nothing was recorded).</param>
internal sealed class PopulationSummary(Population population, int recordedCells, long spikes, double meanRateHz)
{
    /// <summary>The population.</summary>
    public Population Population { get; } = population;

    /// <summary>The number of cells whose spikes were recorded (0: spikes not recorded).</summary>
    public int RecordedCells { get; } = recordedCells;

    /// <summary>The number of spikes recorded.</summary>
    public long Spikes { get; } = spikes;

    /// <summary>Spikes / recorded cells / duration in s (NaN when nothing was recorded).</summary>
    public double MeanRateHz { get; } = meanRateHz;

    /// <summary>Whether spikes of this population were recorded.</summary>
    public bool RecordsSpikes => RecordedCells > 0;

    /// <summary>The spike times (ms) of each recorded cell, read from the recording when first asked (for plots).</summary>
    public IReadOnlyList<double[]> SpikeTrains =>
        _trains ??= Population.GetData(["spikes"]).Segments[^1].SpikeTrains.Select(t => t.Times).ToArray();

    private IReadOnlyList<double[]>? _trains;
}

/// <summary>Wall-clock seconds of the phases of a run.</summary>
/// <param name="Build">Network construction, connectivity included (and reading the file).</param>
/// <param name="Load">Compiling the network in the backend (<see cref="Simulation.LoadSeconds"/>).</param>
/// <param name="Simulate">Running the time steps.</param>
internal sealed record RunTimings(double Build, double Load, double Simulate)
{
    public double Total => Build + Load + Simulate;
}

/// <summary>Everything the summary and the output files need about a finished run.</summary>
internal sealed class RunOutcome
{
    public required BuiltNetwork Network { get; init; }
    public required string NetworkFile { get; init; }
    public required string BackendName { get; init; }
    public required string BackendVersion { get; init; }
    /// <summary>The simulated time reached, in ms (less than <see cref="RequestedDurationMs"/> when interrupted).</summary>
    public required double DurationMs { get; init; }
    /// <summary>The simulated time asked for, in ms.</summary>
    public double RequestedDurationMs { get; init; }
    /// <summary>Why the run stopped early ("cancelled" or an error), or null when it ran to its end.</summary>
    public string? Interruption { get; init; }
    public required RunTimings Timings { get; init; }
    public required IReadOnlyList<PopulationSummary> Populations { get; init; }
    /// <summary>The number of ranks the run was distributed over (1: one process).</summary>
    public int Ranks { get; init; } = 1;
    /// <summary>Rank 0's wall-clock seconds in spike exchanges of a distributed run, else null.</summary>
    public double? ExchangeSeconds { get; init; }
    /// <summary>Rank 0's wall-clock seconds inside its backend's runs (its own steps) in a distributed run, else null.</summary>
    public double? RankEngineSeconds { get; init; }
    /// <summary>Rank 0's thread CPU seconds inside the same engine calls (Linux; null where not measured): engine minus this is time descheduled.</summary>
    public double? RankEngineCpuSeconds { get; init; }
    /// <summary>Rank 0's wall-clock seconds keeping its recordings between runs in a distributed run, else null.</summary>
    public double? RankRecordSeconds { get; init; }
    /// <summary>Rank 0's wall-clock seconds gathering the recordings from every rank in a distributed run, else null.</summary>
    public double? GatherSeconds { get; init; }
    /// <summary>The number of spike exchanges of a distributed run (one per minimum-delay interval), else null.</summary>
    public long? Exchanges { get; init; }
    /// <summary>The number of exchanges of a distributed run that needed a second collective (spikes beyond the fixed slot), else null.</summary>
    public long? ExchangeOverflows { get; init; }
    /// <summary>Whether a distributed run's exchanges overlapped the next interval (<c>META_EXCHANGE_OVERLAP</c> and a Lag ≥ 2), else null.</summary>
    public bool? ExchangeOverlapped { get; init; }
    /// <summary>The number of times a distributed run gathered its recordings to rank 0, else null.</summary>
    public long? Gathers { get; init; }
    /// <summary>Whether the recordings were gathered into one file each (<c>--gather true</c>, the default) or written per rank.</summary>
    public bool Gather { get; init; } = true;
    /// <summary>Open MPI's <c>mpi_yield_when_idle</c> under mpirun and who set it (<see cref="MpiDefaults"/>), else null.</summary>
    public MpiDefaultOrigin? MpiYieldWhenIdle { get; init; }

    public string Name => Network.Document.Name;
    public Simulation Simulation => Network.Simulation;

    /// <summary>
    /// Reads the recorded spikes of every population. With <paramref name="gather"/> false each rank counts its own cells
    /// and rank 0 sums the counts of all ranks (a collective over <paramref name="communicator"/>, two numbers per population
    /// and rank), so that no rank receives another's spikes.
    /// </summary>
    public static IReadOnlyList<PopulationSummary> Summarize(BuiltNetwork network, double durationMs, bool gather = true,
        Meta.Distributed.ICommunicator? communicator = null)
    {
        int n = network.Populations.Count;
        var totals = new long[2 * n]; // recorded cells, then spikes, per population
        for (int i = 0; i < n; i++)
        {
            var counts = network.Populations[i].GetSpikeCounts(gather);
            totals[i] = counts.Length;
            totals[n + i] = counts.Sum(c => (long)c);
        }
        if (!gather && communicator is { Size: > 1 } c)
        {
            var all = c.GatherV(totals);
            totals = new long[2 * n];
            for (int k = 0; k < all.Length; k++) totals[k % (2 * n)] += all[k];
        }
        var result = new List<PopulationSummary>();
        for (int i = 0; i < n; i++)
        {
            long recorded = totals[i], spikes = totals[n + i];
            double rate = recorded == 0 ? double.NaN : spikes / (double)recorded / (durationMs / 1000.0);
            result.Add(new PopulationSummary(network.Populations[i], checked((int)recorded), spikes, rate));
        }
        return result;
    }

    /// <summary>The summary table, one row per population (Spectre.Console; numbers right-aligned).</summary>
    public Table SummaryTable()
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("population").AddColumn("cell type")
            .AddColumn(new TableColumn("cells").RightAligned()).AddColumn(new TableColumn("recorded").RightAligned())
            .AddColumn(new TableColumn("spikes").RightAligned()).AddColumn(new TableColumn("rate (Hz)").RightAligned());
        foreach (var p in Populations)
        {
            table.AddRow(new[]
            {
                p.Population.Label,
                p.Population.CellType.Name,
                Int(p.Population.Size),
                p.RecordsSpikes ? Int(p.RecordedCells) : "-",
                p.RecordsSpikes ? Int(p.Spikes) : "-",
                p.RecordsSpikes ? p.MeanRateHz.ToString("0.00", CultureInfo.InvariantCulture) : "-",
            }.Select(text => new Text(text)));
        }
        if (Interruption is not null) table.Caption($"interrupted at {DurationMs.ToString("0.###", CultureInfo.InvariantCulture)} ms ({Interruption})");
        return table;
    }

    private static string Int(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
