using Meta.Cli.Networks;
using Meta.Cli.Output;
using Meta.Distributed;
using Meta.Recording;

namespace Meta.Cli.Commands;

/// <summary>
/// <c>meta run --gather false</c>: every rank writes its own cells' recordings, <c>LABEL.rankR.npz</c> per recording and
/// rank (as NEST's per-rank files and PyNN's <c>write_data(gather=False)</c>), so that no rank ever holds another rank's
/// data. A rank file has the arrays of the gathered <c>LABEL.npz</c> restricted to the rank's cells, and says where each of
/// its cells goes in the gathered file, so that <c>meta join</c> (<see cref="RankFileJoin"/>) makes exactly the file one
/// process writes:
/// <list type="bullet">
/// <item><c>spike_times</c>, <c>spike_cells</c>, <c>recorded_cells</c> as in <c>LABEL.npz</c>; <c>spike_population</c> and
/// <c>recorded_population</c> (population indices) always; <c>recorded_position</c>: each recorded cell's index in the
/// gathered <c>recorded_cells</c> (its spike train's place, which orders spikes at the same time).</item>
/// <item>per signal <c>NAME</c> (samples × this rank's cells), <c>NAME_times</c>, <c>NAME_channels</c>, and
/// <c>NAME_position</c>: each column's index among the gathered signal's columns.</item>
/// </list>
/// </summary>
internal static class RankFiles
{
    /// <summary>The file name of recording <paramref name="label"/>'s part on rank <paramref name="rank"/>.</summary>
    public static string FileName(string label, int rank) => $"{ResultWriter.SafeName(label)}.rank{rank}.npz";

    /// <summary>The suffix of the arrays that place a signal's columns in the gathered signal.</summary>
    public const string PositionSuffix = "_position";

    /// <summary>The array that places each recorded cell in the gathered <c>recorded_cells</c>.</summary>
    public const string RecordedPosition = "recorded_position";

    /// <summary>
    /// Writes <paramref name="target"/>'s data held on this rank (read with <c>gather: false</c>) to <paramref name="path"/>;
    /// <paramref name="rank"/> of <paramref name="ranks"/> decides which cells this rank owns (<see cref="Placement"/>).
    /// </summary>
    public static void Write(string path, RecordingTarget target, IReadOnlyDictionary<string, int> populationIndex, int rank, int ranks)
    {
        var cells = target.Cells.Cells.ToList();
        if (cells.Distinct().Count() != cells.Count)
            throw new CliException($"recording '{target.Label}' names a cell twice; --gather false writes recordings of distinct cells only (run with --gather true)");
        bool Owned((Meta.Populations.Population Population, int Index) c) => Placement.Owns(c.Population.Size, c.Index, rank, ranks);
        using var npz = new NpzWriter(path);
        if (target.Variables.Contains("spikes"))
        {
            var events = target.Cells.GetSpikeEvents(gather: false);
            var index = events.PopulationLabels.Select(l => populationIndex[l]).ToArray();
            var position = new Dictionary<(int, int), int>();
            for (int k = 0; k < cells.Count; k++) position[(cells[k].Population.Index, cells[k].Index)] = k;
            int[] recordedPopulation = events.RecordedPopulations.Select(p => index[p]).ToArray();
            var spikePopulation = events.Populations is { } populations ? populations.Select(p => index[p]).ToArray()
                : Enumerable.Repeat(recordedPopulation.FirstOrDefault(), events.Count).ToArray();
            npz.Add("spike_times", events.Times);
            npz.Add("spike_cells", events.Cells);
            npz.Add("recorded_cells", events.RecordedCells);
            npz.Add("spike_population", spikePopulation);
            npz.Add("recorded_population", recordedPopulation);
            npz.Add(RecordedPosition, events.RecordedCells.Select((c, k) => position[(recordedPopulation[k], c)]).ToArray());
        }
        var signals = target.Variables.Where(v => v != "spikes").ToList();
        if (signals.Count == 0) return;
        var segment = target.Cells.GetData(signals, gather: false).Segments[^1];
        var named = ResultWriter.NamedSignals(segment).ToList();
        foreach (var (name, signal) in named)
        {
            // One signal of a variable holds every part's columns (merged, as in the gathered file); several: one per population.
            bool merged = named.Count(n => n.Signal.Name == signal.Name) == 1;
            var populations = signal.SourcePopulation.Split('+').ToHashSet(StringComparer.Ordinal);
            var columns = cells.Where(c => merged || populations.Contains(c.Population.Label)).ToList();
            var expected = new List<int>();
            var positions = new List<int>();
            for (int k = 0; k < columns.Count; k++)
                if (Owned(columns[k]))
                {
                    expected.Add(columns[k].Index);
                    positions.Add(k);
                }
            if (!expected.SequenceEqual(signal.ChannelIndex))
                throw new InvalidOperationException(
                    $"recording '{target.Label}', signal '{name}' on rank {rank}: columns [{string.Join(", ", signal.ChannelIndex.Take(8))}…] are not this rank's cells in the recording's order");
            npz.Add(name, signal.Data, signal.SampleCount, signal.ChannelCount);
            npz.Add(name + "_times", signal.Times());
            npz.Add(name + "_channels", signal.ChannelIndex);
            npz.Add(name + PositionSuffix, positions.ToArray());
        }
    }
}
