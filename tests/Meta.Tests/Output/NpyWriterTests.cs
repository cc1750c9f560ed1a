using System.Buffers.Binary;
using System.Text;
using Meta.Cli.Output;

namespace Meta.Tests.Output;

public class NpyWriterTests
{
    private static byte[] Prefix(ushort headerLen) =>
        [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(headerLen & 0xFF), (byte)(headerLen >> 8)];

    [Fact]
    public void Float64_2x3_header_matches_numpy_exactly()
    {
        double[] data = [1, 2, 3, 4, 5, 6];
        using var ms = new MemoryStream();
        NpyWriter.Write(ms, data, 2, 3);
        byte[] bytes = ms.ToArray();

        // What numpy.save(np.arange(1., 7.).reshape(2, 3)) writes (NumPy 1.24): 128 header bytes in total.
        string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" + new string(' ', 58) + "\n";
        byte[] expected = [.. Prefix(118), .. Encoding.ASCII.GetBytes(dict)];
        expected.Should().HaveCount(128);

        bytes.Should().HaveCount(128 + (6 * 8));
        bytes.AsSpan(0, 128).ToArray().Should().Equal(expected);
        bytes[127].Should().Be((byte)'\n');
        BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)).Should().Be(118);
        ((10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))) % 64).Should().Be(0);
    }

    [Fact]
    public void Float64_data_round_trips_little_endian_in_C_order()
    {
        double[] data = [1.5, -2.25, double.MaxValue, double.Epsilon, 0, double.NaN];
        using var ms = new MemoryStream();
        NpyWriter.Write(ms, data, 2, 3);
        var body = ms.ToArray().AsSpan(128);
        for (int i = 0; i < data.Length; i++)
        {
            double v = BinaryPrimitives.ReadDoubleLittleEndian(body.Slice(i * 8, 8));
            v.Should().Be(data[i], because: $"element {i}");
        }
    }

    [Fact]
    public void Int32_1d_header_matches_numpy_exactly_and_data_round_trips()
    {
        int[] data = [0, 1, -2, int.MaxValue, int.MinValue];
        using var ms = new MemoryStream();
        NpyWriter.Write(ms, data, 5);
        byte[] bytes = ms.ToArray();

        string dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }" + new string(' ', 60) + "\n";
        byte[] expected = [.. Prefix(118), .. Encoding.ASCII.GetBytes(dict)];
        bytes.AsSpan(0, 128).ToArray().Should().Equal(expected);
        bytes.Should().HaveCount(128 + (5 * 4));
        for (int i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(128 + (i * 4))).Should().Be(data[i]);
        }
    }

    [Fact]
    public void Omitted_shape_means_one_dimensional()
    {
        using var a = new MemoryStream();
        using var b = new MemoryStream();
        NpyWriter.Write(a, new long[] { 7, 8, 9 });
        NpyWriter.Write(b, new long[] { 7, 8, 9 }, 3);
        a.ToArray().Should().Equal(b.ToArray());
        Encoding.ASCII.GetString(a.ToArray(), 10, 60).Should().Contain("'descr': '<i8'").And.Contain("'shape': (3,)");
    }

    [Fact]
    public void Float32_and_int64_have_their_descriptors_and_sizes()
    {
        using var f = new MemoryStream();
        NpyWriter.Write(f, new float[] { 1f, 2f, 3f, 4f }, 2, 2);
        f.Length.Should().Be(128 + 16);
        Encoding.ASCII.GetString(f.ToArray(), 10, 118).Should().StartWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }");
        BinaryPrimitives.ReadSingleLittleEndian(f.ToArray().AsSpan(128 + 12)).Should().Be(4f);

        using var l = new MemoryStream();
        NpyWriter.Write(l, new long[] { long.MinValue, 42 }, 1, 2);
        BinaryPrimitives.ReadInt64LittleEndian(l.ToArray().AsSpan(128)).Should().Be(long.MinValue);
        BinaryPrimitives.ReadInt64LittleEndian(l.ToArray().AsSpan(136)).Should().Be(42);
    }

    [Theory]
    [InlineData(new int[] { 0 })]
    [InlineData(new int[] { 4000, 20 })]
    [InlineData(new int[] { 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(new int[] { 123456789, 0 })]
    public void Header_length_is_always_a_multiple_of_64_and_ends_with_newline(int[] shape)
    {
        byte[] header = NpyWriter.BuildHeader("<f8", shape);
        (header.Length % 64).Should().Be(0);
        header[^1].Should().Be((byte)'\n');
        BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)).Should().Be((ushort)(header.Length - 10));
    }

    [Fact]
    public void Empty_shape_header_is_a_scalar_tuple()
    {
        Encoding.ASCII.GetString(NpyWriter.BuildHeader("<f8", Array.Empty<int>())).Should().Contain("'shape': (), }");
    }

    [Fact]
    public void Mismatched_shape_throws()
    {
        using var ms = new MemoryStream();
        var act = () => NpyWriter.Write(ms, new double[5], 2, 3);
        act.Should().Throw<ArgumentException>();
        ms.Length.Should().Be(0);
    }
}
