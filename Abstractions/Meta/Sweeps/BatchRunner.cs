using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Lowering;
using Meta.Lowering.Batching;
using Meta.Lowering.Measures;
using Meta.Network;

namespace Meta.Sweeps;

/// <summary>A recorder of the variants' own numbering, for some of the variants (positions in the runner's list).</summary>
internal sealed record VariantRecorder(int Population, string Variable, int[] Cells, int IntervalSteps, IReadOnlySet<int> Variants);

/// <summary>The spikes of one recorder for one variant: cells of the variant's population and steps, in time order.</summary>
internal sealed record VariantSpikes(int[] Cells, long[] Steps);

/// <summary>The samples of one recorder for one variant: <c>Count × cells</c>, row-major.</summary>
internal sealed record VariantSamples(long FirstStep, int Count, double[] Values);

/// <summary>What a run gave: per recorder and variant its data, and per variant its coupling states when asked for.</summary>
internal sealed class BatchOutcome(int recorders, int variants)
{
    public VariantSpikes?[,] Spikes { get; } = new VariantSpikes?[recorders, variants];
    public VariantSamples?[,] Samples { get; } = new VariantSamples?[recorders, variants];
    /// <summary>Per variant: (coupling, state) → values per connection.</summary>
    public Dictionary<(int, string), double[]>[] CouplingStates { get; } = Enumerable.Range(0, variants).Select(_ => new Dictionary<(int, string), double[]>()).ToArray();
    public bool Batched { get; set; }
    /// <summary>Wall-clock seconds the backend spent loading (compiling) programs.</summary>
    public double LoadSeconds { get; set; }
    public string? Refusal { get; set; }
}

/// <summary>
/// Runs resolved variants of one network for some steps, as one batch (<see cref="NetworkBatch"/>) when they can share a
/// program, else one by one, and splits what was recorded back per variant.
/// </summary>
internal sealed class BatchRunner(IBackend backend, EngineOptions engineOptions)
{
    /// <param name="variants">The resolved variants.</param>
    /// <param name="recorders">What to record, in the variants' own numbering.</param>
    /// <param name="steps">The steps to run.</param>
    /// <param name="oneByOne">Run each variant as its own network.</param>
    /// <param name="readCouplingStates">Read every coupling's states at the end.</param>
    /// <param name="spikeMeasureInterval">
    /// When given, the programs keep spike measures (<see cref="SpikeMeasureLowering"/>) with this largest interval inside a
    /// burst (ms), recordable as states of every neuron group.
    /// </param>
    /// <param name="progress">Told the fraction done.</param>
    public BatchOutcome Run(IReadOnlyList<NetworkSpec> variants, IReadOnlyList<VariantRecorder> recorders, long steps, bool oneByOne,
        bool readCouplingStates, double? spikeMeasureInterval, Action<double>? progress)
    {
        StepProgram Lower(NetworkSpec network)
        {
            var program = new NetworkLowering(network).Program;
            return spikeMeasureInterval is { } interval ? SpikeMeasureLowering.Append(program, interval) : program;
        }

        var outcome = new BatchOutcome(recorders.Count, variants.Count);
        var all = Enumerable.Range(0, variants.Count).ToArray();
        if (oneByOne) outcome.Refusal = "one by one was asked for";
        else if (variants.Count > 1)
        {
            var (network, refusal) = NetworkBatch.Merge(variants, MergedRecorders(variants, recorders, all, out _));
            if (network is not null)
            {
                var program = Lower(network);
                refusal = NetworkBatch.RunTimeDraws(program);
                if (refusal is null)
                {
                    RunGroup(program, variants, recorders, all, steps, readCouplingStates, outcome, progress);
                    outcome.Batched = true;
                    return outcome;
                }
            }
            outcome.Refusal = refusal;
        }
        for (int v = 0; v < variants.Count; v++)
        {
            int[] group = [v];
            var (network, _) = NetworkBatch.Merge([variants[v]], MergedRecorders(variants, recorders, group, out _));
            var program = Lower(network!);
            int done = v;
            RunGroup(program, variants, recorders, group, steps, readCouplingStates, outcome,
                progress is null ? null : f => progress((done + f) / variants.Count));
        }
        outcome.Batched = variants.Count == 1 && !oneByOne;
        return outcome;
    }

