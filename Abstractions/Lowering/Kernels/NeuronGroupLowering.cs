using Meta.Backends;
using Meta.Backends.Programs;
using Meta.Models;
using Meta.Network;

namespace Meta.Lowering.Kernels;

/// <summary>
/// Lowers one neuron population, and lowers it again when its parameters change between runs. The literal-versus-buffer
/// policy: numbers written in the model's equations are literals of the kernel; every parameter, coefficient, scale and
/// refractory period is a buffer, <see cref="Storage.Uniform"/> when all cells share its value, else per cell; sub-expressions
/// of uniform values are folded into derived uniform buffers. A kernel therefore depends on the model and on which values
/// are uniform, never on the values, and a parameter change re-lowers the kernel only when it makes a uniform value per-cell
/// (or the reverse).
/// </summary>
public sealed class NeuronGroupLowering
{
    private readonly PopulationSpec _population;
    private readonly double _dt;
    private readonly bool _precise;
    private readonly bool _offGrid;
    private readonly IReadOnlyList<ExactDelivery.Plan> _exactPlans;
    private CellKernel _kernel = null!;
    private DerivedValues _derived = null!;
    private HashSet<string> _uniform = [];

    /// <summary>
    /// Lowers <paramref name="population"/> (a neuron population) at time step <paramref name="dt"/>, with spike times on the
    /// grid or found within the step (<paramref name="spikePrecision"/>).
    /// </summary>
    /// <param name="population">The population.</param>
    /// <param name="dt">The time step (ms).</param>
    /// <param name="spikePrecision">Spike times on the grid or found within the step.</param>
    /// <param name="offsetReceptors">
    /// With <see cref="SpikePrecision.OffGrid"/>, the receptors that receive spikes with offsets from the grid
    /// (<see cref="ExactDelivery.OffsetReceptors"/>): only those of them that qualify get a second ring and exact delivery.
    /// Null: every qualifying receptor does (a population lowered without its projections).
    /// </param>
    public NeuronGroupLowering(PopulationSpec population, double dt, SpikePrecision spikePrecision = SpikePrecision.OnGrid,
        IReadOnlySet<int>? offsetReceptors = null)
    {
        ArgumentNullException.ThrowIfNull(population);
        if (population.Model.Kind != ModelKind.Neuron) throw new ArgumentException($"{population.Model.Name} is not a neuron model.", nameof(population));
        _population = population;
        _dt = dt;
        _precise = PreciseSpikes(population.Model, spikePrecision);
        _offGrid = spikePrecision == SpikePrecision.OffGrid;
        // The receptors that take off-grid spikes exactly, found once (every kernel built for a parameter update reuses them).
        _exactPlans = spikePrecision == SpikePrecision.OffGrid
            ? ExactDelivery.For(population.Model).Where(p => offsetReceptors?.Contains(p.Receptor) ?? true).ToArray()
            : [];
        var values = NeuronValues.Compute(population.Model, population.Label, population.Size, population.Parameters, dt);
        Relower(values);
        Program = new NeuronGroupProgram
        {
            Index = population.Index,
            Label = population.Label,
            Size = population.Size,
            FirstGlobalIndex = population.FirstGlobalIndex,
            ModelName = population.Model.Name,
            Kernel = _kernel,
            Values = BufferValues(values, population.InitialValues),
            // With off_grid, a second ring for each qualifying receptor that receives spikes with offsets (ExactDelivery).
            Receptors = population.Model.Receptors.Select(r => r.Name)
                .Concat(_exactPlans.Select(p => ExactDelivery.DecayedName(population.Model.Receptors[p.Receptor].Name))).ToArray(),
            States = population.Model.States.Select(s => s.Name).Concat(_precise ? PreciseSpikeTimes.States : []).ToArray(),
            Injectable = population.Model.Injectable,
        };
    }

    /// <summary>
    /// The kernel of <paramref name="model"/> when every parameter-derived value is uniform (the usual case) or when every one
    /// is per cell: the two extremes of the storage policy, for tools and tests that compile kernels without a network.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="uniformValues">Whether every parameter-derived value is uniform.</param>
    /// <param name="dt">The time step (ms), which fixes the number of sub-steps of a model with <see cref="ModelDefinition.MaxSubstep"/>.</param>
    /// <param name="spikePrecision">Spike times on the grid or found within the step.</param>
    public static CellKernel KernelOf(ModelDefinition model, bool uniformValues, double dt = 0.1, SpikePrecision spikePrecision = SpikePrecision.OnGrid)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new NeuronKernelBuilder(model, _ => uniformValues, dt, spikePrecision == SpikePrecision.OffGrid).Build();
    }

    /// <summary>
    /// Whether a population of <paramref name="model"/> finds its spike times within the step (its spikes then carry offsets
    /// from the grid): with <see cref="SpikePrecision.OffGrid"/>, for the models <see cref="PreciseSpikeTimes.AppliesTo"/>.
    /// </summary>
    public static bool PreciseSpikes(ModelDefinition model, SpikePrecision spikePrecision) =>
        spikePrecision == SpikePrecision.OffGrid && PreciseSpikeTimes.AppliesTo(model);

    /// <summary>The group as first lowered.</summary>
    public NeuronGroupProgram Program { get; }

    /// <summary>The kernel in use now.</summary>
    public CellKernel Kernel => _kernel;

    /// <summary>
    /// The update for new parameter values (every kernel parameter, one value per cell): the new buffer values, and a new
    /// kernel when a value's storage changed.
    /// </summary>
    public NeuronGroupUpdate Update(IReadOnlyDictionary<string, double[]> parameters)
    {
        var values = NeuronValues.Compute(_population.Model, _population.Label, _population.Size, parameters, _dt);
        var uniform = UniformNames(values);
        CellKernel? kernel = null;
        if (!uniform.SetEquals(_uniform))
        {
            var before = _kernel.Key;
            Relower(values);
            if (_kernel.Key != before) kernel = _kernel;
        }
        var buffers = BufferValues(values, null);
        return new NeuronGroupUpdate(_population.Index, kernel, buffers);
    }

    private HashSet<string> UniformNames(Dictionary<string, double[]> values) =>
        values.Where(kv => NeuronValues.IsUniform(kv.Value)).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);

    private void Relower(Dictionary<string, double[]> values)
    {
        _uniform = UniformNames(values);
        // The builder takes off_grid itself: it finds spike times within the step where the model allows (_precise) and
        // receives spikes with offsets exactly through _exactPlans whether or not it does (HH_cond_exp: spikes on the grid).
        var builder = new NeuronKernelBuilder(_population.Model, _uniform.Contains, _dt, _offGrid, _exactPlans);
        _kernel = builder.Build();
        _derived = builder.Derived;
    }

    /// <summary>The value of every buffer the kernel declares (states from <paramref name="initial"/>, when given).</summary>
    private Dictionary<string, double[]> BufferValues(Dictionary<string, double[]> values, IReadOnlyDictionary<string, double[]>? initial)
    {
        var derived = _derived.Evaluate(values, _population.Size);
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var b in _kernel.Buffers)
        {
            if (b.Role == BufferRole.State)
            {
                if (initial is null) continue;
                // The states the lowering adds (precise spike times) start at 0.
                result[b.Name] = (double[])InitialStates.Of(initial, b.Name, _population.Size).Clone();
                continue;
            }
            if (b.Role == BufferRole.Derived) result[b.Name] = derived[b.Name];
            else if (b.Storage == Storage.Uniform) result[b.Name] = [values[b.Name][0]];
            else result[b.Name] = values[b.Name];
        }
        return result;
    }
}
