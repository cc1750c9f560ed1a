using System.Text.Json;
using System.Text.Json.Nodes;
using Meta.Backends;
using Meta.Cli.Output;
using Meta.Network;
using Meta.Plugins;

namespace Meta.Cli.Commands.Serve;

/// <summary>
/// The state behind <c>meta serve</c>: one <see cref="Simulation"/> at a time, built and run request by request through
/// Meta's API (docs/pynn.md, "The protocol"). Arrays in responses are written as .npy files into <see cref="WorkFolder"/>
/// and returned as <c>{"npy": PATH}</c>; the client deletes them after reading.
/// </summary>
internal sealed partial class ServeSession : IDisposable
{
    private readonly PluginCatalog _catalog;
    private Simulation? _simulation;
    private int _fileCounter;

    /// <summary>Creates a session over the loaded backends, writing arrays into <paramref name="workFolder"/>.</summary>
    public ServeSession(PluginCatalog catalog, string workFolder)
    {
        _catalog = catalog;
        WorkFolder = workFolder;
    }

    /// <summary>Where response arrays are written.</summary>
    public string WorkFolder { get; }

    /// <summary>Whether a <c>quit</c> request was handled.</summary>
    public bool Finished { get; private set; }

    private Simulation Sim => _simulation ?? throw new ServeProtocolException("no simulation: send 'setup' first");

    /// <summary>Handles one request and returns its result object (errors propagate as exceptions).</summary>
    public JsonObject Handle(ServeRequest r) => r.Command switch
    {
        "setup" => Setup(r),
        "catalogue" => Catalogue(),
        "native_cell_type" => NativeCellType(r),
        "load_nestml" => LoadNestml(r),
        "create" => Create(r),
        "set" => Set(r),
        "get" => Get(r),
        "initialize" => Initialize(r),
        "get_initial" => GetInitial(r),
        "record" => Record(r),
        "stop_recording" => StopRecording(r),
        "recorded" => Recorded(r),
        "clear_recording" => ClearRecording(r),
        "connect" => Connect(r),
        "projection_get" => ProjectionGet(r),
        "projection_set" => ProjectionSet(r),
        "current_source" => CreateCurrentSource(r),
        "source_inject" => SourceInject(r),
        "source_set" => SourceSet(r),
        "source_get" => SourceGet(r),
        "source_record" => SourceRecord(r),
        "source_data" => SourceData(r),
        "rng_create" => RngCreate(r),
        "rng_next" => RngNext(r),
        "run" => Ran(Sim.Run(r.Number("ms"))),
        "run_until" => Ran(Sim.RunUntil(r.Number("t"))),
        "reset" => Reset(),
        "state" => Ran(Sim.Time),
        "end" or "quit" => Quit(),
        _ => throw new ServeProtocolException($"unknown command '{r.Command}' (valid: setup, catalogue, native_cell_type, load_nestml, create, set, get, initialize, get_initial, " +
            "record, stop_recording, recorded, clear_recording, connect, projection_get, projection_set, current_source, source_inject, source_set, " +
            "source_get, source_record, source_data, rng_create, rng_next, run, run_until, reset, state, end, quit)"),
    };

    private JsonObject Setup(ServeRequest r)
    {
        _simulation?.Dispose();
        _simulation = null;
        string name = r.OptionalString("backend") ?? "cpu";
        var backend = _catalog.TryGet(name, out var found) ? found : throw new BackendNotFoundException(name, _catalog.Names);
        Precision? precision = r.OptionalString("precision") switch
        {
            null => null,
            "float64" or "double" => Precision.Float64,
            "float32" or "single" => Precision.Float32,
            var p => throw new InvalidParameterValueException($"Unknown precision '{p}' (valid: float64, float32)."),
        };
        var options = new SimulationOptions
        {
            Timestep = r.OptionalNumber("timestep") ?? 0.1,
            MinDelay = r.OptionalNumber("min_delay"),
            MaxDelay = r.OptionalNumber("max_delay"),
            Seed = r.Has("seed") ? (ulong)r.Number("seed") : new SimulationOptions().Seed,
            Precision = precision,
            SpikePrecision = r.OptionalString("spike_precision") is { } sp ? SpikePrecisionNames.Parse(sp) : SpikePrecision.OnGrid,
            Backend = backend.Descriptor.Name,
            Device = r.OptionalString("device"),
            Threads = r.Has("threads") ? r.Int("threads") : 0,
        };
        _simulation = new Simulation(backend, options);
        _sources.Clear();
        _projections.Clear();
        return new JsonObject { ["backend"] = backend.Descriptor.Name, ["version"] = backend.Descriptor.Version, ["time"] = 0.0 };
    }

    private JsonObject Ran(double time) => new() { ["time"] = time, ["warnings"] = new JsonArray(Sim.Warnings.Select(w => (JsonNode)w!).ToArray()) };

    private JsonObject Reset()
    {
        Sim.Reset();
        foreach (var p in Sim.Populations) p.GetData([], clear: true);
        return Ran(Sim.Time);
    }

    private JsonObject Quit()
    {
        Finished = true;
        return [];
    }

    /// <summary>Writes <paramref name="values"/> as a float64 .npy file and returns its reference.</summary>
    private JsonObject Npy(double[] values, params int[] shape)
    {
        string path = Path.Combine(WorkFolder, $"out-{Interlocked.Increment(ref _fileCounter)}.npy");
        NpyWriter.Write(path, values, shape);
        return new JsonObject { ["npy"] = path };
    }

    /// <summary>Writes <paramref name="values"/> as an int64 .npy file and returns its reference.</summary>
    private JsonObject Npy(long[] values)
    {
        string path = Path.Combine(WorkFolder, $"out-{Interlocked.Increment(ref _fileCounter)}.npy");
        NpyWriter.Write(path, values);
        return new JsonObject { ["npy"] = path };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v!).ToArray());

    /// <inheritdoc />
    public void Dispose() => _simulation?.Dispose();

    /// <summary>The JSON of an error: Meta's exception type and message.</summary>
    public static JsonObject Error(Exception e) => new()
    {
        ["type"] = e.GetType().Name,
        ["message"] = e.Message,
        ["detail"] = e switch
        {
            NonExistentParameterException n => new JsonObject { ["name"] = n.ParameterName, ["model"] = n.ModelName },
            _ => null,
        },
    };

    internal static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement.Clone();
}