    /// <summary>The recorders of the merged network of <paramref name="group"/>, and for each variant recorder its merged index (or -1).</summary>
    private static RecorderSpec[] MergedRecorders(IReadOnlyList<NetworkSpec> variants, IReadOnlyList<VariantRecorder> recorders, int[] group, out int[] indices)
    {
        var result = new List<RecorderSpec>();
        indices = new int[recorders.Count];
        for (int r = 0; r < recorders.Count; r++)
        {
            var rec = recorders[r];
            int size = variants[0].Populations[rec.Population].Size;
            var cells = group.Select((v, position) => (v, position)).Where(x => rec.Variants.Contains(x.v))
                .SelectMany(x => rec.Cells.Select(c => x.position * size + c)).ToArray();
            if (cells.Length == 0) { indices[r] = -1; continue; }
            indices[r] = result.Count;
            result.Add(new RecorderSpec { Index = result.Count, Population = rec.Population, Variable = rec.Variable, Cells = cells, IntervalSteps = rec.IntervalSteps });
        }
        return result.ToArray();
    }

    private void RunGroup(StepProgram program, IReadOnlyList<NetworkSpec> variants, IReadOnlyList<VariantRecorder> recorders, int[] group,
        long steps, bool readCouplingStates, BatchOutcome outcome, Action<double>? progress)
    {
        MergedRecorders(variants, recorders, group, out var indices);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        using var engine = backend.CreateEngine(engineOptions);
        engine.Load(program);
        outcome.LoadSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        var result = engine.Run(steps, progress);
        for (int r = 0; r < recorders.Count; r++)
        {
            if (indices[r] < 0) continue;
            var rec = recorders[r];
            int size = variants[0].Populations[rec.Population].Size;
            var included = group.Where(rec.Variants.Contains).ToArray();
            if (rec.Variable == "spikes") SplitSpikes(result.Spikes.First(b => b.Recorder == indices[r]), group, included, size, r, outcome);
            else SplitSamples(result.Samples.First(b => b.Recorder == indices[r]), included, rec.Cells.Length, r, outcome);
        }
        if (!readCouplingStates) return;
        foreach (var coupling in program.Couplings)
        {
            foreach (var state in coupling.Kernel.States)
            {
                var values = engine.ReadCoupling(coupling.Index, state);
                int offset = 0;
                foreach (int v in group)
                {
                    int count = variants[v].Couplings[coupling.Index].Count;
                    outcome.CouplingStates[v][(coupling.Index, state)] = values[offset..(offset + count)];
                    offset += count;
                }
            }
        }
    }

    private static void SplitSpikes(SpikeBlock block, int[] group, int[] included, int size, int r, BatchOutcome outcome)
    {
        var cells = included.ToDictionary(v => v, _ => new List<int>());
        var times = included.ToDictionary(v => v, _ => new List<long>());
        for (int i = 0; i < block.Cells.Length; i++)
        {
            int v = group[block.Cells[i] / size];
            cells[v].Add(block.Cells[i] % size);
            times[v].Add(block.Steps[i]);
        }
        foreach (int v in included) outcome.Spikes[r, v] = new VariantSpikes(cells[v].ToArray(), times[v].ToArray());
    }

    private static void SplitSamples(SampleBlock block, int[] included, int cellsPerVariant, int r, BatchOutcome outcome)
    {
        int width = included.Length * cellsPerVariant;
        for (int position = 0; position < included.Length; position++)
        {
            var values = new double[block.Count * cellsPerVariant];
            for (int s = 0; s < block.Count; s++)
                Array.Copy(block.Values, s * width + position * cellsPerVariant, values, s * cellsPerVariant, cellsPerVariant);
            outcome.Samples[r, included[position]] = new VariantSamples(block.FirstStep, block.Count, values);
        }
    }
}
