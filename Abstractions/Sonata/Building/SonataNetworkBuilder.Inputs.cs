using Meta.CurrentSources;
using Meta.Sonata.Config;
using Meta.Sonata.Reading;

namespace Meta.Sonata.Building;

public static partial class SonataNetworkBuilder
{
    private static Dictionary<string, double[][]> ReadSpikeInputs(SonataConfig config, IReadOnlyList<SonataNodePopulation> nodes, NodeSets sets)
    {
        var trains = new Dictionary<string, double[][]>();
        foreach (var input in config.Inputs.Where(i => i.InputType == "spikes"))
        {
            if (input.Module is not (null or "h5" or "sonata" or "hdf5"))
                throw new SonataException($"{config.File}: input '{input.Name}' has module '{input.Module}'; only SONATA spike files (module h5/sonata) are supported.");
            string file = (input.InputFile ?? throw new SonataException($"{config.File}: input '{input.Name}' has no input_file.")).Require();
            var selected = input.NodeSet is { } set ? sets.Resolve(set, nodes) : nodes.ToDictionary(p => p.Name, p => Enumerable.Range(0, p.Count).ToArray());
            foreach (var (popName, ids) in selected)
            {
                var pop = nodes.First(p => p.Name == popName);
                var read = SpikeFile.Read(file, popName, pop.Count);
                var into = trains.TryGetValue(popName, out var existing) ? existing : trains[popName] = new double[pop.Count][];
                foreach (int id in ids)
                    into[id] = into[id] is { } before ? [.. before.Concat(read[id]).Order()] : read[id];
            }
        }
        return trains;
    }

    private static void AddCurrentClamps(SonataConfig config, IReadOnlyList<SonataNodePopulation> nodes, NodeSets sets,
        Dictionary<string, (int[] Group, int[] Position, List<SonataCellGroup> Groups)> placement)
    {
        foreach (var input in config.Inputs.Where(i => i.InputType == "current_clamp"))
        {
            if (input.Amp.Count == 0 || input.Delay.Count == 0 || input.Duration.Count == 0)
                throw new SonataException($"{config.File}: current clamp '{input.Name}' needs amp, delay and duration.");
            if (input.Amp.Count != input.Delay.Count || input.Amp.Count != input.Duration.Count)
                throw new SonataException($"{config.File}: current clamp '{input.Name}' has {input.Amp.Count} amps, {input.Delay.Count} delays and {input.Duration.Count} durations.");
            var selected = input.NodeSet is { } set ? sets.Resolve(set, nodes) : nodes.ToDictionary(p => p.Name, p => Enumerable.Range(0, p.Count).ToArray());
            foreach (var (group, positions) in Locate(selected, placement).Where(x => !x.Group.Virtual))
            {
                CurrentSource source;
                if (input.Amp.Count == 1)
                    source = new DCSource { Amplitude = input.Amp[0] / 1000.0, Start = input.Delay[0], Stop = input.Delay[0] + input.Duration[0] };
                else
                {
                    var times = new List<double>();
                    var amps = new List<double>();
                    for (int k = 0; k < input.Amp.Count; k++)
                    {
                        times.Add(input.Delay[k]); amps.Add(input.Amp[k] / 1000.0);
                        times.Add(input.Delay[k] + input.Duration[k]); amps.Add(0.0);
                    }
                    source = new StepCurrentSource([.. times], [.. amps]);
                }
                source.Label = input.Name;
                group.Population.Select(positions).Inject(source);
            }
        }
    }

    private static List<SonataReportTarget> AddReports(SonataConfig config, IReadOnlyList<SonataNodePopulation> nodes, NodeSets sets,
        Dictionary<string, (int[] Group, int[] Position, List<SonataCellGroup> Groups)> placement, List<string> warnings)
    {
        var reports = new List<SonataReportTarget>();
        foreach (var report in config.Reports.Where(r => r.Enabled))
        {
            if (report.VariableName != "V_m")
            {
                warnings.Add($"{config.File}: report '{report.Name}' records '{report.VariableName}'; only V_m (Meta's v) is supported, so it is left out.");
                continue;
            }
            var cells = Locate(sets.Resolve(report.Cells, nodes), placement).Where(x => !x.Group.Virtual).ToList();
            foreach (var (group, positions) in cells) group.Population.Select(positions).Record("v");
            reports.Add(new SonataReportTarget(report, "v", cells));
        }
        return reports;
    }

    private static List<(SonataCellGroup Group, int[] Positions)> Locate(IReadOnlyDictionary<string, int[]> selected,
        Dictionary<string, (int[] Group, int[] Position, List<SonataCellGroup> Groups)> placement)
    {
        var result = new List<(SonataCellGroup, int[])>();
        foreach (var (popName, ids) in selected)
        {
            var (groupOf, positionOf, groups) = placement[popName];
            foreach (var byGroup in ids.GroupBy(id => groupOf[id]))
                result.Add((groups[byGroup.Key], byGroup.Select(id => positionOf[id]).Order().ToArray()));
        }
        return result;
    }
}
