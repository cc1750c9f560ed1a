using Meta.Cli.Output;

namespace Meta.Cli.Commands;

/// <summary>
/// Puts the rank files of one recording (<see cref="RankFiles"/>) together into the file one process writes,
/// <c>LABEL.npz</c>, array for array and byte for byte: recorded cells and signal columns go to the positions the rank
/// files name; spikes are sorted by time, those at the same time by their cell's place in <c>recorded_cells</c> (as
/// <c>CellCollection.GetSpikeEvents</c> orders them). One recording is held in memory at a time.
/// </summary>
internal static class RankFileJoin
{
    /// <summary>Joins <paramref name="rankFiles"/> (in rank order) into <paramref name="target"/>.</summary>
    /// <exception cref="CliException">A rank file is missing or is not a rank file; the message names it.</exception>
    public static void Join(IReadOnlyList<string> rankFiles, string target)
    {
        var ranks = rankFiles.Select(f => File.Exists(f)
            ? NpzReader.Read(f).ToDictionary(e => e.Name, e => e.Array, StringComparer.Ordinal)
            : throw new CliException($"rank file '{f}' is missing (every rank writes one per recording)")).ToList();
        using var npz = new NpzWriter(target);
        if (ranks.Any(r => r.ContainsKey("spike_times"))) JoinSpikes(ranks, rankFiles, npz);
        var signals = new List<string>();
        foreach (var r in ranks)
            foreach (var name in r.Keys)
                if (r.ContainsKey(name + RankFiles.PositionSuffix) && !signals.Contains(name)) signals.Add(name);
        foreach (var name in signals) JoinSignal(ranks, rankFiles, name, npz);
    }

    private static void JoinSpikes(List<Dictionary<string, NpyArray>> ranks, IReadOnlyList<string> files, NpzWriter npz)
    {
        NpyArray Get(int k, string name) => ranks[k].TryGetValue(name, out var a) ? a
            : throw new CliException($"'{files[k]}' has no '{name}' array: not a rank file of 'meta run --gather false'");
        int total = 0;
        for (int k = 0; k < ranks.Count; k++) total += Get(k, RankFiles.RecordedPosition).Shape[0];
        var recordedCells = new int[total];
        var recordedPopulation = new int[total];
        var times = new List<double>();
        var keys = new List<int>();
        for (int k = 0; k < ranks.Count; k++)
        {
            int[] position = Get(k, RankFiles.RecordedPosition).Ints(), cells = Get(k, "recorded_cells").Ints(), populations = Get(k, "recorded_population").Ints();
            var train = new Dictionary<(int, int), int>();
            for (int j = 0; j < position.Length; j++)
            {
                recordedCells[position[j]] = cells[j];
                recordedPopulation[position[j]] = populations[j];
                train[(populations[j], cells[j])] = position[j];
            }
            int[] spikeCells = Get(k, "spike_cells").Ints(), spikePopulation = Get(k, "spike_population").Ints();
            times.AddRange(Get(k, "spike_times").Doubles());
            for (int i = 0; i < spikeCells.Length; i++) keys.Add(train[(spikePopulation[i], spikeCells[i])]);
        }
        double[] t = [.. times];
        int[] key = [.. keys];
        Meta.Recording.SpikeEvents.SortByTimeThenTrain(t, key);
        npz.Add("spike_times", t);
        npz.Add("spike_cells", key.Select(k => recordedCells[k]).ToArray());
        npz.Add("recorded_cells", recordedCells);
        if (recordedPopulation.Distinct().Count() > 1)
        {
            npz.Add("spike_population", key.Select(k => recordedPopulation[k]).ToArray());
            npz.Add("recorded_population", recordedPopulation);
        }
    }

    private static void JoinSignal(List<Dictionary<string, NpyArray>> ranks, IReadOnlyList<string> files, string name, NpzWriter npz)
    {
        var parts = Enumerable.Range(0, ranks.Count).Where(k => ranks[k].ContainsKey(name)).ToList();
        int rows = ranks[parts[0]][name].Shape[0];
        int width = parts.Sum(k => ranks[k][name].Shape[1]);
        var data = new double[(long)rows * width];
        var channels = new int[width];
        foreach (int k in parts)
        {
            var r = ranks[k];
            double[] values = r[name].Doubles();
            int[] position = r[name + RankFiles.PositionSuffix].Ints(), channel = r[name + "_channels"].Ints();
            int w = position.Length;
            if (r[name].Shape[0] != rows)
                throw new CliException($"signal '{name}': the rank files hold {rows} and {r[name].Shape[0]} samples; they are not of one run");
            // A rank file that names a signal the other ranks do not hold as such (or holds other columns) places them outside it.
            if (w != r[name].Shape[1] || channel.Length != w || position.Any(p => p < 0 || p >= width))
                throw new CliException($"'{files[k]}': signal '{name}' places its {w} columns outside the {width} the rank files hold together; the rank files do not name their signals alike (not of one run, or a rank held no cell of a population)");
            for (int j = 0; j < w; j++) channels[position[j]] = channel[j];
            for (int row = 0; row < rows; row++)
                for (int j = 0; j < w; j++)
                    data[((long)row * width) + position[j]] = values[((long)row * w) + j];
        }
        npz.Add(name, data, rows, width);
        npz.Add(name + "_times", ranks[parts[0]][name + "_times"].Doubles());
        npz.Add(name + "_channels", channels);
    }
}
