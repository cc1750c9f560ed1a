using Meta.Backends;

namespace Meta.Cli.Networks;

/// <summary>
/// A network file, parsed and checked (<see cref="NetworkParser"/>), ready to be built (<see cref="NetworkBuilder"/>).
/// Every element keeps the JSON path it came from, so errors found later still name the field.
/// </summary>
public sealed record NetworkDocument
{
    /// <summary>The network's name (the file name when the file has none).</summary>
    public required string Name { get; init; }
    /// <summary>Free text.</summary>
    public string? Description { get; init; }
    /// <summary>The <c>simulation</c> section.</summary>
    public required SimulationSection Simulation { get; init; }
    /// <summary>The populations, in file order (which is creation order).</summary>
    public required IReadOnlyList<PopulationSection> Populations { get; init; }
    /// <summary>The population views.</summary>
    public IReadOnlyList<ViewSection> Views { get; init; } = [];
    /// <summary>The assemblies.</summary>
    public IReadOnlyList<AssemblySection> Assemblies { get; init; } = [];
    /// <summary>The projections, in creation order.</summary>
    public IReadOnlyList<ProjectionSection> Projections { get; init; } = [];
    /// <summary>The current sources.</summary>
    public IReadOnlyList<CurrentSourceSection> CurrentSources { get; init; } = [];
    /// <summary>The top-level <c>record</c> entries.</summary>
    public IReadOnlyList<RecordSection> Records { get; init; } = [];
}

/// <summary>A name (a label, a variable) and the JSON path it was read from.</summary>
public sealed record Ref(string Name, string Path);

/// <summary>PyNN's <c>setup()</c> arguments plus the seed and run duration.</summary>
public sealed record SimulationSection
{
    /// <summary>The JSON path (<c>simulation</c>).</summary>
    public string Path { get; init; } = "simulation";
    /// <summary>The time step in ms.</summary>
    public double Timestep { get; init; } = 0.1;
    /// <summary>min_delay in ms, or null for "auto".</summary>
    public double? MinDelay { get; init; }
    /// <summary>max_delay in ms, or null for "auto".</summary>
    public double? MaxDelay { get; init; }
    /// <summary>The seed, or null for Meta's default.</summary>
    public ulong? Seed { get; init; }
    /// <summary>The run duration in ms, or null when the command line must give it.</summary>
    public double? Duration { get; init; }
    /// <summary>The arithmetic precision, or null for the backend's default on its device.</summary>
    public Precision? Precision { get; init; }
    /// <summary>Where spike times lie (<c>spike_precision</c>: "on_grid", the default, or "off_grid").</summary>
    public Meta.Network.SpikePrecision SpikePrecision { get; init; }
}

/// <summary>One population: PyNN's <c>Population(size, cell_type(**parameters), label=label)</c>.</summary>
public sealed record PopulationSection(string Path, string Label, int Size, string CellType,
    IReadOnlyList<NamedValue> Parameters, IReadOnlyList<NamedValue> InitialValues, IReadOnlyList<Ref> Record)
{
    /// <summary>The resolved model: a standard one by <see cref="CellType"/>, or a composed PointNeuron.</summary>
    public required Meta.Models.ModelDefinition Model { get; init; }
    /// <summary>The <c>structure</c> (null: PyNN's default Line).</summary>
    public StructureSpec? Structure { get; init; }
    /// <summary>Explicit <c>positions</c>, 3 arrays (x, y, z) of one number per cell, or null.</summary>
    public double[][]? Positions { get; init; }
    /// <summary>The JSON path of <see cref="Positions"/>.</summary>
    public string? PositionsPath { get; init; }
}

/// <summary>A population's structure (Line, Grid2D, Grid3D or RandomStructure), checked; <see cref="Create"/> makes a fresh one.</summary>
/// <param name="Path">The JSON path.</param>
/// <param name="Type">The structure's PyNN name.</param>
/// <param name="Create">Makes the structure (a fresh random stream each time when it has a seed).</param>
public sealed record StructureSpec(string Path, string Type, Func<Spatial.Structure> Create);

