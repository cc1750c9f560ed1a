using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Meta.Cli.Output;

/// <summary>
/// Writes NumPy <c>.npy</c> files (format version 1.0): little-endian, C order. The header is byte-for-byte
/// what <c>numpy.save</c> writes (NumPy &gt;= 1.23, including its spare "growth" padding), padded so that the
/// data starts at a multiple of 64 bytes.
/// </summary>
/// <remarks>
/// <paramref name="shape"/> arguments may be omitted (null or empty), in which case the array is written as
/// one-dimensional, <c>(data.Length,)</c>. Otherwise the product of the dimensions must equal the data length.
/// </remarks>
public static class NpyWriter
{
    /// <summary>Alignment of the start of the data, as in NumPy.</summary>
    public const int ArrayAlign = 64;

    private const int GrowthAxisMaxDigits = 21;
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    /// <summary>Writes a float64 (<c>&lt;f8</c>) array.</summary>
    public static void Write(Stream stream, double[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteHeader(stream, "<f8", data.Length, shape);
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(stream, MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        WriteSwapped(stream, data, sizeof(double), static (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v));
    }

    /// <summary>Writes a float32 (<c>&lt;f4</c>) array.</summary>
    public static void Write(Stream stream, float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteHeader(stream, "<f4", data.Length, shape);
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(stream, MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        WriteSwapped(stream, data, sizeof(float), static (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v));
    }

    /// <summary>Writes an int32 (<c>&lt;i4</c>) array.</summary>
    public static void Write(Stream stream, int[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteHeader(stream, "<i4", data.Length, shape);
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(stream, MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        WriteSwapped(stream, data, sizeof(int), static (s, v) => BinaryPrimitives.WriteInt32LittleEndian(s, v));
    }

    /// <summary>Writes an int64 (<c>&lt;i8</c>) array.</summary>
    public static void Write(Stream stream, long[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteHeader(stream, "<i8", data.Length, shape);
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(stream, MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        WriteSwapped(stream, data, sizeof(long), static (s, v) => BinaryPrimitives.WriteInt64LittleEndian(s, v));
    }

    /// <summary>Writes a float64 array to a new file at <paramref name="path"/>.</summary>
    public static void Write(string path, double[] data, params int[] shape) => ToFile(path, s => Write(s, data, shape));

    /// <summary>Writes a float32 array to a new file at <paramref name="path"/>.</summary>
    public static void Write(string path, float[] data, params int[] shape) => ToFile(path, s => Write(s, data, shape));

    /// <summary>Writes an int32 array to a new file at <paramref name="path"/>.</summary>
    public static void Write(string path, int[] data, params int[] shape) => ToFile(path, s => Write(s, data, shape));

    /// <summary>Writes an int64 array to a new file at <paramref name="path"/>.</summary>
    public static void Write(string path, long[] data, params int[] shape) => ToFile(path, s => Write(s, data, shape));

    /// <summary>
    /// The complete header (magic, version, header length, the dictionary and its padding) that precedes the data
    /// of an array with the given dtype descriptor (e.g. <c>&lt;f8</c>) and shape.
    /// </summary>
    public static byte[] BuildHeader(string descr, IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(descr);
        ArgumentNullException.ThrowIfNull(shape);

        var sb = new StringBuilder();
        sb.Append("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': ");
        sb.Append(FormatShape(shape)).Append(", }");
        if (shape.Count > 0)
        {
            // NumPy leaves room to grow the first axis in place.
            sb.Append(' ', Math.Max(0, GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length));
        }

        // As numpy.lib.format._wrap_header: hlen counts the final '\n'; padlen is in 1..64.
        int hlen = sb.Length + 1;
        int padLen = ArrayAlign - ((Magic.Length + sizeof(ushort) + hlen) % ArrayAlign);
        int total = hlen + padLen;
        if (total > ushort.MaxValue)
        {
            throw new ArgumentException("The array has too many dimensions for an .npy v1.0 header.", nameof(shape));
        }
        sb.Append(' ', padLen).Append('\n');

        var header = new byte[Magic.Length + sizeof(ushort) + total];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(Magic.Length), (ushort)total);
        int written = Encoding.Latin1.GetBytes(sb.ToString(), header.AsSpan(Magic.Length + sizeof(ushort)));
        if (written != total)
        {
            throw new InvalidOperationException("Internal error building the .npy header.");
        }
        return header;
    }

    /// <summary>Python's repr of a shape tuple: <c>()</c>, <c>(5,)</c>, <c>(2, 3)</c>.</summary>
    internal static string FormatShape(IReadOnlyList<int> shape)
    {
        if (shape.Count == 0)
        {
            return "()";
        }
        if (shape.Count == 1)
        {
            return "(" + shape[0].ToString(CultureInfo.InvariantCulture) + ",)";
        }
        return "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
    }

    internal static int[] ResolveShape(int length, int[]? shape)
    {
        if (shape is null || shape.Length == 0)
        {
            return [length];
        }
        long product = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Negative dimension in shape {FormatShape(shape)}.", nameof(shape));
            }
            product *= d;
        }
        if (product != length)
        {
            throw new ArgumentException(
                $"Shape {FormatShape(shape)} holds {product} elements but the data has {length}.", nameof(shape));
        }
        return shape;
    }

    private static void WriteHeader(Stream stream, string descr, int length, int[]? shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteBytes(stream, BuildHeader(descr, ResolveShape(length, shape)));
    }

    private static void WriteBytes(Stream stream, ReadOnlySpan<byte> bytes)
    {
        // Write in slices so huge arrays do not need one giant write (some streams dislike that).
        const int slice = 1 << 20;
        while (bytes.Length > 0)
        {
            int n = Math.Min(slice, bytes.Length);
            stream.Write(bytes[..n]);
            bytes = bytes[n..];
        }
    }

    private delegate void LittleEndianWriter<T>(Span<byte> destination, T value);

    private static void WriteSwapped<T>(Stream stream, T[] data, int size, LittleEndianWriter<T> write)
    {
        var buffer = new byte[Math.Max(size, 8192 / size * size)];
        int used = 0;
        foreach (T v in data)
        {
            write(buffer.AsSpan(used, size), v);
            used += size;
            if (used == buffer.Length)
            {
                stream.Write(buffer, 0, used);
                used = 0;
            }
        }
        stream.Write(buffer, 0, used);
    }

    private static void ToFile(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        write(fs);
    }
}
