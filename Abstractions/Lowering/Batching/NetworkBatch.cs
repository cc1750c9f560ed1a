using Meta.Backends.Programs;
using Meta.Network;

namespace Meta.Lowering.Batching;

/// <summary>
/// Lays B resolved variants of one network out as one network (docs/sweeps.md, "The batch axis"): population p of the batch
/// has B·n_p cells, variant-major (the cells of variant b at offset b·n_p), so every population keeps one kernel and one
/// group; each variant's connections, couplings and current sources are replicated inside its own block, and nothing
/// connects two variants. A parameter that differs between variants becomes a per-cell buffer in the lowering; one all
/// variants share stays uniform. Connectivity and random values were drawn per variant, from the variant's seed, when it
/// was resolved, so they are those of the variant run alone.
/// </summary>
public static class NetworkBatch
{
    /// <summary>
    /// Merges <paramref name="variants"/> (each resolved from the same network description) into one network; recorders of
    /// the variants are dropped and <paramref name="recorders"/> (indexed in the merged numbering) are used instead.
    /// Returns null and the reason when the variants cannot share one program (a synapse kernel whose uniform values differ
    /// between variants, or differing structure).
    /// </summary>
    public static (NetworkSpec? Network, string? Refusal) Merge(IReadOnlyList<NetworkSpec> variants, IReadOnlyList<RecorderSpec> recorders)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(recorders);
        if (variants.Count == 0) throw new ArgumentException("A batch needs at least one variant.", nameof(variants));
        var first = variants[0];
        if (StructureDifference(variants) is { } difference) return (null, difference);
        int batch = variants.Count;
        var populations = new PopulationSpec[first.Populations.Count];
        int global = 0;
        for (int p = 0; p < populations.Length; p++)
        {
            var template = first.Populations[p];
            var all = variants.Select(v => v.Populations[p]).ToArray();
            populations[p] = new PopulationSpec
            {
                Index = p,
                Label = template.Label,
                Size = template.Size * batch,
                Model = template.Model,
                Parameters = Concat(all, s => s.Parameters),
                Sequences = template.Sequences.Keys.ToDictionary(k => k, k => all.SelectMany(s => s.Sequences[k]).ToArray()),
                InitialValues = Concat(all, s => s.InitialValues),
                FirstGlobalIndex = global,
            };
            global += populations[p].Size;
        }
        var projections = new SynapseGroupProgram[first.Projections.Count];
        for (int j = 0; j < projections.Length; j++)
        {
            var merged = MergeProjection(variants, j);
            if (merged.Refusal is not null) return (null, merged.Refusal);
            projections[j] = merged.Projection!;
        }
        var couplings = Enumerable.Range(0, first.Couplings.Count).Select(j => MergeCoupling(variants, j)).ToArray();
        return (new NetworkSpec
        {
            Timestep = first.Timestep,
            Seed = first.Seed,
            Populations = populations,
            Projections = projections,
            Couplings = couplings,
            CurrentSources = MergeCurrentSources(variants),
            Recorders = recorders,
        }, null);
    }

    /// <summary>Why the variants are not one structure (population count, sizes, models, projection and coupling layout), or null.</summary>
    private static string? StructureDifference(IReadOnlyList<NetworkSpec> variants)
    {
        var first = variants[0];
        foreach (var v in variants.Skip(1))
        {
            if (v.Timestep != first.Timestep) return "the variants have different time steps";
            if (v.Populations.Count != first.Populations.Count || v.Projections.Count != first.Projections.Count
                || v.Couplings.Count != first.Couplings.Count || v.CurrentSources.Count != first.CurrentSources.Count)
                return "the variants have different numbers of populations, projections, couplings or current sources";
            for (int p = 0; p < first.Populations.Count; p++)
            {
                var a = first.Populations[p];
                var b = v.Populations[p];
                if (a.Size != b.Size || a.Model.Name != b.Model.Name)
                    return $"population '{a.Label}' differs in size or model between variants";
            }
        }
        return null;
    }

    private static Dictionary<string, double[]> Concat(PopulationSpec[] all, Func<PopulationSpec, IReadOnlyDictionary<string, double[]>> columns) =>
        columns(all[0]).Keys.ToDictionary(k => k, k => all.SelectMany(s => columns(s)[k]).ToArray());

    private static (SynapseGroupProgram? Projection, string? Refusal) MergeProjection(IReadOnlyList<NetworkSpec> variants, int j)
    {
        var template = variants[0].Projections[j];
        var parts = variants.Select(v => v.Projections[j]).ToArray();
        int preSize = variants[0].Populations[template.PreGroup].Size, postSize = variants[0].Populations[template.PostGroup].Size;
        var values = new Dictionary<string, double[]>();
        if (template.Kernel is { } kernel)
        {
            if (parts.Any(p => p.Kernel is null || p.Kernel.Key != kernel.Key))
                return (null, $"projection '{template.Label}': its synapse kernel differs between variants (a parameter is uniform in one and per synapse in another)");
            foreach (var buffer in kernel.Buffers)
            {
                if (buffer.Storage == Storage.Uniform)
                {
                    double value = template.Values[buffer.Name][0];
                    if (parts.Any(p => p.Values[buffer.Name][0] != value))
                        return (null, $"projection '{template.Label}': the uniform synapse parameter '{buffer.Name}' differs between variants");
                    values[buffer.Name] = [value];
                }
                else values[buffer.Name] = parts.SelectMany(p => p.Values[buffer.Name]).ToArray();
            }
        }
        return (template with
        {
            PreIndices = Shifted(parts.Select(p => p.PreIndices), preSize),
            PostIndices = Shifted(parts.Select(p => p.PostIndices), postSize),
            Weights = parts.SelectMany(p => p.Weights).ToArray(),
            DelaySteps = parts.SelectMany(p => p.DelaySteps).ToArray(),
            Values = values,
        }, null);
    }

    private static CouplingProgram MergeCoupling(IReadOnlyList<NetworkSpec> variants, int j)
    {
        var template = variants[0].Couplings[j];
        var parts = variants.Select(v => v.Couplings[j]).ToArray();
        int preSize = variants[0].Populations[template.PreGroup].Size, postSize = variants[0].Populations[template.PostGroup].Size;
        return template with
        {
            PreIndices = Shifted(parts.Select(p => p.PreIndices), preSize),
            PostIndices = Shifted(parts.Select(p => p.PostIndices), postSize),
            // Every coupling buffer is per connection (CouplingKernelBuilder), so the variants' values are concatenated.
            Values = template.Values.Keys.ToDictionary(k => k, k => parts.SelectMany(p => p.Values[k]).ToArray()),
        };
    }

    /// <summary>
    /// The current sources of all variants: the sources at one position whose schedules are the same in every variant become
    /// one source over all the variants' target cells; others are replicated per variant.
    /// </summary>
    private static CurrentSourceSpec[] MergeCurrentSources(IReadOnlyList<NetworkSpec> variants)
    {
        var result = new List<CurrentSourceSpec>();
        var first = variants[0];
        for (int j = 0; j < first.CurrentSources.Count; j++)
        {
            var template = first.CurrentSources[j];
            int size = first.Populations[template.Population].Size;
            var parts = variants.Select(v => v.CurrentSources[j]).ToArray();
            bool same = parts.All(p => p.Kind == template.Kind && p.Population == template.Population
                && p.ChangeSteps.SequenceEqual(template.ChangeSteps) && p.Amplitudes.SequenceEqual(template.Amplitudes)
                && Equals(p.Waveform, template.Waveform));
            if (same) result.Add(Source(template, result.Count, Shifted(parts.Select(p => p.Cells), size)));
            else result.AddRange(parts.Select((p, b) => Source(p, result.Count + b, p.Cells.Select(c => c + b * size).ToArray())));
        }
        return result.ToArray();
    }

    private static CurrentSourceSpec Source(CurrentSourceSpec s, int index, int[] cells) => new()
    {
        Index = index,
        Kind = s.Kind,
        Population = s.Population,
        Cells = cells,
        ChangeSteps = s.ChangeSteps,
        Amplitudes = s.Amplitudes,
        Waveform = s.Waveform,
    };

    /// <summary>Concatenates per-variant index arrays, shifting variant b's by b·<paramref name="size"/>.</summary>
    private static int[] Shifted(IEnumerable<int[]> parts, int size) =>
        parts.SelectMany((indices, b) => indices.Select(i => i + b * size)).ToArray();

    /// <summary>
    /// Why a program cannot be batched because it draws random numbers while running (docs/sweeps.md): those draws are keyed by
    /// the program's seed and the cell's global index, which a batch changes, so variant b would not draw what it draws alone.
    /// Null when it draws none.
    /// </summary>
    public static string? RunTimeDraws(StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        foreach (var group in program.Groups)
        {
            if (group is SpikeSourceProgram s && s.Kind != SpikeSourceKinds.Array) return $"population '{s.Label}' is a random spike source ({s.Kind})";
            if (group is NeuronGroupProgram n && n.Kernel.UniformDraws + n.Kernel.NormalDraws > 0)
                return $"population '{n.Label}' draws random numbers in its equations (noise or uniform())";
        }
        foreach (var p in program.Projections)
            if (p.Kernel is { } k && k.PreDraws + k.PostDraws > 0) return $"projection '{p.Label}' has a stochastic synapse";
        foreach (var c in program.CurrentSources)
            if (c.Kind == "NoisyCurrentSource") return "a NoisyCurrentSource draws random currents";
        return null;
    }
}
