using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace Meta.Tests.Output;

/// <summary>Reads back what the plots wrote: a PNG's size, an SVG's texts.</summary>
internal static partial class PlotImages
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The width and height in a PNG's header; fails unless the file starts with the PNG signature and an IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes.Take(8).Should().Equal(PngSignature, $"{path} is a PNG");
        System.Text.Encoding.ASCII.GetString(bytes, 12, 4).Should().Be("IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    /// <summary>The text elements of an SVG, trimmed.</summary>
    public static IReadOnlyList<string> SvgTexts(string path) =>
        TextElement().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value.Trim()).ToList();

    [GeneratedRegex(@"<text[^>]*>([^<]*)</text>")]
    private static partial Regex TextElement();
}
