using Meta.Sonata;
using Meta.Sonata.Config;
using Meta.Sonata.Reading;
using PureHDF;

namespace Meta.Tests.Sonata;

/// <summary>Reading the real SONATA fixtures: configs and manifests, nodes, edges (mixed integer widths), type tables, spike inputs, node sets.</summary>
public sealed class SonataReadingTests
{
    [SonataFact]
    public void The_300_cell_network_has_its_nodes_and_edges()
    {
        var config = SonataConfig.Load(Path.Combine(SonataFixtures.Path300, "config.json"));
        var nodes = config.Nodes.SelectMany(SonataNodePopulation.Read).ToDictionary(p => p.Name);
        nodes["internal"].Count.Should().Be(300);
        nodes["external"].Count.Should().Be(100);
        nodes["internal"].NodeTypeIds.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count())
            .Should().BeEquivalentTo(new Dictionary<int, int> { [100] = 80, [101] = 80, [102] = 80, [103] = 30, [104] = 30 });
        nodes["internal"].Property(0, "model_template").Should().Be("nest:iaf_psc_alpha");
        nodes["external"].Property(5, "model_type").Should().Be("virtual");
        var edges = config.Edges.SelectMany(SonataEdgePopulation.Read).ToDictionary(p => p.Name);
        edges["internal_to_internal"].Count.Should().Be(27588);
        edges["external_to_internal"].Count.Should().Be(20844);
        edges["external_to_internal"].SourcePopulation.Should().Be("external");
        edges["external_to_internal"].TargetPopulation.Should().Be("internal");
    }

    /// <summary>Values read with h5py 3.7 (/usr/bin/python3) from the same files: (edge, source, target, type, syn_weight).</summary>
    [SonataTheory]
    [InlineData("internal_to_internal", 0, 5, 0, 100, 2.5)]
    [InlineData("internal_to_internal", 1000, 150, 13, 100, 2.5)]
    [InlineData("internal_to_internal", 12345, 207, 160, 100, 2.5)]
    [InlineData("internal_to_internal", 27587, 298, 299, 103, -3.0)]
    [InlineData("external_to_internal", 0, 0, 0, 100, 50.0)]
    [InlineData("external_to_internal", 1000, 67, 14, 100, 50.0)]
    [InlineData("external_to_internal", 12345, 64, 177, 100, 50.0)]
    [InlineData("external_to_internal", 20843, 99, 299, 101, 65.0)]
    public void Edges_match_h5py(string population, int edge, int source, int target, int type, double weight)
    {
        var config = SonataConfig.Load(Path.Combine(SonataFixtures.Path300, "circuit_config.json"));
        var e = config.Edges.SelectMany(SonataEdgePopulation.Read).Single(p => p.Name == population);
        (e.Source[edge], e.Target[edge], e.TypeIds[edge], e.Column("syn_weight")![edge]).Should().Be((source, target, type, weight));
        e.Column("delay").Should().BeNull("the delay is in the edge types table (or missing), not in the edges");
    }

    [SonataFact]
    public void Manifest_variables_nest_and_are_relative_to_the_config()
    {
        var config = SonataConfig.Load(Path.Combine(SonataFixtures.Path300, "simulation_config.json"));
        config.OutputDir!.Path.Should().Be(Path.Combine(SonataFixtures.Path300, "output"));
        config.Inputs.Single().InputFile!.Path.Should().Be(Path.Combine(SonataFixtures.Path300, "inputs", "external_spike_trains.h5"));
        config.CellModelFolders.Single().Path.Should().Be(Path.Combine(SonataFixtures.NestModels, "cell_models"));
        (config.TStop, config.Dt, config.SpikesSortOrder).Should().Be((1500.0, 0.01, "time"));
    }

    [SonataFact]
    public void A_broken_component_dir_is_reported_with_its_variable_and_can_be_overridden()
    {
        string file = Path.Combine(SonataFixtures.SimTest("ten_cells_spikes_nest"), "config.json");
        var broken = SonataConfig.Load(file).SynapseModelFolders.Single();
        broken.Exists.Should().BeFalse();
        broken.Variable.Should().Be("$COMPONENT_DIR");
        broken.Describe().Should().Contain("$COMPONENT_DIR").And.Contain("--manifest $COMPONENT_DIR=DIR").And.Contain("circuit_config.json");
        var fixedConfig = SonataConfig.Load(file, new SonataReadOptions
        {
            ManifestOverrides = new Dictionary<string, string> { ["$COMPONENT_DIR"] = SonataFixtures.NestModels },
        });
        fixedConfig.SynapseModelFolders.Single().Exists.Should().BeTrue();
    }

    /// <summary>Counts and times read with h5py 3.7 from the same file (/spikes/gids, /spikes/timestamps, sorting by_gid).</summary>
    [SonataFact]
    public void Old_layout_spike_files_are_read_per_node()
    {
        var trains = SpikeFile.Read(Path.Combine(SonataFixtures.Path300, "inputs", "external_spike_trains.h5"), "external", 100);
        trains.Sum(t => t.Length).Should().Be(4334);
        trains[7].Length.Should().Be(42);
        trains[7][..3].Should().Equal(13.026290168657411, 259.65208389649564, 451.2809223598805).And.BeInAscendingOrder();
        trains[99].Length.Should().Be(49);
    }

    [Fact]
    public void Current_layout_spike_files_with_uint16_ids_are_read_per_node()
    {
        string file = Path.Combine(Path.GetTempPath(), $"meta-sonata-spikes-{Guid.NewGuid():N}.h5");
        try
        {
            var group = new H5Group { ["timestamps"] = new[] { 5.0, 1.0, 3.0, 2.5 }, ["node_ids"] = new ushort[] { 2, 0, 2, 1 } };
            group.Attributes["sorting"] = "none";
            new H5File { ["spikes"] = new H5Group { ["inputs"] = group } }.Write(file);
            var trains = SpikeFile.Read(file, "inputs", 3);
            trains[0].Should().Equal(1.0);
            trains[1].Should().Equal(2.5);
            trains[2].Should().Equal(3.0, 5.0);
            FluentActions.Invoking(() => SpikeFile.Read(file, "inputs", 2)).Should().Throw<SonataException>().WithMessage("*node id 2 is out of range*");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SonataFact]
    public void Node_sets_select_by_population_id_and_property()
    {
        var config = SonataConfig.Load(Path.Combine(SonataFixtures.SimTest("ten_cells_spikes_nest"), "config.json"));
        var nodes = config.Nodes.SelectMany(SonataNodePopulation.Read).ToList();
        var sets = NodeSets.Read(config.NodeSetsFile!.Require());
        sets.Resolve("recorded_cells", nodes).Should().BeEquivalentTo(new Dictionary<string, int[]> { ["post"] = [0, 1, 2, 3, 4] });
        sets.Resolve("pre", nodes).Keys.Should().Equal("pre");
        sets.Resolve("e_nodes", nodes).Should().BeEquivalentTo(new Dictionary<string, int[]> { ["post"] = [0, 1, 2, 3, 4] },
            "only the post cells are point_process and 'e' (the pre cells are virtual)");
        FluentActions.Invoking(() => sets.Resolve("nope", nodes)).Should().Throw<SonataException>().WithMessage("*no node set 'nope'*recorded_cells*");
    }

    [Fact]
    public void Type_tables_are_space_delimited_with_quoted_values()
    {
        string file = Path.Combine(Path.GetTempPath(), $"meta-sonata-types-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(file, "edge_type_id target_query delay model_template\n100 \"ei == 'e'\" 2.0 static_synapse\n101 * NULL static_synapse\n");
            var table = TypeTable.Read(file, "edge_type_id");
            table.Get(100, "target_query").Should().Be("ei == 'e'");
            table.GetDouble(100, "delay").Should().Be(2.0);
            table.GetDouble(101, "delay").Should().BeNull();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