/// <summary>A projection's space (PyNN's <c>Space</c>), checked.</summary>
/// <param name="Path">The JSON path.</param>
/// <param name="Axes">The axes, or null for all three.</param>
/// <param name="ScaleFactor">The scale factor.</param>
/// <param name="Offset">The offset.</param>
/// <param name="PeriodicBoundaries">Three entries (null or (min, max)), or null.</param>
public sealed record SpaceSpec(string Path, string? Axes, double ScaleFactor, double Offset, IReadOnlyList<(double Min, double Max)?>? PeriodicBoundaries)
{
    /// <summary>Makes the space.</summary>
    public Spatial.Space Create() => new(Axes, ScaleFactor, Offset, PeriodicBoundaries);
}

/// <summary>A parameter or initial value by name.</summary>
public sealed record NamedValue(string Name, ValueSpec Value);

/// <summary>A view: some cells of a population, view or assembly (PyNN's <c>PopulationView</c>).</summary>
public sealed record ViewSection(string Path, string Label, Ref Parent, ViewSelector Selector);

/// <summary>How a view selects cells.</summary>
public abstract record ViewSelector(string Path);

/// <summary>Cells by position in the parent.</summary>
public sealed record IndexSelector(string Path, int[] Indices) : ViewSelector(Path);

/// <summary>A Python slice <c>[start:stop:step]</c>; null bounds mean "from the start" / "to the end".</summary>
public sealed record SliceSelector(string Path, int? Start, int? Stop, int Step) : ViewSelector(Path)
{
    /// <summary>The positions the slice selects from a collection of <paramref name="size"/> cells (Python's semantics).</summary>
    public int[] Positions(int size)
    {
        int lower = Step > 0 ? 0 : -1, upper = Step > 0 ? size : size - 1;
        int Bound(int? v, int whenNull)
        {
            if (v is not { } x) return whenNull;
            if (x < 0) x += size;
            return Math.Clamp(x, lower, upper);
        }
        int start = Bound(Start, Step > 0 ? lower : upper);
        int stop = Bound(Stop, Step > 0 ? upper : lower);
        var result = new List<int>();
        for (int i = start; Step > 0 ? i < stop : i > stop; i += Step) result.Add(i);
        return result.ToArray();
    }
}

/// <summary>A boolean mask with one entry per parent cell.</summary>
public sealed record MaskSelector(string Path, bool[] Mask) : ViewSelector(Path);

/// <summary>An assembly of populations, views or assemblies (PyNN's <c>Assembly</c>, <c>p1 + p2</c>).</summary>
public sealed record AssemblySection(string Path, string Label, IReadOnlyList<Ref> Members);

/// <summary>A projection: PyNN's <c>Projection(pre, post, connector, synapse_type, receptor_type=...)</c>.</summary>
public sealed record ProjectionSection(string Path, string? Label, Ref Pre, Ref Post, ConnectorSpec Connector,
    SynapseSpec Synapse, Ref? ReceptorType)
{
    /// <summary>The <c>space</c> (null: the default Space).</summary>
    public SpaceSpec? Space { get; init; }
}

/// <summary>A connector by PyNN name with its parameters (only those of its type are set).</summary>
public sealed record ConnectorSpec(string Path, string Type)
{
    /// <summary><c>allow_self_connections</c>.</summary>
    public bool AllowSelfConnections { get; init; } = true;
    /// <summary><c>p_connect</c> (FixedProbabilityConnector).</summary>
    public double PConnect { get; init; }
    /// <summary><c>n</c> (FixedNumberPre/PostConnector): a <see cref="NumberSpec"/> or <see cref="DistributionSpec"/>.</summary>
    public ValueSpec? N { get; init; }
    /// <summary><c>with_replacement</c> (FixedNumberPre/PostConnector).</summary>
    public bool WithReplacement { get; init; }
    /// <summary><c>conn_list</c> rows (FromListConnector), 2 to 4 values each.</summary>
    public IReadOnlyList<double[]> ConnList { get; init; } = [];
    /// <summary>The JSON path of each <c>conn_list</c> row.</summary>
    public IReadOnlyList<string> ConnListPaths { get; init; } = [];
    /// <summary>A seed giving the connector its own random stream, or null to use the projection's.</summary>
    public ulong? Seed { get; init; }
    /// <summary><c>d_expression</c> (DistanceDependentProbabilityConnector), an expression in d.</summary>
    public string? DExpression { get; init; }
    /// <summary><c>index_expression</c> (IndexBasedProbabilityConnector), an expression in i and j.</summary>
    public string? IndexExpression { get; init; }
    /// <summary><c>disp_function</c> (DisplacementDependentProbabilityConnector), an expression in dx, dy and dz.</summary>
    public string? DispFunction { get; init; }
    /// <summary><c>file</c> (FromFileConnector), resolved against the network file's folder.</summary>
    public string? File { get; init; }
    /// <summary><c>reference_projection</c> (CloneConnector): the label of an earlier projection.</summary>
    public Ref? ReferenceProjection { get; init; }
    /// <summary><c>array</c> (ArrayConnector): rows (pre) of booleans (post).</summary>
    public bool[][]? Array { get; init; }
    /// <summary><c>degree</c> (SmallWorldConnector).</summary>
    public double Degree { get; init; }
    /// <summary><c>rewiring</c> (SmallWorldConnector).</summary>
    public double Rewiring { get; init; }
    /// <summary><c>n_connections</c> (SmallWorldConnector), or null.</summary>
    public int? NConnections { get; init; }
}

