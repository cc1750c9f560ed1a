using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Meta.Cli.Output;

/// <summary>
/// Reads one-dimensional (or flattened C-order) NumPy <c>.npy</c> arrays of float64, float32, int64, int32, uint8 or bool as
/// doubles, the form in which <c>meta serve</c> receives bulk arrays from Python.
/// </summary>
public static partial class NpyReader
{
    /// <summary>Reads the array in <paramref name="path"/> as doubles; a bad file raises <see cref="InvalidDataException"/> naming it.</summary>
    public static double[] ReadDoubles(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var (descr, shape, offset) = ReadHeader(bytes, path);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var data = bytes.AsSpan(offset);
        var result = new double[count];
        switch (descr)
        {
            case "<f8": for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]); break;
            case "<f4": for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]); break;
            case "<i8": for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]); break;
            case "<i4": for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]); break;
            case "|u1" or "|b1": for (int i = 0; i < count; i++) result[i] = data[i]; break;
            default: throw new InvalidDataException($"'{path}': dtype '{descr}' is not read (valid: <f8, <f4, <i8, <i4, |u1, |b1).");
        }
        return result;
    }

    /// <summary>
    /// The header of the <c>.npy</c> array in <paramref name="bytes"/>: its dtype descriptor, shape (empty for a scalar) and
    /// where its data begin; a bad header raises <see cref="InvalidDataException"/> naming <paramref name="where"/>.
    /// </summary>
    internal static (string Descr, int[] Shape, int DataOffset) ReadHeader(byte[] bytes, string where)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"'{where}' is not a .npy file (no \\x93NUMPY magic).");
        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int start = major == 1 ? 10 : 12;
        string header = Encoding.Latin1.GetString(bytes, start, headerLength);
        string descr = DescrPattern().Match(header) is { Success: true } d ? d.Groups[1].Value
            : throw new InvalidDataException($"'{where}': no 'descr' in the .npy header.");
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new InvalidDataException($"'{where}': Fortran-ordered arrays are not read; save a C-ordered array.");
        var shape = ShapePattern().Match(header) is { Success: true } m
            ? m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray()
            : [];
        return (descr, shape, start + headerLength);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
