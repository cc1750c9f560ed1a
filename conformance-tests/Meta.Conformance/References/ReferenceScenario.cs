using Meta.Backends;
using Meta.CurrentSources;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Recording;

namespace Meta.Conformance.References;

/// <summary>Rebuilds a reference scenario (shared/peers/reference.py) with Meta's API on any backend.</summary>
public static class ReferenceScenario
{
    /// <summary>Runs the scenario of <paramref name="reference"/> at time step <paramref name="dt"/> and returns the cell's data.</summary>
    public static Segment Run(IBackend backend, ReferenceTrace reference, double dt, Precision precision = Precision.Float64,
        Meta.Network.SpikePrecision spikePrecision = Meta.Network.SpikePrecision.OnGrid)
    {
        using var sim = new Simulation(backend, new SimulationOptions { Timestep = dt, MinDelay = Math.Max(dt, 0.1), Precision = precision, SpikePrecision = spikePrecision });
        var cellType = new CellType(reference.CellType);
        foreach (var (k, v) in reference.Parameters) cellType[k] = v;
        var cell = sim.CreatePopulation(1, cellType, "cell");
        if (reference.StimulusKind == "StepCurrentSource")
        {
            new StepCurrentSource(reference.StepTimes, reference.StepAmplitudes).InjectInto(cell);
        }
        else
        {
            var exc = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", reference.ExcitatoryTimes), "exc");
            var inh = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", reference.InhibitoryTimes), "inh");
            bool currentBased = reference.CellType.StartsWith("IF_curr", StringComparison.Ordinal);
            double wInh = currentBased ? reference.WeightInh : Math.Abs(reference.WeightInh);
            _ = new Projection(exc, cell, new AllToAllConnector(), new StaticSynapse(reference.WeightExc, reference.Delay), "excitatory");
            _ = new Projection(inh, cell, new AllToAllConnector(), new StaticSynapse(wInh, reference.Delay), "inhibitory");
        }
        var model = cellType.Model;
        cell.Record(reference.Signals.Keys.Where(model.Recordables.Contains).Prepend("spikes").ToArray());
        sim.Run(reference.TStop);
        return cell.GetData().Segments[0];
    }
}
