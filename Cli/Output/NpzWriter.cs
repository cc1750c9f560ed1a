using System.IO.Compression;

namespace Meta.Cli.Output;

/// <summary>
/// Writes a NumPy <c>.npz</c> archive: a zip file of <c>name.npy</c> entries, readable with <c>numpy.load</c>.
/// Entries are stored uncompressed (like <c>numpy.savez</c>) unless <c>compressed</c> is true
/// (like <c>numpy.savez_compressed</c>). Dispose the writer to finish the archive.
/// </summary>
public sealed class NpzWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ZipArchive _zip;
    private readonly CompressionLevel _level;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private bool _disposed;

    /// <summary>Creates (or overwrites) the archive at <paramref name="path"/>.</summary>
    public NpzWriter(string path, bool compressed = false)
        : this(new FileStream(path ?? throw new ArgumentNullException(nameof(path)), FileMode.Create, FileAccess.ReadWrite,
            FileShare.None, 1 << 16), compressed, leaveOpen: false)
    {
    }

    /// <summary>Writes the archive to <paramref name="stream"/>.</summary>
    public NpzWriter(Stream stream, bool compressed = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _level = compressed ? CompressionLevel.Fastest : CompressionLevel.NoCompression;
        _zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
    }

    /// <summary>The array names added so far (without the <c>.npy</c> suffix), in order of addition.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>Adds a float64 array. An empty <paramref name="shape"/> means one-dimensional.</summary>
    public void Add(string name, double[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        AddEntry(name, data.Length, shape, s => NpyWriter.Write(s, data, shape));
    }

    /// <summary>Adds a float32 array. An empty <paramref name="shape"/> means one-dimensional.</summary>
    public void Add(string name, float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        AddEntry(name, data.Length, shape, s => NpyWriter.Write(s, data, shape));
    }

    /// <summary>Adds an int32 array. An empty <paramref name="shape"/> means one-dimensional.</summary>
    public void Add(string name, int[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        AddEntry(name, data.Length, shape, s => NpyWriter.Write(s, data, shape));
    }

    /// <summary>Adds an int64 array. An empty <paramref name="shape"/> means one-dimensional.</summary>
    public void Add(string name, long[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        AddEntry(name, data.Length, shape, s => NpyWriter.Write(s, data, shape));
    }

    private void AddEntry(string name, int length, int[]? shape, Action<Stream> write)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(name);
        NpyWriter.ResolveShape(length, shape); // validate before anything goes into the archive
        if (name.EndsWith(".npy", StringComparison.Ordinal))
        {
            name = name[..^4];
        }
        if (name.Length == 0)
        {
            throw new ArgumentException("The array name is empty.", nameof(name));
        }
        if (!_names.Add(name))
        {
            throw new ArgumentException($"An array named '{name}' was already added.", nameof(name));
        }
        _order.Add(name);
        var entry = _zip.CreateEntry(name + ".npy", _level);
        using var es = entry.Open();
        write(es);
    }

    /// <summary>Finishes the archive (writes the central directory) and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _zip.Dispose();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
