using System.Text.Json;

namespace Meta.Conformance.References;

/// <summary>
/// A single-cell trace from an established simulator (NEURON or Brian2 through PyNN), as stored in
/// <c>shared/reference/dtX/SCENARIO.SIMULATOR.json</c>.
/// </summary>
public sealed class ReferenceTrace
{
    /// <summary>The simulator that made the trace.</summary>
    public required string Simulator { get; init; }
    /// <summary>The scenario name.</summary>
    public required string Scenario { get; init; }
    /// <summary>The PyNN cell type.</summary>
    public required string CellType { get; init; }
    /// <summary>Non-default parameters.</summary>
    public required IReadOnlyDictionary<string, double> Parameters { get; init; }
    /// <summary>The time step in ms.</summary>
    public required double Dt { get; init; }
    /// <summary>The run length in ms.</summary>
    public required double TStop { get; init; }
    /// <summary>"StepCurrentSource" or "SpikeSourceArray".</summary>
    public required string StimulusKind { get; init; }
    /// <summary>Step times (StepCurrentSource).</summary>
    public double[] StepTimes { get; init; } = [];
    /// <summary>Step amplitudes in nA (StepCurrentSource).</summary>
    public double[] StepAmplitudes { get; init; } = [];
    /// <summary>Excitatory input spike times (SpikeSourceArray).</summary>
    public double[] ExcitatoryTimes { get; init; } = [];
    /// <summary>Inhibitory input spike times.</summary>
    public double[] InhibitoryTimes { get; init; } = [];
    /// <summary>Excitatory weight.</summary>
    public double WeightExc { get; init; }
    /// <summary>Inhibitory weight as written in the file (negative for current-based cells).</summary>
    public double WeightInh { get; init; }
    /// <summary>Synaptic delay in ms.</summary>
    public double Delay { get; init; }
    /// <summary>The cell's spike times.</summary>
    public required double[] Spikes { get; init; }
    /// <summary>Recorded signals by name (v, gsyn_exc, ...), one sample per dt from 0.</summary>
    public required IReadOnlyDictionary<string, double[]> Signals { get; init; }

    /// <summary>Reads one reference file.</summary>
    public static ReferenceTrace Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var stim = root.GetProperty("stimulus");
        static double[] Array(JsonElement e, string name) =>
            e.TryGetProperty(name, out var a) ? a.EnumerateArray().Select(x => x.GetDouble()).ToArray() : [];
        string[] known = ["simulator", "scenario", "cell_type", "parameters", "dt", "t_stop", "stimulus", "spikes"];
        return new ReferenceTrace
        {
            Simulator = root.GetProperty("simulator").GetString()!,
            Scenario = root.GetProperty("scenario").GetString()!,
            CellType = root.GetProperty("cell_type").GetString()!,
            Parameters = root.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            Dt = root.GetProperty("dt").GetDouble(),
            TStop = root.GetProperty("t_stop").GetDouble(),
            StimulusKind = stim.GetProperty("kind").GetString()!,
            StepTimes = Array(stim, "times"),
            StepAmplitudes = Array(stim, "amplitudes"),
            ExcitatoryTimes = Array(stim, "excitatory"),
            InhibitoryTimes = Array(stim, "inhibitory"),
            WeightExc = stim.TryGetProperty("weight_exc", out var we) ? we.GetDouble() : 0,
            WeightInh = stim.TryGetProperty("weight_inh", out var wi) ? wi.GetDouble() : 0,
            Delay = stim.TryGetProperty("delay", out var d) ? d.GetDouble() : 0,
            Spikes = Array(root, "spikes"),
            Signals = root.EnumerateObject().Where(p => !known.Contains(p.Name) && p.Value.ValueKind == JsonValueKind.Array)
                .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(x => x.GetDouble()).ToArray()),
        };
    }

    /// <summary>
    /// The reference directory: <c>META_REFERENCE_DIR</c> if set, else <c>shared/reference</c> found by walking up from
    /// <paramref name="start"/> (the repository's sibling <c>../shared</c> or a <c>shared/</c> inside it).
    /// Returns null when none is found.
    /// </summary>
    public static string? FindDirectory(string? start = null)
    {
        var env = Environment.GetEnvironmentVariable("META_REFERENCE_DIR");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? env : null;
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "reference");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
