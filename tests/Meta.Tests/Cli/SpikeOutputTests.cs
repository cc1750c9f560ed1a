using System.IO.Compression;
using Meta.Cli.Output;
using static Meta.Tests.Cli.CliTestSupport;

namespace Meta.Tests.Cli;

/// <summary>
/// The spike arrays of a <c>LABEL.npz</c>, written from the recording's flat columns: for an assembly, the spikes of its
/// members merged in time order, spikes at the same time in the order of the assembly's cells.
/// </summary>
public class SpikeOutputTests
{
    private const string Network = """
        {
          "name": "two-sources",
          "simulation": { "timestep": 0.1, "seed": 7, "duration": 60.0 },
          "populations": [
            { "label": "a", "size": 20, "cell_type": "SpikeSourcePoisson", "parameters": { "rate": 300.0 } },
            { "label": "b", "size": 12, "cell_type": "SpikeSourcePoisson", "parameters": { "rate": 200.0 } }
          ],
          "assemblies": [ { "label": "ba", "members": ["b", "a"] } ],
          "record": [
            { "cells": "a", "variables": ["spikes"] },
            { "cells": "b", "variables": ["spikes"] },
            { "cells": "ba", "variables": ["spikes"] }
          ]
        }
        """;

    [Fact]
    public void An_assemblys_spikes_are_its_members_spikes_in_time_then_cell_order()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "net.json"), outDir = Path.Combine(temp.Path, "out");
        File.WriteAllText(file, Network);
        var (exit, _, stderr) = Run(AppWithCpu(), "run", file, "--out", outDir, "--no-plots", "-q");
        exit.Should().Be(0, stderr);

        var a = Read(outDir, "a");
        var b = Read(outDir, "b");
        var ba = Read(outDir, "ba");
        a.Should().NotContainKey("spike_population", "one population needs no population column");
        a["recorded_cells"].Should().Equal(Enumerable.Range(0, 20).Select(i => (double)i));
        // Population indices in the network: a 0, b 1. The assembly lists b's cells first.
        ba["recorded_population"].Should().Equal(Enumerable.Repeat(1.0, 12).Concat(Enumerable.Repeat(0.0, 20)));
        var expected = a["spike_times"].Select((t, i) => (Time: t, Order: 12 + (int)a["spike_cells"][i], Pop: 0.0, Cell: a["spike_cells"][i]))
            .Concat(b["spike_times"].Select((t, i) => (Time: t, Order: (int)b["spike_cells"][i], Pop: 1.0, Cell: b["spike_cells"][i])))
            .OrderBy(e => e.Time).ThenBy(e => e.Order).ToArray();
        expected.Should().HaveCountGreaterThan(200, "the sources fire");
        expected.Select(e => e.Time).Distinct().Count().Should().BeLessThan(expected.Length, "some spikes share a step");
        ba["spike_times"].Should().Equal(expected.Select(e => e.Time));
        ba["spike_cells"].Should().Equal(expected.Select(e => e.Cell));
        ba["spike_population"].Should().Equal(expected.Select(e => e.Pop));
        a["spike_times"].Should().BeInAscendingOrder();
    }

    private static Dictionary<string, double[]> Read(string folder, string label)
    {
        var arrays = new Dictionary<string, double[]>();
        using var zip = ZipFile.OpenRead(Path.Combine(folder, label + ".npz"));
        foreach (var entry in zip.Entries)
        {
            string path = Path.Combine(folder, $"{label}-{entry.FullName}");
            entry.ExtractToFile(path, overwrite: true);
            arrays[entry.FullName[..^4]] = NpyReader.ReadDoubles(path);
        }
        return arrays;
    }
}
