using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PureHDF;
using PureHDF.Selections;

namespace Meta.Sonata.Reading;

/// <summary>
/// Reads one-dimensional HDF5 datasets of any integer width (8 to 64 bits, signed or not) or float type into
/// <c>int[]</c> or <c>double[]</c>, in chunks: each chunk is read into a small scratch buffer of the file's own type and
/// converted into the one result array, so a large edge column is never held twice.
/// </summary>
internal static class H5Columns
{
    /// <summary>Elements per chunk (1 Mi).</summary>
    public const int ChunkSize = 1 << 20;

    /// <summary>The number of elements of a one-dimensional dataset (the first dimension otherwise).</summary>
    public static int Length(IH5Dataset dataset, string where)
    {
        var dims = dataset.Space.Dimensions;
        ulong n = dims.Length == 0 ? 1 : dims[0];
        if (n > int.MaxValue) throw new SonataException($"{where}: {n} elements is more than this reader supports ({int.MaxValue}).");
        return (int)n;
    }

    /// <summary>Reads an integer dataset as indices (checked to fit an <c>int</c>).</summary>
    public static int[] ReadInts(IH5Dataset dataset, string where)
    {
        var result = new int[Length(dataset, where)];
        Read(dataset, result, where);
        return result;
    }

    /// <summary>Reads a numeric dataset (integers or floats) as doubles.</summary>
    public static double[] ReadDoubles(IH5Dataset dataset, string where)
    {
        var result = new double[Length(dataset, where)];
        Read(dataset, result, where);
        return result;
    }

    private static void Read<TDst>(IH5Dataset dataset, TDst[] into, string where) where TDst : INumberBase<TDst>
    {
        var type = dataset.Type;
        switch (type.Class)
        {
            case H5DataTypeClass.FixedPoint:
                bool signed = type.FixedPoint.IsSigned;
                switch (type.Size)
                {
                    case 1: if (signed) Chunked<sbyte, TDst>(dataset, into, where); else Chunked<byte, TDst>(dataset, into, where); return;
                    case 2: if (signed) Chunked<short, TDst>(dataset, into, where); else Chunked<ushort, TDst>(dataset, into, where); return;
                    case 4: if (signed) Chunked<int, TDst>(dataset, into, where); else Chunked<uint, TDst>(dataset, into, where); return;
                    case 8: if (signed) Chunked<long, TDst>(dataset, into, where); else Chunked<ulong, TDst>(dataset, into, where); return;
                }
                break;
            case H5DataTypeClass.FloatingPoint:
                switch (type.Size)
                {
                    case 4: Chunked<float, TDst>(dataset, into, where); return;
                    case 8: Chunked<double, TDst>(dataset, into, where); return;
                }
                break;
        }
        throw new SonataException($"{where}: expected a numeric dataset, found HDF5 type {type.Class} of {type.Size} bytes.");
    }

    private static void Chunked<TSrc, TDst>(IH5Dataset dataset, TDst[] into, string where)
        where TSrc : unmanaged, INumberBase<TSrc> where TDst : INumberBase<TDst>
    {
        if (into.Length == 0) return;
        if (dataset.Space.Dimensions.Length == 0)
        {
            into[0] = Convert<TSrc, TDst>(dataset.Read<TSrc>(), where);
            return;
        }
        // Whole contiguous chunks of the stored type, converted by one loop per chunk with no per-element generic call.
        var scratch = new TSrc[Math.Min(ChunkSize, into.Length)];
        for (int start = 0; start < into.Length; start += scratch.Length)
        {
            int count = Math.Min(scratch.Length, into.Length - start);
            var buffer = count == scratch.Length ? scratch : new TSrc[count];
            dataset.Read(buffer, fileSelection: new HyperslabSelection((ulong)start, (ulong)count));
            if (typeof(TDst) == typeof(int)) ToInts(buffer, Unsafe.As<int[]>(into).AsSpan(start, count), start, where);
            else if (typeof(TDst) == typeof(double)) ToDoubles(buffer, Unsafe.As<double[]>(into).AsSpan(start, count));
            else for (int i = 0; i < count; i++) into[start + i] = Convert<TSrc, TDst>(buffer[i], where);
        }
    }

    /// <summary>Converts one chunk of integers to <c>int</c>, checking the range where the stored type is wider.</summary>
    private static void ToInts<TSrc>(TSrc[] chunk, Span<int> into, int start, string where) where TSrc : unmanaged, INumberBase<TSrc>
    {
        if (typeof(TSrc) == typeof(int)) { MemoryMarshal.Cast<TSrc, int>(chunk).CopyTo(into); return; }
        if (typeof(TSrc) == typeof(ulong))
        {
            var s = MemoryMarshal.Cast<TSrc, ulong>(chunk);
            for (int i = 0; i < s.Length; i++) into[i] = s[i] <= int.MaxValue ? (int)s[i] : throw TooLarge(s[i], start + i, where);
            return;
        }
        if (typeof(TSrc) == typeof(long))
        {
            var s = MemoryMarshal.Cast<TSrc, long>(chunk);
            for (int i = 0; i < s.Length; i++) into[i] = s[i] is >= int.MinValue and <= int.MaxValue ? (int)s[i] : throw TooLarge(s[i], start + i, where);
            return;
        }
        if (typeof(TSrc) == typeof(uint))
        {
            var s = MemoryMarshal.Cast<TSrc, uint>(chunk);
            for (int i = 0; i < s.Length; i++) into[i] = s[i] <= int.MaxValue ? (int)s[i] : throw TooLarge(s[i], start + i, where);
            return;
        }
        // 8- and 16-bit integers always fit; floats are checked one by one.
        for (int i = 0; i < chunk.Length; i++) into[i] = Convert<TSrc, int>(chunk[i], where);
    }

    /// <summary>Converts one chunk of numbers to <c>double</c> (exact for every stored type but 64-bit integers beyond 2^53, as h5py's).</summary>
    private static void ToDoubles<TSrc>(TSrc[] chunk, Span<double> into) where TSrc : unmanaged, INumberBase<TSrc>
    {
        if (typeof(TSrc) == typeof(double)) { MemoryMarshal.Cast<TSrc, double>(chunk).CopyTo(into); return; }
        if (typeof(TSrc) == typeof(float)) { var s = MemoryMarshal.Cast<TSrc, float>(chunk); for (int i = 0; i < s.Length; i++) into[i] = s[i]; return; }
        if (typeof(TSrc) == typeof(int)) { var s = MemoryMarshal.Cast<TSrc, int>(chunk); for (int i = 0; i < s.Length; i++) into[i] = s[i]; return; }
        if (typeof(TSrc) == typeof(long)) { var s = MemoryMarshal.Cast<TSrc, long>(chunk); for (int i = 0; i < s.Length; i++) into[i] = s[i]; return; }
        if (typeof(TSrc) == typeof(ulong)) { var s = MemoryMarshal.Cast<TSrc, ulong>(chunk); for (int i = 0; i < s.Length; i++) into[i] = s[i]; return; }
        for (int i = 0; i < chunk.Length; i++) into[i] = double.CreateTruncating(chunk[i]);
    }

    private static SonataException TooLarge<T>(T value, int index, string where) =>
        new($"{where}: the value {value} (element {index}) does not fit Int32.");

    private static TDst Convert<TSrc, TDst>(TSrc value, string where) where TSrc : INumberBase<TSrc> where TDst : INumberBase<TDst>
    {
        try
        {
            return TDst.CreateChecked(value);
        }
        catch (OverflowException)
        {
            throw new SonataException($"{where}: the value {value} does not fit {typeof(TDst).Name}.");
        }
    }
}
