using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Meta.Cli.Output;

namespace Meta.Tests.Output;

public class NpzWriterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Archive_contains_one_npy_entry_per_array(bool compressed)
    {
        string path = Path.Combine(Path.GetTempPath(), $"meta-npz-{Guid.NewGuid():N}.npz");
        try
        {
            using (var npz = new NpzWriter(path, compressed))
            {
                npz.Add("times", new double[] { 0.5, 1.5, 2.5 });
                npz.Add("senders", new int[] { 3, 1, 4 }, 3);
                npz.Add("matrix.npy", new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
                npz.Add("ids", new long[] { 10, 20 });
                npz.Names.Should().Equal("times", "senders", "matrix", "ids");
            }

            using var zip = ZipFile.OpenRead(path);
            zip.Entries.Select(e => e.FullName).Should().Equal("times.npy", "senders.npy", "matrix.npy", "ids.npy");

            byte[] times = ReadEntry(zip, "times.npy");
            times.AsSpan(0, 6).ToArray().Should().Equal(0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y');
            Encoding.ASCII.GetString(times, 10, 118).Should().Contain("'descr': '<f8'").And.Contain("'shape': (3,)");
            times.Should().HaveCount(128 + 24);
            BinaryPrimitives.ReadDoubleLittleEndian(times.AsSpan(128 + 16)).Should().Be(2.5);

            byte[] matrix = ReadEntry(zip, "matrix.npy");
            Encoding.ASCII.GetString(matrix, 10, 118).Should().Contain("'descr': '<f4'").And.Contain("'shape': (3, 2)");
            matrix.Should().HaveCount(128 + 24);

            byte[] senders = ReadEntry(zip, "senders.npy");
            BinaryPrimitives.ReadInt32LittleEndian(senders.AsSpan(128 + 8)).Should().Be(4);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Duplicate_names_and_bad_shapes_are_rejected_without_corrupting_the_archive()
    {
        using var ms = new MemoryStream();
        using (var npz = new NpzWriter(ms, leaveOpen: true))
        {
            npz.Add("a", new double[] { 1 });
            npz.Invoking(w => w.Add("a", new double[] { 2 })).Should().Throw<ArgumentException>();
            npz.Invoking(w => w.Add("b", new double[] { 1, 2, 3 }, 2, 2)).Should().Throw<ArgumentException>();
            npz.Add("b", new double[] { 1, 2, 3, 4 }, 2, 2);
        }
        ms.Position = 0;
        using var zip = new ZipArchive(ms, ZipArchiveMode.Read);
        zip.Entries.Select(e => e.FullName).Should().Equal("a.npy", "b.npy");
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        entry.Should().NotBeNull();
        using var s = entry!.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
