using System.IO.Compression;
using System.Text.Json;
using Meta.Tests.Cli;

namespace Meta.Tests.Torch;

/// <summary>
/// On the CPU device the Torch backend runs the kernels' masked operations (reset where refractory or spiking, the
/// threshold's <c>and not refractory</c>, the refractory count-down and restart) over the masks' lists of cells
/// (<c>SparseMasks</c>) instead of whole-population masked passes. A small COBA network (refractory cells, spikes) must
/// give exactly the results of the whole-tensor path the GPU devices take, forced on the CPU device by
/// META_TORCH_MASKED_OPS=1, with lists for masks of any size (META_TORCH_SPARSE_MIN_CELLS=0), both in child processes: every array of every recording (spikes and the probe's v) bit for bit, in
/// float64 and float32.
/// </summary>
public class TorchSparseMaskTests
{
    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void Index_lists_give_the_masked_operations_results_bit_for_bit(string precision)
    {
        using var temp = new TempFolder();
        string file = TorchChildRun.Coba400(temp.Path, network => network["simulation"]!["precision"] = precision);

        string sparse = Path.Combine(temp.Path, "sparse"), masked = Path.Combine(temp.Path, "masked");
        // Lists for every mask (the default takes them from 10 000 cells), against the whole-tensor operations.
        var (exit, stderr) = TorchChildRun.Run(file, sparse, 100, "META_TORCH_SPARSE_MIN_CELLS=0");
        exit.Should().Be(0, stderr);
        var (maskedExit, maskedStderr) = TorchChildRun.Run(file, masked, 100, "META_TORCH_MASKED_OPS=1");
        maskedExit.Should().Be(0, maskedStderr);

        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(sparse, "summary.json"))))
            summary.RootElement.GetProperty("populations").EnumerateArray()
                .Where(p => p.GetProperty("label").GetString() == "exc").Single()
                .GetProperty("spikes").GetInt32().Should().BePositive("the network must spike (and cells be refractory) for the comparison to mean anything");
        var files = Directory.GetFiles(sparse, "*.npz").Select(Path.GetFileName).Order().ToArray();
        files.Should().NotBeEmpty();
        Directory.GetFiles(masked, "*.npz").Select(Path.GetFileName).Order().Should().Equal(files);
        foreach (var name in files)
        {
            using var a = ZipFile.OpenRead(Path.Combine(sparse, name!));
            using var b = ZipFile.OpenRead(Path.Combine(masked, name!));
            a.Entries.Select(e => e.FullName).Should().Equal(b.Entries.Select(e => e.FullName), name);
            foreach (var entry in a.Entries)
                Bytes(entry).Should().Equal(Bytes(b.GetEntry(entry.FullName)!), $"{name}/{entry.FullName} ({precision})");
        }
    }

    [Fact]
    public void A_bad_smallest_list_size_is_named_with_what_is_valid()
    {
        using var temp = new TempFolder();
        string file = TorchChildRun.Coba400(temp.Path);
        var (exit, stderr) = TorchChildRun.Run(file, Path.Combine(temp.Path, "out"), 1, "META_TORCH_SPARSE_MIN_CELLS=many");
        exit.Should().NotBe(0);
        stderr.Should().Contain("META_TORCH_SPARSE_MIN_CELLS='many'").And.Contain("whole number");
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
