using Meta.Sonata;
using Meta.Sonata.Config;
using Meta.Sonata.Reading;
using PureHDF;

namespace Meta.Tests.Sonata;

/// <summary>
/// Edge columns of every stored integer and float width are read in whole chunks of their stored type and converted per
/// chunk: values across a chunk boundary (2^20 elements) come out exact, and an id too large for an index is named.
/// </summary>
public sealed class SonataColumnReadingTests
{
    private const int Edges = (1 << 20) + 3;

    private static ConfigPath Path(string file) => new(file, file, "test", file, null, null);

    private static SonataEdgePopulation Read(string folder, H5Dataset source)
    {
        var target = new H5Dataset(Enumerable.Range(0, Edges).Select(i => (long)(i % 5)).ToArray());
        source.Attributes["node_population"] = "a";
        target.Attributes["node_population"] = "b";
        new H5File
        {
            ["edges"] = new H5Group
            {
                ["a_to_b"] = new H5Group
                {
                    ["source_node_id"] = source,
                    ["target_node_id"] = target,
                    ["edge_type_id"] = Enumerable.Repeat(10u, Edges).ToArray(),
                    ["edge_group_id"] = new byte[Edges],
                    ["edge_group_index"] = Enumerable.Range(0, Edges).ToArray(),
                    ["0"] = new H5Group
                    {
                        ["syn_weight"] = Enumerable.Range(0, Edges).Select(i => (float)(i % 1000) * 0.25f).ToArray(),
                        ["delay"] = Enumerable.Range(0, Edges).Select(i => (short)(1 + i % 3)).ToArray(),
                    },
                },
            },
        }.Write(System.IO.Path.Combine(folder, "edges.h5"));
        File.WriteAllText(System.IO.Path.Combine(folder, "edge_types.csv"), "edge_type_id model_template\n10 static_synapse\n");
        return SonataEdgePopulation.Read(new EdgeFiles(Path(System.IO.Path.Combine(folder, "edges.h5")), Path(System.IO.Path.Combine(folder, "edge_types.csv")))).Single();
    }

    [Fact]
    public void Columns_of_every_width_are_exact_across_the_chunk_boundary()
    {
        string folder = Directory.CreateTempSubdirectory("meta-sonata-columns-").FullName;
        try
        {
            var e = Read(folder, new H5Dataset(Enumerable.Range(0, Edges).Select(i => (ulong)(i % 7)).ToArray()));
            e.Count.Should().Be(Edges);
            e.DistinctTypeIds.Should().Equal(10);
            var weight = e.Column("syn_weight")!;
            var delay = e.Column("delay")!;
            foreach (int i in new[] { 0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, Edges - 1 })
            {
                (e.Source[i], e.Target[i], e.TypeIds[i]).Should().Be((i % 7, i % 5, 10), $"edge {i}");
                weight[i].Should().Be((i % 1000) * 0.25, $"edge {i}: float32 syn_weight");
                delay[i].Should().Be(1 + i % 3, $"edge {i}: int16 delay");
            }
            for (int i = 0; i < Edges; i++)
                if (e.Source[i] != i % 7 || e.Target[i] != i % 5) throw new InvalidOperationException($"edge {i}: ({e.Source[i]}, {e.Target[i]})");
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void A_node_id_too_large_for_an_index_is_named_with_its_element()
    {
        string folder = Directory.CreateTempSubdirectory("meta-sonata-columns-").FullName;
        try
        {
            var ids = new ulong[Edges];
            ids[(1 << 20) + 1] = (ulong)int.MaxValue + 1;
            var error = FluentActions.Invoking(() => Read(folder, new H5Dataset(ids))).Should().Throw<SonataException>().Which;
            error.Message.Should().Contain("source_node_id").And.Contain($"the value {(ulong)int.MaxValue + 1} (element {(1 << 20) + 1}) does not fit Int32");
        }
        finally { Directory.Delete(folder, true); }
    }
}
