using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Meta.Cli.Output;

/// <summary>One array of an <c>.npz</c> archive: its NumPy dtype (<c>&lt;f8</c>, <c>&lt;i4</c>, <c>&lt;i8</c>), shape and data.</summary>
/// <param name="Descr">The dtype descriptor, e.g. <c>&lt;f8</c>.</param>
/// <param name="Shape">The shape (empty for a scalar).</param>
/// <param name="Data">The elements' bytes, C order, little-endian.</param>
public sealed record NpyArray(string Descr, int[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>The elements as doubles; the array must be float64.</summary>
    public double[] Doubles() => As<double>("<f8");

    /// <summary>The elements as 32-bit integers; the array must be int32.</summary>
    public int[] Ints() => As<int>("<i4");

    private T[] As<T>(string descr) where T : struct =>
        Descr == descr ? MemoryMarshal.Cast<byte, T>(Data.Span).ToArray()
        : throw new InvalidDataException($"an array of dtype '{Descr}' was read where '{descr}' was expected");
}

/// <summary>
/// Reads the <c>.npz</c> archives that <see cref="NpzWriter"/> writes (uncompressed or deflated entries of float64, int32 or
/// int64 arrays, C order, little-endian): what <c>meta join</c> needs to put the files of a run's ranks together.
/// </summary>
public static class NpzReader
{
    /// <summary>The arrays of the archive at <paramref name="path"/> by name (without <c>.npy</c>), in the archive's order.</summary>
    /// <exception cref="InvalidDataException">The file is not such an archive; the message names it.</exception>
    public static IReadOnlyList<(string Name, NpyArray Array)> Read(string path)
    {
        var result = new List<(string, NpyArray)>();
        using var zip = ZipFile.OpenRead(path);
        foreach (var entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                throw new InvalidDataException($"'{path}': the entry '{entry.FullName}' is not an .npy array.");
            using var stream = entry.Open();
            // One copy of the bytes: the array's data is the decompressed buffer after the header.
            using var memory = new MemoryStream(entry.Length is > 0 and < int.MaxValue ? (int)entry.Length : 0);
            stream.CopyTo(memory);
            result.Add((entry.FullName[..^4], Parse(memory.GetBuffer(), (int)memory.Length, $"{path}/{entry.FullName}")));
        }
        return result;
    }

    /// <summary>The array in the first <paramref name="length"/> bytes of <paramref name="bytes"/> (a buffer that may be longer).</summary>
    private static NpyArray Parse(byte[] bytes, int length, string where)
    {
        var (descr, shape, offset) = NpyReader.ReadHeader(length < 10 ? bytes[..length] : bytes, where);
        if (descr is not ("<f8" or "<i4" or "<i8"))
            throw new InvalidDataException($"'{where}': dtype '{descr}' is not read (float64, int32 and int64 are).");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (length - offset != count * (descr == "<i4" ? 4 : 8))
            throw new InvalidDataException($"'{where}': {length - offset} data bytes for shape ({string.Join(", ", shape)}) of '{descr}'.");
        return new NpyArray(descr, shape, bytes.AsMemory(offset, length - offset));
    }
}
