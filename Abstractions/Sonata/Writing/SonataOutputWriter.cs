using Meta.Sonata.Building;
using PureHDF;

namespace Meta.Sonata.Writing;

/// <summary>
/// Writes a run's results as SONATA files: <c>spikes.h5</c> (<c>/spikes/&lt;population&gt;/timestamps</c> in ms and
/// <c>node_ids</c>, attribute <c>sorting</c> <c>by_time</c>, <c>by_id</c> or <c>none</c> as <c>spikes_sort_order</c>
/// asks) and one file per membrane report (<c>/report/&lt;population&gt;/data</c>, samples × cells, with
/// <c>mapping/node_ids</c>, <c>index_pointers</c>, <c>element_ids</c> and <c>time</c> = [start, stop, step]).
/// </summary>
public static class SonataOutputWriter
{
    /// <summary>Writes the spike file and the reports into <paramref name="folder"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(SonataNetwork network, string folder)
    {
        ArgumentNullException.ThrowIfNull(network);
        Directory.CreateDirectory(folder);
        var written = new List<string> { WriteSpikes(network, Path.Combine(folder, network.Config.SpikesFile)) };
        foreach (var report in network.Reports)
            written.Add(WriteReport(network, report, Path.Combine(folder, report.Report.FileName ?? report.Report.Name + ".h5")));
        return written;
    }

    /// <summary>The spikes of every non-virtual cell, per SONATA population: (node ids, times), in the requested order.</summary>
    public static IReadOnlyDictionary<string, (ulong[] NodeIds, double[] Times)> Spikes(SonataNetwork network, string? sortOrder)
    {
        ArgumentNullException.ThrowIfNull(network);
        var result = new Dictionary<string, (ulong[], double[])>();
        foreach (var byPopulation in network.Groups.Where(g => !g.Virtual).GroupBy(g => g.SonataPopulation))
        {
            var spikes = new List<(ulong Id, double T)>();
            foreach (var group in byPopulation)
                foreach (var train in group.Population.GetData(["spikes"]).Segments[^1].SpikeTrains)
                    foreach (double t in train.Times) spikes.Add(((ulong)group.NodeIds[train.SourceIndex], t));
            if (sortOrder == "time") spikes.Sort((a, b) => a.T != b.T ? a.T.CompareTo(b.T) : a.Id.CompareTo(b.Id));
            else if (sortOrder is "id" or "node_id" or "gid") spikes.Sort((a, b) => a.Id != b.Id ? a.Id.CompareTo(b.Id) : a.T.CompareTo(b.T));
            result[byPopulation.Key] = (spikes.Select(s => s.Id).ToArray(), spikes.Select(s => s.T).ToArray());
        }
        return result;
    }

    private static string WriteSpikes(SonataNetwork network, string path)
    {
        string? order = network.Config.SpikesSortOrder;
        string sorting = order == "time" ? "by_time" : order is "id" or "node_id" or "gid" ? "by_id" : "none";
        var spikes = new H5Group();
        foreach (var (population, (ids, times)) in Spikes(network, order))
        {
            var timestamps = new H5Dataset(times);
            timestamps.Attributes["units"] = "ms";
            var group = new H5Group { ["timestamps"] = timestamps, ["node_ids"] = ids };
            group.Attributes["sorting"] = sorting;
            spikes[population] = group;
        }
        var file = new H5File { ["spikes"] = spikes };
        file.Write(path);
        return path;
    }

    private static string WriteReport(SonataNetwork network, SonataReportTarget target, string path)
    {
        var report = new H5Group();
        foreach (var byPopulation in target.Cells.GroupBy(c => c.Group.SonataPopulation))
        {
            var columns = new List<(ulong Id, double[] Trace)>();
            double start = 0, step = network.Simulation.Timestep;
            int samples = 0;
            foreach (var (group, positions) in byPopulation)
            {
                var signal = group.Population.GetData([target.MetaVariable]).Segments[^1].Signal(target.MetaVariable);
                (start, step, samples) = (signal.TStart, signal.SamplingPeriod, signal.SampleCount);
                var wanted = positions.ToHashSet();
                for (int c = 0; c < signal.ChannelCount; c++)
                    if (wanted.Contains(signal.ChannelIndex[c])) columns.Add(((ulong)group.NodeIds[signal.ChannelIndex[c]], signal.Column(c)));
            }
            columns.Sort((a, b) => a.Id.CompareTo(b.Id));
            var data = new double[samples, columns.Count];
            for (int c = 0; c < columns.Count; c++)
                for (int s = 0; s < samples; s++) data[s, c] = columns[c].Trace[s];
            var dataset = new H5Dataset(data);
            dataset.Attributes["units"] = "mV";
            dataset.Attributes["variable_name"] = target.Report.VariableName;
            report[byPopulation.Key] = new H5Group
            {
                ["data"] = dataset,
                ["mapping"] = new H5Group
                {
                    ["node_ids"] = columns.Select(c => c.Id).ToArray(),
                    ["index_pointers"] = Enumerable.Range(0, columns.Count + 1).Select(i => (ulong)i).ToArray(),
                    ["element_ids"] = new ulong[columns.Count],
                    ["element_pos"] = new double[columns.Count],
                    ["time"] = new[] { start, start + samples * step, step },
                },
            };
        }
        new H5File { ["report"] = report }.Write(path);
        return path;
    }
}
