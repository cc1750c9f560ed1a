using System.Text.Json;

namespace Meta.Conformance.References;

/// <summary>
/// One synapse-dynamics reference (shared/reference/synapses/dtX/SCENARIO.SIMULATOR.json): the scenario's parameters,
/// stimulus and the simulator's results, read as a JSON document (the fields differ per scenario; README there).
/// </summary>
public sealed class SynapseReference
{
    private readonly JsonElement _root;

    private SynapseReference(JsonElement root, string path)
    {
        _root = root;
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The reference of <paramref name="scenario"/> by <paramref name="simulator"/> at <paramref name="dt"/>, or null when the directory or file is missing.</summary>
    public static SynapseReference? Find(string scenario, string simulator = "neuron", double dt = 0.1, string? directory = null)
    {
        var root = directory ?? ReferenceTrace.FindDirectory();
        if (root is null) return null;
        var path = System.IO.Path.Combine(root, "synapses", dt <= 0.01 ? "dt0.01" : "dt0.1", $"{scenario}.{simulator}.json");
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new SynapseReference(doc.RootElement.Clone(), path);
    }

    /// <summary>A number at a path of property names.</summary>
    public double Number(params string[] path) => At(path).GetDouble();

    /// <summary>An array of numbers at a path (JSON nulls become NaN).</summary>
    public double[] Numbers(params string[] path) => ToNumbers(At(path));

    /// <summary>An array of arrays of numbers at a path.</summary>
    public double[][] NumberRows(params string[] path) => At(path).EnumerateArray().Select(ToNumbers).ToArray();

    /// <summary>Whether a property path exists.</summary>
    public bool Has(params string[] path)
    {
        var e = _root;
        foreach (var p in path)
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return false;
        return true;
    }

    private JsonElement At(string[] path)
    {
        var e = _root;
        foreach (var p in path)
            if (!e.TryGetProperty(p, out e)) throw new KeyNotFoundException($"{Path}: no '{string.Join(".", path)}'.");
        return e;
    }

    private static double[] ToNumbers(JsonElement e) =>
        e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? double.NaN : x.GetDouble()).ToArray();
}
