using System.Security.Cryptography;
using System.Text;
using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Lowering.Kernels;
using Meta.Models;
using Meta.Network;

namespace Meta.Sweeps;

/// <summary>
/// An on-disk cache of thermalised states (docs/sweeps.md, "Thermalisation"): the state a variant reaches after running
/// from its initial values for a given time, one file per variant, keyed by a content hash (<see cref="KeyOf"/>) of
/// everything that decides that state: the model definitions' structure, the variant's parameters, initial values,
/// connections, sources and seed, the time step, the duration, the backend and its precision. A file is written whole
/// (to a temporary name, then moved), so concurrent sweeps never read half a file.
/// </summary>
public sealed class ThermalisationCache
{
    private const string Magic = "meta-thermalised-state-v1";

    /// <summary>Opens (and creates) the cache in <paramref name="directory"/>, or the default one.</summary>
    public ThermalisationCache(string? directory = null)
    {
        Directory = directory ?? DefaultDirectory;
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The folder of the cache.</summary>
    public string Directory { get; }

    /// <summary>
    /// The default folder: <c>$META_CACHE_DIR/thermalised</c> when that variable is set, else
    /// <c>$XDG_CACHE_HOME/meta/thermalised</c>, else the user's local application data folder (<c>~/.cache/meta/thermalised</c>
    /// on Linux).
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("META_CACHE_DIR") is { Length: > 0 } meta) return Path.Combine(meta, "thermalised");
            string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
                : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "meta", "thermalised");
        }
    }

    /// <summary>The state stored under <paramref name="key"/>, or null.</summary>
    public IReadOnlyDictionary<string, double[]>? TryLoad(string key)
    {
        string path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadString() != Magic || reader.ReadString() != key) return null;
            int count = reader.ReadInt32();
            var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                var values = new double[reader.ReadInt32()];
                for (int j = 0; j < values.Length; j++) values[j] = reader.ReadDouble();
                result[name] = values;
            }
            return result;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="state"/> under <paramref name="key"/>.</summary>
    public void Store(string key, IReadOnlyDictionary<string, double[]> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string path = PathOf(key);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var writer = new BinaryWriter(File.Create(temporary), Encoding.UTF8))
        {
            writer.Write(Magic);
            writer.Write(key);
            writer.Write(state.Count);
            foreach (var (name, values) in state.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.Write(name);
                writer.Write(values.Length);
                foreach (double v in values) writer.Write(v);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string key) => Path.Combine(Directory, key + ".state");

    /// <summary>
    /// The content hash (SHA-256, hex) of a variant for a thermalisation of <paramref name="steps"/> steps on
    /// <paramref name="backend"/> in <paramref name="precision"/>.
    /// </summary>
    public static string KeyOf(NetworkSpec variant, long steps, string backend, Precision? precision)
    {
        ArgumentNullException.ThrowIfNull(variant);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var w = new HashWriter(hash);
        w.Text(Magic).Text(backend).Text(precision?.ToString() ?? "default").Number(variant.Timestep).Integer(steps).Integer((long)variant.Seed);
        foreach (var p in variant.Populations)
        {
            w.Text(p.Label).Text(p.Model.Name).Text(StructureKey(p.Model)).Integer(p.Size);
            w.Columns(p.Parameters).Columns(p.InitialValues);
            foreach (var (name, sequences) in p.Sequences.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Text(name);
                foreach (var s in sequences) w.Numbers(s);
            }
        }
        foreach (var j in variant.Projections)
        {
            w.Text(j.Label).Integer(j.PreGroup).Integer(j.PostGroup).Integer(j.Receptor).Text(j.SynapseType).Text(j.Kernel?.Key ?? "static")
                .Ints(j.PreIndices).Ints(j.PostIndices).Numbers(j.Weights).Ints(j.DelaySteps).Number(j.DendriticDelayFraction).Columns(j.Values);
        }
        foreach (var c in variant.Couplings)
            w.Text(c.Label).Text(c.Type).Integer(c.PreGroup).Integer(c.PostGroup).Text(c.Kernel.Key).Ints(c.PreIndices).Ints(c.PostIndices).Columns(c.Values);
        foreach (var s in variant.CurrentSources)
        {
            w.Text(s.Kind).Integer(s.Population).Ints(s.Cells).Numbers(s.Amplitudes).Text(s.Waveform?.ToString() ?? "none");
            foreach (long change in s.ChangeSteps) w.Integer(change);
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ModelDefinition, string> StructureKeys = [];

    /// <summary>A model's structure: the key of its kernel with every value per cell (spike sources: the generator).</summary>
    private static string StructureKey(ModelDefinition model) => StructureKeys.GetValue(model,
        m => m.Kind == ModelKind.Neuron ? NeuronGroupLowering.KernelOf(m, uniformValues: false).Key : "source:" + m.SourceKind);

    private sealed class HashWriter(IncrementalHash hash)
    {
        private readonly byte[] _buffer = new byte[8];

        public HashWriter Text(string text)
        {
            Integer(text.Length);
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            return this;
        }

        public HashWriter Integer(long value)
        {
            BitConverter.TryWriteBytes(_buffer, value);
            hash.AppendData(_buffer);
            return this;
        }

        public HashWriter Number(double value) => Integer(BitConverter.DoubleToInt64Bits(value));

        public HashWriter Numbers(double[] values)
        {
            Integer(values.Length);
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return this;
        }

        /// <summary>
        /// The same bytes as <see cref="Numbers(double[])"/> of the list's elements, without expanding one value stored for
        /// every synapse (<see cref="RepeatedValue{T}"/>) into an array of them.
        /// </summary>
        public HashWriter Numbers(IReadOnlyList<double> values) =>
            values is RepeatedValue<double> r ? Repeated(r) : Numbers(values as double[] ?? values.ToArray());

        /// <summary>The same bytes as <see cref="Ints(int[])"/> of the list's elements, a repeated value not expanded.</summary>
        public HashWriter Ints(IReadOnlyList<int> values) =>
            values is RepeatedValue<int> r ? Repeated(r) : Ints(values as int[] ?? values.ToArray());

        /// <summary>The length, then the value's bytes once per element, appended a chunk at a time.</summary>
        private HashWriter Repeated<T>(RepeatedValue<T> values) where T : unmanaged
        {
            Integer(values.Count);
            var chunk = new T[Math.Min(values.Count, 4096)];
            Array.Fill(chunk, values.Value);
            for (int left = values.Count; left > 0; left -= chunk.Length)
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk.AsSpan(0, Math.Min(left, chunk.Length))));
            return this;
        }

        public HashWriter Ints(int[] values)
        {
            Integer(values.Length);
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return this;
        }

        public HashWriter Columns(IReadOnlyDictionary<string, double[]> columns)
        {
            Integer(columns.Count);
            foreach (var (name, values) in columns.OrderBy(kv => kv.Key, StringComparer.Ordinal)) Text(name).Numbers(values);
            return this;
        }
    }
}
