using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Meta.Cli.Output;

namespace Meta.Tests.Output;

public class PngCanvasTests
{
    /// <summary>Bitwise CRC-32 (no table), independent of the implementation under test.</summary>
    private static uint ReferenceCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }
        return ~crc;
    }

    private sealed record Chunk(string Type, byte[] Data, uint StoredCrc, uint ComputedCrc);

    private static List<Chunk> ParseChunks(byte[] png)
    {
        var chunks = new List<Chunk>();
        int pos = 8;
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            byte[] data = png.AsSpan(pos + 8, len).ToArray();
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            uint computed = ReferenceCrc32(png.AsSpan(pos + 4, 4 + len));
            chunks.Add(new Chunk(type, data, stored, computed));
            pos += 12 + len;
        }
        return chunks;
    }

    [Fact]
    public void Reference_and_library_crc32_match_the_standard_check_value()
    {
        byte[] check = Encoding.ASCII.GetBytes("123456789");
        ReferenceCrc32(check).Should().Be(0xCBF43926u);
        Crc32.Compute(check).Should().Be(0xCBF43926u);
        Crc32.Compute([]).Should().Be(0u);
    }

    [Theory]
    [InlineData(37, 23)]
    [InlineData(1, 1)]
    [InlineData(640, 480)]
    public void Png_has_signature_valid_chunks_and_full_image_data(int width, int height)
    {
        var canvas = new PngCanvas(width, height, Rgb.White);
        canvas.DrawLine(0, 0, width - 1, height - 1, Rgb.Red);
        byte[] png = canvas.ToPngBytes();

        png.AsSpan(0, 8).ToArray().Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
        var chunks = ParseChunks(png);
        chunks[0].Type.Should().Be("IHDR");
        chunks[^1].Type.Should().Be("IEND");
        chunks[^1].Data.Should().BeEmpty();
        foreach (var c in chunks)
        {
            c.StoredCrc.Should().Be(c.ComputedCrc, because: $"the {c.Type} CRC must be correct");
        }

        var ihdr = chunks[0].Data;
        ihdr.Should().HaveCount(13);
        BinaryPrimitives.ReadInt32BigEndian(ihdr).Should().Be(width);
        BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)).Should().Be(height);
        ihdr[8].Should().Be(8);  // bit depth
        ihdr[9].Should().Be(2);  // RGB
        ihdr[12].Should().Be(0); // not interlaced

        byte[] zdata = chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray();
        zdata[0].Should().Be(0x78, "IDAT must be a zlib stream");
        using var z = new ZLibStream(new MemoryStream(zdata), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        raw.Length.Should().Be((long)height * (1 + (3 * width)));

        // Every scanline uses filter 0 and the diagonal's first pixel is red.
        byte[] pixels = raw.ToArray();
        for (int y = 0; y < height; y++)
        {
            pixels[y * (1 + (3 * width))].Should().Be(0);
        }
        pixels.AsSpan(1, 3).ToArray().Should().Equal(Rgb.Red.R, Rgb.Red.G, Rgb.Red.B);
    }

    [Fact]
    public void Drawing_primitives_touch_the_expected_pixels_and_ignore_out_of_range()
    {
        var c = new PngCanvas(20, 10, Rgb.White);
        c.SetPixel(-1, 5, Rgb.Black);
        c.SetPixel(3, 4, Rgb.Black);
        c.GetPixel(3, 4).Should().Be(Rgb.Black);

        c.FillRect(18, 8, 10, 10, Rgb.Blue);
        c.GetPixel(19, 9).Should().Be(Rgb.Blue);
        c.GetPixel(17, 9).Should().Be(Rgb.White);

        c.DrawLine(0, 0, 19, 0, Rgb.Green);
        Enumerable.Range(0, 20).Should().OnlyContain(x => c.GetPixel(x, 0) == Rgb.Green);

        // Far away endpoints are clipped, not iterated.
        c.DrawLine(-1e9, 2, 1e9, 2, Rgb.Red, 1);
        c.GetPixel(10, 2).Should().Be(Rgb.Red);
        c.DrawPolyline([(0, 9), (double.NaN, 0), (5, 9), (9, 9)], Rgb.Red);
        c.GetPixel(7, 9).Should().Be(Rgb.Red);

        c.SetClip(0, 0, 5, 5);
        c.FillRect(0, 0, 20, 10, Rgb.Black);
        c.ResetClip();
        c.GetPixel(4, 4).Should().Be(Rgb.Black);
        c.GetPixel(5, 5).Should().NotBe(Rgb.Black);
    }

    [Fact]
    public void Every_required_character_has_a_glyph_and_text_draws_inside_its_box()
    {
        const string required = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .,-+:()/%=_[]#";
        required.ToCharArray().Should().OnlyContain(ch => BitmapFont.HasGlyph(ch));

        foreach (int scale in new[] { 1, 2 })
        {
            var c = new PngCanvas(200, 40, Rgb.White);
            c.DrawText(2, 3, "Rate (Hz) = 12.5%", Rgb.Black, scale);
            int w = BitmapFont.MeasureWidth("Rate (Hz) = 12.5%", scale);
            int h = BitmapFont.MeasureHeight(scale);
            int inked = 0;
            for (int y = 0; y < 40; y++)
            {
                for (int x = 0; x < 200; x++)
                {
                    if (c.GetPixel(x, y) == Rgb.Black)
                    {
                        inked++;
                        x.Should().BeInRange(2, 2 + w - 1);
                        y.Should().BeInRange(3, 3 + h - 1);
                    }
                }
            }
            inked.Should().BeGreaterThan(50 * scale * scale);
        }
    }

    [Fact]
    public void Vertical_text_fills_a_rotated_box()
    {
        var c = new PngCanvas(30, 100, Rgb.White);
        c.DrawTextVertical(5, 10, "cell", Rgb.Black, 2);
        int w = BitmapFont.MeasureHeight(2);
        int h = BitmapFont.MeasureWidth("cell", 2);
        int inked = 0;
        for (int y = 0; y < 100; y++)
        {
            for (int x = 0; x < 30; x++)
            {
                if (c.GetPixel(x, y) == Rgb.Black)
                {
                    inked++;
                    x.Should().BeInRange(5, 5 + w - 1);
                    y.Should().BeInRange(10, 10 + h - 1);
                }
            }
        }
        inked.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Save_to_file_writes_the_same_bytes()
    {
        var c = new PngCanvas(10, 10, Rgb.LightGray);
        string path = Path.Combine(Path.GetTempPath(), $"meta-png-{Guid.NewGuid():N}.png");
        try
        {
            c.Save(path);
            File.ReadAllBytes(path).Should().Equal(c.ToPngBytes());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
