using System.Text.Json;
using System.Text.Json.Nodes;
using Meta.CurrentSources;

namespace Meta.Cli.Commands.Serve;

internal sealed partial class ServeSession
{
    private readonly List<CurrentSource> _sources = [];

    /// <summary>
    /// <c>current_source</c>: <c>{type, parameters: {NAME: number|array}, targets?: [PART...], label?}</c> creates a
    /// DCSource, ACSource, StepCurrentSource or NoisyCurrentSource (checking its parameters) and injects it into the targets.
    /// </summary>
    private JsonObject CreateCurrentSource(ServeRequest r)
    {
        string type = r.String("type");
        CurrentSource source = type switch
        {
            "DCSource" => new DCSource(),
            "ACSource" => new ACSource(),
            "NoisyCurrentSource" => new NoisyCurrentSource(),
            "StepCurrentSource" => new StepCurrentSource([], []),
            _ => throw new NoModelAvailableException($"Current source '{type}' is not available in Meta (valid: DCSource, ACSource, StepCurrentSource, NoisyCurrentSource)."),
        };
        source.Label = r.OptionalString("label");
        source.SetParameters(SourceParameters(r));
        if (r.Has("targets")) source.InjectInto(Collection(r.Field("targets"), "targets"));
        _sources.Add(source);
        return new JsonObject { ["source"] = _sources.Count - 1 };
    }

    private static Dictionary<string, object> SourceParameters(ServeRequest r)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in r.Members("parameters"))
            values[name] = ServeRequest.IsArray(value) ? ServeRequest.ReadArray(value, name) : ServeRequest.Number(value, $"'{name}'");
        return values;
    }

    private CurrentSource SourceOf(ServeRequest r)
    {
        int index = r.Int("source");
        return index >= 0 && index < _sources.Count ? _sources[index]
            : throw new ServeProtocolException($"'{r.Command}': no current source {index} (there are {_sources.Count})");
    }

    /// <summary><c>source_inject</c>: <c>{source, targets: [PART...]}</c> injects the source into more cells.</summary>
    private JsonObject SourceInject(ServeRequest r)
    {
        SourceOf(r).InjectInto(Collection(r.Field("targets"), "targets"));
        return [];
    }

    /// <summary><c>source_set</c>: <c>{source, parameters: {...}}</c>; applies from the next run.</summary>
    private JsonObject SourceSet(ServeRequest r)
    {
        SourceOf(r).SetParameters(SourceParameters(r));
        return [];
    }

    /// <summary><c>source_get</c>: <c>{source}</c>, the parameters (sequences as arrays).</summary>
    private JsonObject SourceGet(ServeRequest r)
    {
        var values = new JsonObject();
        foreach (var (name, value) in SourceOf(r).GetParameters())
            values[name] = value is double[] a ? Npy(a) : (JsonNode)(double)value;
        return new JsonObject { ["parameters"] = values };
    }

    /// <summary><c>source_record</c>: <c>{source, record: bool}</c>.</summary>
    private JsonObject SourceRecord(ServeRequest r)
    {
        var source = SourceOf(r);
        if (r.Has("record") && r.Field("record").ValueKind == JsonValueKind.False) source.StopRecording();
        else source.Record();
        return [];
    }

    /// <summary><c>source_data</c>: <c>{source, clear?}</c>, the injected current of the current segment: <c>data</c>, <c>t_start</c>, <c>sampling_period</c>.</summary>
    private JsonObject SourceData(ServeRequest r)
    {
        var block = SourceOf(r).GetData(r.Flag("clear"));
        var signal = block.Segments[^1].AnalogSignals.FirstOrDefault();
        return signal is null
            ? new JsonObject { ["data"] = Npy(Array.Empty<double>()), ["t_start"] = 0.0, ["sampling_period"] = Sim.Timestep }
            : new JsonObject { ["data"] = Npy(signal.Data), ["t_start"] = signal.TStart, ["sampling_period"] = signal.SamplingPeriod };
    }
}
