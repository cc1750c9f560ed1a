using Meta.Models;
using Meta.Parameters;
using Meta.Recording;

namespace Meta.Populations;

/// <summary>
/// What a <see cref="Population"/>, a <see cref="PopulationView"/> and an <see cref="Assembly"/> share
/// (PyNN's <c>BasePopulation</c>): size, parameters, initial values, recording, data.
/// </summary>
public abstract class CellCollection
{
    /// <summary>The simulation the cells belong to.</summary>
    public abstract Simulation Simulation { get; }
    /// <summary>The number of cells.</summary>
    public abstract int Size { get; }
    /// <summary>The label.</summary>
    public abstract string Label { get; }

    /// <summary>The cells as (population, indices within it), in this collection's order.</summary>
    public abstract IReadOnlyList<PopulationPart> Parts { get; }

    /// <summary>
    /// The positions of these cells, 3 × <see cref="Size"/> (x, y, z per cell, in this collection's order), from their
    /// populations. For views and assemblies the getter returns a copy; setting it sets the positions of these cells in
    /// their populations (which then no longer follow a structure).
    /// </summary>
    public virtual double[,] Positions
    {
        get
        {
            var result = new double[3, Size];
            int at = 0;
            foreach (var part in Parts)
            {
                var source = part.Population.Positions;
                foreach (var i in part.Indices)
                {
                    for (int a = 0; a < 3; a++) result[a, at] = source[a, i];
                    at++;
                }
            }
            return result;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.GetLength(0) != 3 || value.GetLength(1) != Size)
                throw new InvalidDimensionsException($"Positions must be 3 × {Size}, got {value.GetLength(0)} × {value.GetLength(1)}.");
            int at = 0;
            foreach (var part in Parts)
            {
                part.Population.SetPositionsAt(part.Indices, value, at);
                at += part.Indices.Length;
            }
        }
    }

    /// <summary>Whether every cell's type is conductance based.</summary>
    public bool ConductanceBased => Parts.All(p => p.Population.CellType.Model.ConductanceBased);

    /// <summary>The receptor types all cells share, in the first population's order.</summary>
    public IReadOnlyList<string> ReceptorTypes =>
        Parts.Select(p => p.Population.CellType.Model.Receptors.Select(r => r.Name))
             .Aggregate((a, b) => a.Where(b.Contains).ToArray()).ToArray();

    /// <summary>The (population, index) of each cell, in order.</summary>
    public IEnumerable<(Population Population, int Index)> Cells =>
        Parts.SelectMany(p => p.Indices.Select(i => (p.Population, i)));

    /// <summary>Sets a parameter on every cell (PyNN's <c>set</c>): scalar, array (one per cell), distribution or function of the index.</summary>
    public void Set(string name, ParameterValue value)
    {
        var values = Evaluate(name, value, isState: false);
        int at = 0;
        foreach (var part in Parts)
        {
            part.Population.SetParameterAt(name, part.Indices, values.AsSpan(at, part.Indices.Length));
            at += part.Indices.Length;
        }
    }

    /// <summary>Sets an array parameter (e.g. GIF's <c>tau_eta</c>) to the same elements on every cell.</summary>
    public void SetArray(string name, params double[] elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        foreach (var part in Parts)
        {
            var model = part.Population.CellType.Model;
            var p = model.FindParameter(name) ?? throw new NonExistentParameterException(name, model.Name, model.Parameters.Select(q => q.Name));
            if (p.Shape != ParameterShape.Array) throw new InvalidParameterValueException($"'{name}' of {model.Name} is not an array parameter.");
            if (p.Length != elements.Length)
                throw new InvalidParameterValueException($"'{name}' of {model.Name} takes exactly {p.Length} values, got {elements.Length}.");
        }
        for (int i = 0; i < elements.Length; i++) Set(ParameterDefinition.ElementName(name, i), elements[i]);
    }

    /// <summary>Sets several parameters.</summary>
    public void Set(IEnumerable<KeyValuePair<string, ParameterValue>> values)
    {
        foreach (var (k, v) in values) Set(k, v);
    }

    /// <summary>Sets a sequence parameter such as <c>spike_times</c>.</summary>
    public void SetSequence(string name, SequenceValue value)
    {
        var all = value.Evaluate(name, Enumerable.Range(0, Size).ToArray());
        int at = 0;
        foreach (var part in Parts)
        {
            part.Population.SetSequenceAt(name, part.Indices, all.AsSpan(at, part.Indices.Length));
            at += part.Indices.Length;
        }
    }

    /// <summary>Sets initial values of a state variable (PyNN's <c>initialize</c>); they apply at the start and after each reset.</summary>
    public void Initialize(string state, ParameterValue value)
    {
        var values = Evaluate(state, value, isState: true);
        int at = 0;
        foreach (var part in Parts)
        {
            part.Population.SetInitialAt(state, part.Indices, values.AsSpan(at, part.Indices.Length));
            at += part.Indices.Length;
        }
    }

    /// <summary>The values of a scalar parameter, one per cell.</summary>
    public double[] Get(string name) =>
        Parts.SelectMany(p => p.Population.GetParameterAt(name, p.Indices)).ToArray();

    /// <summary>The values of a sequence parameter, one sequence per cell.</summary>
    public double[][] GetSequence(string name) =>
        Parts.SelectMany(p => p.Population.GetSequenceAt(name, p.Indices)).ToArray();

    /// <summary>The initial values of a state variable, one per cell.</summary>
    public double[] GetInitialValues(string state) =>
        Parts.SelectMany(p => p.Population.GetInitialAt(state, p.Indices)).ToArray();

    /// <summary>
    /// Records variables (<c>spikes</c>, <c>v</c>, <c>gsyn_exc</c>, ...) of every cell. A sampling interval (ms, a multiple of the
    /// timestep) applies to analog variables; null means every step.
    /// </summary>
    public void Record(IEnumerable<string> variables, double? samplingInterval = null)
    {
        foreach (var v in variables)
            foreach (var part in Parts)
                Simulation.Recorders.Add(part.Population, v, part.Indices, samplingInterval);
    }

    /// <summary>Records one variable.</summary>
    public void Record(string variable, double? samplingInterval = null) => Record([variable], samplingInterval);

    /// <summary>Stops all recording of these cells (PyNN's <c>record(None)</c>).</summary>
    public void StopRecording()
    {
        foreach (var part in Parts) Simulation.Recorders.Remove(part.Population, part.Indices);
    }

    /// <summary>
    /// The recorded data as a <see cref="Block"/>: one segment per run between resets.
    /// <paramref name="clear"/> empties the buffers and moves the recording start to now.
    /// </summary>
    /// <param name="variables">The variables to return; null for all.</param>
    /// <param name="clear">Whether to empty the buffers.</param>
    /// <param name="gather">
    /// PyNN's <c>gather</c>, for distributed runs: true (the default) collects every rank's data on rank 0 (a collective:
    /// every rank calls it; the other ranks get no data); false returns, on each rank, the data of the cells that rank owns
    /// (no communication), as PyNN's <c>get_data(gather=False)</c>. The first read decides for the rest of the run
    /// (<see cref="Simulation"/>'s recorders hold one or the other). In one process both are the same.
    /// </param>
    public Block GetData(IEnumerable<string>? variables = null, bool clear = false, bool gather = true)
    {
        Simulation.CollectRecordings(gather);
        var block = Simulation.Recorders.GetData(this, variables?.ToHashSet());
        if (clear) foreach (var part in Parts) Simulation.Recorders.Clear(part.Population);
        return block;
    }

    /// <summary>
    /// Spike counts per spike-recorded cell over the current segment, in the order of the segment's spike trains
    /// (<see cref="Segment.SpikeTrains"/>); counted without building the trains. <paramref name="gather"/> as in
    /// <see cref="GetData"/>: false counts this rank's own cells only.
    /// </summary>
    public int[] GetSpikeCounts(bool gather = true)
    {
        Simulation.CollectRecordings(gather);
        return Simulation.Recorders.SpikeCounts(this);
    }

    /// <summary>
    /// The recorded spikes of the current segment as flat columns in time order (<see cref="SpikeEvents"/>): the same spikes
    /// as <see cref="GetData"/>'s last segment, without one array per cell (for writers of large recordings).
    /// <paramref name="gather"/> as in <see cref="GetData"/>: false returns this rank's own cells only.
    /// </summary>
    public SpikeEvents GetSpikeEvents(bool gather = true)
    {
        Simulation.CollectRecordings(gather);
        return Simulation.Recorders.SpikeEventsOf(this);
    }

    /// <summary>The mean number of spikes per recorded cell in the current segment (<paramref name="gather"/> as in <see cref="GetData"/>).</summary>
    public double MeanSpikeCount(bool gather = true)
    {
        var counts = GetSpikeCounts(gather);
        return counts.Length == 0 ? 0 : counts.Average();
    }

    /// <summary>A view of some cells of this collection: a slice, index array or mask (PyNN's indexing).</summary>
    public abstract CellCollection Select(IReadOnlyList<int> positions);

    /// <summary>A view of <c>[start, stop)</c> with a step.</summary>
    public CellCollection this[Range range]
    {
        get
        {
            var (offset, length) = range.GetOffsetAndLength(Size);
            return Select(Enumerable.Range(offset, length).ToArray());
        }
    }

    /// <summary>A view of cells selected by a boolean mask of this collection's size.</summary>
    public CellCollection Select(bool[] mask)
    {
        if (mask.Length != Size) throw new InvalidDimensionsException($"A mask of {mask.Length} values was given for {Size} cells.");
        return Select(Enumerable.Range(0, Size).Where(i => mask[i]).ToArray());
    }

    /// <summary>A random sample of <paramref name="n"/> cells (PyNN's <c>sample</c>).</summary>
    public CellCollection Sample(int n, Random.RandomStream? rng = null)
    {
        if (n < 0 || n > Size) throw new InvalidParameterValueException($"Cannot sample {n} cells from {Size}.");
        var perm = (rng ?? Simulation.ParameterRandom).Permutation(Size);
        return Select(perm.Take(n).Order().ToArray());
    }

    /// <summary>Combines collections into an <see cref="Assembly"/> (PyNN's <c>p1 + p2</c>).</summary>
    public static Assembly operator +(CellCollection a, CellCollection b) => Assembly.Combine(a, b);

    /// <summary>Injects a current source into every cell.</summary>
    public void Inject(CurrentSources.CurrentSource source) => source.InjectInto(this);

    private double[] Evaluate(string name, ParameterValue value, bool isState)
    {
        foreach (var part in Parts)
        {
            var model = part.Population.CellType.Model;
            if (isState)
            {
                if (model.FindState(name) is null)
                    throw new NonExistentParameterException(name, model.Name, model.States.Select(s => s.Name));
            }
            else if (!model.KernelParameters.Contains(name))
            {
                if (model.FindParameter(name) is { Shape: ParameterShape.Array } array)
                    throw new InvalidParameterValueException(
                        $"'{name}' of {model.Name} is an array parameter: use SetArray, or set its elements {string.Join(", ", array.KernelNames)}.");
                if (model.FindParameter(name) is null)
                    throw new NonExistentParameterException(name, model.Name, model.Parameters.Select(p => p.Name));
            }
        }
        return value.Evaluate(name, Enumerable.Range(0, Size).ToArray(), Simulation.ParameterRandom);
    }
}

/// <summary>Some cells of one population.</summary>
/// <param name="Population">The population.</param>
/// <param name="Indices">Indices within the population.</param>
public sealed record PopulationPart(Population Population, int[] Indices);
