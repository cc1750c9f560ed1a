using Meta.Sonata;
using Meta.Sonata.Config;
using Meta.Sonata.Reading;
using Meta.Tests.Sonata;

namespace Meta.Tests.Fuzz;

/// <summary>
/// What the SONATA fuzzer found (seed 20261206): a truncated HDF5 file threw PureHDF's plain <c>Exception</c> ("The file
/// is too small"), and a config value of the wrong JSON kind threw System.Text.Json's InvalidOperationException; both are
/// now <see cref="SonataException"/>s naming the file.
/// </summary>
public class SonataFuzzRegressionTests
{
    private static string CopyOf300()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"meta-sonata-regression-{Guid.NewGuid():N}");
        foreach (var f in Directory.GetFiles(SonataFixtures.Path300, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(folder, Path.GetRelativePath(SonataFixtures.Path300, f));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(f, to);
        }
        return folder;
    }

    [SonataFact]
    public void A_truncated_nodes_file_is_a_SonataException_naming_it()
    {
        string folder = CopyOf300();
        try
        {
            string nodes = Path.Combine(folder, "network", "internal_nodes.h5");
            File.WriteAllBytes(nodes, File.ReadAllBytes(nodes)[..1147]);
            var config = SonataConfig.Load(Path.Combine(folder, "config.json"));
            var act = () => config.Nodes.SelectMany(SonataNodePopulation.Read).ToList();
            act.Should().Throw<SonataException>().WithMessage($"*internal_nodes.h5: cannot read the HDF5 file*");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [SonataFact]
    public void A_config_value_of_the_wrong_JSON_kind_is_a_SonataException_naming_the_file()
    {
        string folder = CopyOf300();
        try
        {
            string simulation = Path.Combine(folder, "simulation_config.json");
            var text = File.ReadAllText(simulation);
            int at = text.IndexOf("\"output\"", StringComparison.Ordinal);
            at.Should().BePositive();
            int open = text.IndexOf('{', at), depth = 0, end = open;
            for (; end < text.Length; end++) { if (text[end] == '{') depth++; else if (text[end] == '}' && --depth == 0) break; }
            File.WriteAllText(simulation, text[..open] + "\"membrane_report\"" + text[(end + 1)..]);
            var act = () => SonataConfig.Load(Path.Combine(folder, "config.json"));
            act.Should().Throw<SonataException>().WithMessage("*a value has the wrong JSON type*");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
