using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Lowering.Kernels;
using Meta.Models;
using Meta.Network;

namespace Meta.Lowering;

/// <summary>
/// Turns a resolved network into the step program every backend receives, once (layer 3 of docs/architecture.md), and turns
/// later changes into <see cref="ProgramUpdate"/>s. It keeps each neuron group's lowering, so a parameter change recomputes
/// values and, only when a value's storage changed, the kernel.
/// </summary>
public sealed class NetworkLowering
{
    private readonly NetworkSpec _network;
    private readonly NeuronGroupLowering?[] _neurons;

    /// <summary>Lowers <paramref name="network"/>.</summary>
    public NetworkLowering(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        // With off_grid, second rings only for the receptors that spikes with offsets reach.
        var offsetReceptors = ExactDelivery.OffsetReceptors(network.Projections,
            network.Populations.Select(p => PreciseSpikes(p, network.SpikePrecision)).ToArray());
        _neurons = network.Populations.Select((p, i) => p.Model.Kind == ModelKind.Neuron
            ? new NeuronGroupLowering(p, network.Timestep, network.SpikePrecision, offsetReceptors[i]) : null).ToArray();
        var groups = network.Populations.Select((p, i) => _neurons[i]?.Program ?? (CellGroupProgram)Source(p, network.SpikePrecision)).ToArray();
        Program = new StepProgram
        {
            Timestep = network.Timestep,
            Seed = network.Seed,
            Groups = groups,
            // With off_grid, projections onto exponentially decaying receptors also deliver the decayed sum (ExactDelivery).
            Projections = network.SpikePrecision == SpikePrecision.OffGrid
                ? ExactDelivery.Attach(network.Projections, groups, g => _neurons[g] is null ? null : network.Populations[g].Model, g => network.Populations[g].Parameters)
                : network.Projections,
            Couplings = network.Couplings,
            CurrentSources = network.CurrentSources,
            Recorders = network.Recorders,
        };
    }

    /// <summary>The step program.</summary>
    public StepProgram Program { get; }

    /// <summary>The kernel a neuron population runs now (null for spike sources).</summary>
    public CellKernel? KernelOf(int population) => _neurons[population]?.Kernel;

    /// <summary>
    /// The update of a population's parameters: for a neuron group, its new buffer values (and kernel when needed); for a
    /// spike source, the parameter itself.
    /// </summary>
    /// <param name="population">The population index.</param>
    /// <param name="parameters">Every scalar parameter of the population, one value per cell (kernel parameters of neurons).</param>
    /// <param name="changed">The names that changed.</param>
    public (NeuronGroupUpdate? Neurons, IReadOnlyList<(int Group, string Name, double[] Values)> Sources) ParameterUpdate(
        int population, IReadOnlyDictionary<string, double[]> parameters, IEnumerable<string> changed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(changed);
        if (_neurons[population] is { } neurons)
        {
            CheckDecayRates(population, parameters);
            return (neurons.Update(parameters), []);
        }
        return (null, changed.Select(n => (population, n, (double[])parameters[n].Clone())).ToArray());
    }

    /// <summary>
    /// Exact off-grid delivery carries the post cells' decay rates in the projections (<see cref="OffGridDelivery.CellRates"/>),
    /// fixed at load: a parameter change that alters one is refused with an error naming the population.
    /// </summary>
    private void CheckDecayRates(int population, IReadOnlyDictionary<string, double[]> parameters)
    {
        var model = _network.Populations[population].Model;
        var exact = Program.Projections.Where(p => p.PostGroup == population && p.OffGrid is not null).ToArray();
        if (exact.Length == 0) return;
        // The plans once per update, the rates once per receptor.
        var plans = ExactDelivery.For(model);
        var byReceptor = new Dictionary<int, double[]>();
        foreach (var p in exact)
        {
            var plan = plans.First(x => x.Receptor == p.Receptor);
            if (!byReceptor.TryGetValue(p.Receptor, out var rates))
                byReceptor[p.Receptor] = rates = ExactDelivery.Rates(plan.Rate, parameters, _network.Populations[population].Size);
            var loaded = p.OffGrid!.CellRates;
            for (int j = 0; j < rates.Length; j++)
                if (rates[j] != loaded[j])
                    throw new InvalidParameterValueException($"Population '{_network.Populations[population].Label}': with spike_precision=\"off_grid\" " +
                        $"the decay rate {plan.Rate} of receptor '{model.Receptors[p.Receptor].Name}' is fixed once the network is loaded (exact delivery " +
                        "carries it in the projections); set it before the first run.");
        }
    }

    /// <summary>
    /// A spike source group; with <see cref="SpikePrecision.OffGrid"/>, the kinds whose times are continuous keep them
    /// (<see cref="Backends.Runtime.HostSpikeSchedule.PreciseKinds"/>).
    /// </summary>
    private static SpikeSourceProgram Source(PopulationSpec p, SpikePrecision precision) => new()
    {
        Index = p.Index,
        Label = p.Label,
        Size = p.Size,
        FirstGlobalIndex = p.FirstGlobalIndex,
        ModelName = p.Model.Name,
        Kind = p.Model.SourceKind ?? throw new InvalidModelException($"Spike source model '{p.Model.Name}' names no generator."),
        Parameters = p.Parameters,
        Sequences = p.Sequences,
        PreciseTimes = PreciseSpikes(p, precision),
    };

    /// <summary>
    /// Whether <paramref name="p"/>'s spikes carry offsets from the grid: a neuron population whose model finds spike times
    /// within the step, or a source of a kind whose times are continuous, under <see cref="SpikePrecision.OffGrid"/>.
    /// </summary>
    private static bool PreciseSpikes(PopulationSpec p, SpikePrecision precision) => p.Model.Kind == ModelKind.Neuron
        ? NeuronGroupLowering.PreciseSpikes(p.Model, precision)
        : precision == SpikePrecision.OffGrid && Backends.Runtime.HostSpikeSchedule.PreciseKinds.Contains(p.Model.SourceKind ?? "");
}