/// <summary>
/// The synapse type with weight and delay (each null for the default) and, for a type with dynamics, its model, the parameter
/// values given and the dendritic delay fraction.
/// </summary>
public sealed record SynapseSpec(string Path, string Type, ValueSpec? Weight, ValueSpec? Delay)
{
    /// <summary>The synapse model (standard or from the file's <c>synapse_models</c>), or null for <c>StaticSynapse</c>.</summary>
    public Meta.Models.SynapseModel? Model { get; init; }
    /// <summary>The coupling model of a coupling type (<c>ElectricalSynapse</c>, <c>GradedSynapse</c>), or null for a synapse of spike events.</summary>
    public Meta.Models.CouplingModel? Coupling { get; init; }
    /// <summary>The cell state a coupling type couples (<c>"variable"</c>, default <c>v</c>).</summary>
    public string Variable { get; init; } = "v";
    /// <summary>Parameter values given (others take the model's defaults).</summary>
    public IReadOnlyList<NamedValue> Parameters { get; init; } = [];
    /// <summary>PyNN's <c>dendritic_delay_fraction</c>.</summary>
    public double DendriticDelayFraction { get; init; } = 1.0;
}

/// <summary>A current source and the cells it injects into, with its PyNN parameters (each at PyNN's default when absent).</summary>
public sealed record CurrentSourceSection(string Path, string Type, IReadOnlyList<Ref> InjectInto)
{
    /// <summary>The label naming the recorded current's output file (<c>current_source_N</c> for the N-th entry when absent).</summary>
    public string Label { get; init; } = "";
    /// <summary>Whether the source's current is recorded (<c>"record": true</c>).</summary>
    public bool Record { get; init; }
    /// <summary>DCSource and ACSource amplitude (nA).</summary>
    public double Amplitude { get; init; } = 1.0;
    /// <summary>DCSource, ACSource and NoisyCurrentSource start (ms).</summary>
    public double Start { get; init; }
    /// <summary>DCSource, ACSource and NoisyCurrentSource stop (ms).</summary>
    public double Stop { get; init; } = 1e12;
    /// <summary>StepCurrentSource times (ms).</summary>
    public double[] Times { get; init; } = [];
    /// <summary>StepCurrentSource amplitudes (nA).</summary>
    public double[] Amplitudes { get; init; } = [];
    /// <summary>ACSource frequency (Hz).</summary>
    public double Frequency { get; init; } = 10.0;
    /// <summary>ACSource offset (nA).</summary>
    public double Offset { get; init; }
    /// <summary>ACSource phase (degrees).</summary>
    public double Phase { get; init; }
    /// <summary>NoisyCurrentSource mean (nA).</summary>
    public double Mean { get; init; }
    /// <summary>NoisyCurrentSource standard deviation (nA).</summary>
    public double Stdev { get; init; } = 1.0;
    /// <summary>NoisyCurrentSource interval between draws (ms; PyNN's <c>dt</c>).</summary>
    public double NoiseDt { get; init; } = 0.1;
}

/// <summary>A recording request: variables of some cells, with an optional sampling interval for analog variables.</summary>
public sealed record RecordSection(string Path, Ref Cells, IReadOnlyList<Ref> Variables, double? SamplingInterval);
