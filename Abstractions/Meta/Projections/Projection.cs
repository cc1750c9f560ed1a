using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Models;
using Meta.Populations;
using Meta.Projections.Connectors;
using Meta.Random;
using Meta.Spatial;

namespace Meta.Projections;

/// <summary>
/// Connections from one group of cells to another (PyNN's <c>Projection</c>). Connections are made when the
/// projection is created, from the connector and the simulation's seed, identically for every backend.
/// </summary>
public sealed class Projection
{
    // Pre and post positions per connection (connection order); empty once released (_released holds them then).
    private int[] _pre;
    private int[] _post;
    // A static projection's connections after load, as the step program's part arrays (ReleasedConnections): set while the
    // arrays above are released, and kept once made so that releasing them again needs no new check.
    private IReleasedConnections? _released;
    private IReleasedConnections? _releasable;
    private bool _releaseRefused;
    // Weights and delays: one value (RepeatedValue) when every connection has the same, else an array (connection order).
    private IReadOnlyList<double> _weight;
    private IReadOnlyList<double> _delay;

    /// <summary>
    /// Connects <paramref name="pre"/> to <paramref name="post"/>. <paramref name="receptorType"/> null guesses from the weight's sign
    /// (PyNN's rule). Throws <see cref="ConnectionException"/> for an unknown receptor, a weight of the wrong sign or
    /// a delay out of range. <paramref name="space"/> measures the distances that distance-dependent connectors and
    /// synapse values use (null: the default <see cref="Spatial.Space"/>, Euclidean over x, y, z).
    /// </summary>
    public Projection(CellCollection pre, CellCollection post, Connector connector, SynapseType? synapse = null,
        string? receptorType = null, string? label = null, Space? space = null)
    {
        ArgumentNullException.ThrowIfNull(pre);
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(connector);
        if (pre.Simulation != post.Simulation) throw new ConnectionException("Pre and post belong to different simulations.");
        if (post.Parts.Any(p => p.Population.CellType.Model.Kind == ModelKind.SpikeSource))
            throw new ConnectionException($"'{post.Label}' contains spike sources, which cannot receive connections.");
        Simulation = pre.Simulation;
        Pre = pre;
        Post = post;
        Connector = connector;
        Synapse = synapse ?? new StaticSynapse();
        var coupling = Synapse as CouplingSynapse;
        if (coupling is not null && pre.Parts.Any(p => p.Population.CellType.Model.Kind == ModelKind.SpikeSource))
            throw new ConnectionException($"'{pre.Label}' contains spike sources, which have no state to couple through a {Synapse.Name}.");
        if (coupling is not null)
        {
            CheckCoupledState(post, coupling.Variable, Synapse.Name);
            if (coupling.Coupling.Bidirectional) CheckCoupledState(pre, coupling.Variable, Synapse.Name);
        }
        Space = space ?? new Space();
        Simulation.CheckCanAddStructure("a projection");
        Index = Simulation.NextProjectionIndex();
        Label = label ?? $"{pre.Label}→{post.Label}";

        var preCells = pre.Cells.ToArray();
        var postCells = post.Cells.ToArray();
        var rng = Simulation.ProjectionRandom(Index);
        // A distributed run's rank keeps only the connections onto its own cells. Connectors that can be asked for them
        // (DrawsPerTarget) store nothing else; the others, and values that depend on the other connections (distributions,
        // lists), are computed whole and cut at the end (docs/architecture.md, "Distributed runs").
        var owned = Simulation.OwnedCells(postCells);
        bool perTarget = owned is not null && connector.DrawsPerTarget && !SynapseValuesDependOnOtherConnections(Synapse);
        var context = Context(preCells, postCells, rng, perTarget ? new PostTargets(owned!) : null);
        // The connector's pairs are streamed into two chunked index lists (8 bytes a connection, no growth copies) instead of
        // an array of pairs (40), then copied once into exact-size arrays; the rare explicit weights and delays are kept beside them.
        // A ColumnsConnector's arrays (SONATA edges) become the projection's own, with no copy and no per-pair pass.
        List<(int At, double Value)>? givenWeights = null, givenDelays = null;
        double[]? weightColumn = null, delayColumn = null;
        if (connector is ColumnsConnector columnsConnector)
        {
            columnsConnector.Take(context);
            _pre = columnsConnector.Pre;
            _post = columnsConnector.Post;
            weightColumn = columnsConnector.Weights;
            delayColumn = columnsConnector.Delays;
        }
        else
        {
            var preList = new ChunkedList<int>();
            var postList = new ChunkedList<int>();
            foreach (var pair in connector.Connect(context))
            {
                if (perTarget && !owned![pair.Post]) continue;
                int at = checked((int)preList.Count);
                if (pair.Weight is { } w) (givenWeights ??= []).Add((at, w));
                if (pair.Delay is { } dl) (givenDelays ??= []).Add((at, dl));
                preList.Add(pair.Pre);
                postList.Add(pair.Post);
            }
            _pre = preList.ToArray();
            _post = postList.ToArray();
        }
        int count = _pre.Length;

        // A given column replaces the synapse type's values; those are still evaluated where they draw random numbers, so
        // the projection's stream advances as it would for any other connector. A scalar weight or delay (and none given
        // per connection) is kept as one value, not one per connection (no random draws are made for a scalar, so the
        // stream is where it would have been).
        var weightValue = Synapse.Weight ?? 0.0;
        IReadOnlyList<double> weights;
        if (weightColumn is not null && weightValue.IsScalar) weights = weightColumn;
        else if (weightValue.IsScalar && givenWeights is null) weights = new RepeatedValue<double>(weightValue.ScalarValue, count);
        else
        {
            var evaluated = weightValue.Evaluate("weight", _pre, _post, context.Distance, preCells.Length, postCells.Length, rng);
            weightColumn?.CopyTo(evaluated, 0);
            foreach (var (at, w) in givenWeights ?? []) evaluated[at] = w;
            weights = weightColumn is null ? RepeatedValue<double>.Compact(evaluated) : evaluated;
        }
        bool scalarDelay = Synapse.Delay?.IsScalar ?? true;
        IReadOnlyList<double> delays;
        if (coupling is not null) delays = new RepeatedValue<double>(0.0, count);
        else if (delayColumn is not null && scalarDelay) delays = delayColumn;
        else if (givenDelays is null && delayColumn is null && scalarDelay) delays = new RepeatedValue<double>(Synapse.Delay?.ScalarValue ?? Simulation.MinDelay, count);
        else
        {
            double[] evaluated;
            if (Synapse.Delay is { } d) evaluated = d.Evaluate("delay", _pre, _post, context.Distance, preCells.Length, postCells.Length, rng);
            else Array.Fill(evaluated = new double[count], Simulation.MinDelay);
            delayColumn?.CopyTo(evaluated, 0);
            foreach (var (at, dl) in givenDelays ?? []) evaluated[at] = dl;
            delays = evaluated;
        }

        IReadOnlyList<string> receptors = coupling is not null ? [CouplingTarget] : post.ReceptorTypes;
        if (coupling is not null) receptorType = CouplingTarget;
        else if (receptorType is null or "default")
        {
            if (receptors.Count == 0) throw new ConnectionException($"'{post.Label}' has no receptor types.");
            receptorType = weights.Count > 0 && weights[weights.Count - 1] < 0 && receptors.Count > 1 ? receptors[1] : receptors[0];
        }
        if (!receptors.Contains(receptorType))
            throw new ConnectionException($"Invalid receptor type '{receptorType}' for '{post.Label}' (valid receptor types: {string.Join(", ", receptors)}).");
        ReceptorType = receptorType;
        CheckWeights(weights);
        _weight = weights;
        _delay = coupling is not null ? delays : RoundDelays(delays);
        IReadOnlyList<ParameterDefinition> parameterDefinitions = Synapse.Model?.Parameters ?? coupling?.Coupling.Parameters ?? [];
        IReadOnlyList<StateDefinition> stateDefinitions = Synapse.Model?.States ?? coupling?.Coupling.States ?? [];
        if (Synapse.Model is not null || coupling is not null)
        {
            foreach (var name in Synapse.ParameterValues.Keys)
                if (name == SynapseModel.WeightName || !parameterDefinitions.Any(p => p.Name == name))
                    throw new NonExistentParameterException(name, Synapse.Name, parameterDefinitions.Select(p => p.Name).Where(n => n != SynapseModel.WeightName));
            foreach (var parameter in parameterDefinitions.Where(p => p.Name != SynapseModel.WeightName))
            {
                double[] values = Synapse.ParameterValues.TryGetValue(parameter.Name, out var given)
                    ? given.Evaluate(parameter.Name, _pre, _post, context.Distance, preCells.Length, postCells.Length, rng)
                    : parameter.Name == PostTimeConstant ? ReceptorTimeConstants(postCells, parameter.Default)
                    : Enumerable.Repeat(parameter.Default, _pre.Length).ToArray();
                CheckDomain(parameter, values);
                _synapseParameters[parameter.Name] = values;
            }
            foreach (var state in stateDefinitions.Where(st => st.Name != SynapseModel.WeightName))
            {
                var values = new double[_pre.Length];
                for (int k = 0; k < values.Length; k++)
                {
                    int at = k;
                    values[k] = state.Initial.Evaluate(n => ParameterColumn(n)[at]);
                }
                _synapseStates[state.Name] = values;
            }
        }
        if (owned is not null && !perTarget)
        {
            var keep = Enumerable.Range(0, _pre.Length).Where(k => owned[_post[k]]).ToArray();
            _pre = keep.Select(k => _pre[k]).ToArray();
            _post = keep.Select(k => _post[k]).ToArray();
            _weight = Kept(_weight, keep);
            _delay = Kept(_delay, keep);
            foreach (var columns in new[] { _synapseParameters, _synapseStates })
                foreach (var name in columns.Keys.ToArray()) columns[name] = keep.Select(k => columns[name][k]).ToArray();
        }
        TotalSize = Simulation.SumOverRanks(_pre.Length);
        Simulation.AddProjection(this);
        if (Backends.Runtime.MemoryTrace.Requested) Backends.Runtime.MemoryTrace.Mark($"projection {Label} built");
        LoadMemory.AfterProjectionBuilt(_pre.Length);
    }

    /// <summary>What the connector is told about the projection: its cells, distances, random stream and targets.</summary>
    private ConnectionContext Context((Population Population, int Index)[] preCells, (Population Population, int Index)[] postCells,
        RandomStream rng, PostTargets? targets)
    {
        var prePosition = new Dictionary<(Population, int), int>(preCells.Length);
        for (int i = 0; i < preCells.Length; i++) prePosition.TryAdd(preCells[i], i);
        var postPosition = new Dictionary<(Population, int), int>(postCells.Length);
        for (int j = 0; j < postCells.Length; j++) postPosition.TryAdd(postCells[j], j);
        var prePositions = Pre.Positions;
        var postPositions = Post.Positions;
        var measure = Space;
        return new ConnectionContext(preCells.Length, postCells.Length,
            (i, j) => preCells[i] == postCells[j], Distance(prePositions, postPositions), rng,
            j => prePosition.GetValueOrDefault(postCells[j], -1), i => postPosition.GetValueOrDefault(preCells[i], -1))
        {
            Displacement = (i, j) => measure.Displacement(prePositions[0, i], prePositions[1, i], prePositions[2, i],
                postPositions[0, j], postPositions[1, j], postPositions[2, j]),
            Pre = Pre,
            Post = Post,
            Warn = w => Simulation.AddWarning($"projection '{Label}': {w}"),
            Targets = targets,
        };
    }

    /// <summary>
    /// The connector's pairs drawn again from the projection's own random stream, as the constructor drew them (pre and post
    /// positions in connection order); only for a projection <see cref="ReplayedConnections.CanReplay"/> accepts.
    /// </summary>
    internal (int[] Pre, int[] Post) DrawConnectionsAgain()
    {
        var context = Context(Pre.Cells.ToArray(), Post.Cells.ToArray(), Simulation.ProjectionRandom(Index), null);
        var preList = new ChunkedList<int>();
        var postList = new ChunkedList<int>();
        foreach (var pair in Connector.Connect(context))
        {
            preList.Add(pair.Pre);
            postList.Add(pair.Post);
        }
        return (preList.ToArray(), postList.ToArray());
    }

    /// <summary>The values of <paramref name="column"/> at the positions <paramref name="keep"/>, one value still stored once.</summary>
    private static IReadOnlyList<double> Kept(IReadOnlyList<double> column, int[] keep) =>
        column is RepeatedValue<double> r ? new RepeatedValue<double>(r.Value, keep.Length) : keep.Select(k => column[k]).ToArray();

    /// <summary>Whether any value of <paramref name="synapse"/> is drawn or listed in connection order (<see cref="SynapseValue.DependsOnOtherConnections"/>).</summary>
    private static bool SynapseValuesDependOnOtherConnections(SynapseType synapse) =>
        synapse.Weight?.DependsOnOtherConnections == true || synapse.Delay?.DependsOnOtherConnections == true
        || synapse.ParameterValues.Values.Any(v => v.DependsOnOtherConnections);


    /// <summary>
    /// A coupling's current enters a cell as injected current (<c>i_inj</c>), so the coupled state must be one whose equation
    /// takes <c>i_inj</c> (directly or through aliases): <c>v</c> of a point neuron, the injection compartment's <c>soma.v</c>
    /// of a multi-compartment cell. Anything else would read one state and drive another.
    /// </summary>
    private static void CheckCoupledState(CellCollection cells, string variable, string synapseName)
    {
        foreach (var model in cells.Parts.Select(p => p.Population.CellType.Model).Distinct())
        {
            if (!model.States.Any(s => s.Name == variable))
                throw new ConnectionException(
                    $"{synapseName}: the coupled state '{variable}' is not a state of cell type {model.Name} of '{cells.Label}' (states: {string.Join(", ", model.States.Select(s => s.Name))}).");
            if (!DependsOnInjection(model, variable))
            {
                var driven = model.Odes.Where(o => DependsOnInjection(model, o.State)).Select(o => o.State).ToArray();
                throw new ConnectionException(
                    $"{synapseName} on '{variable}' of {model.Name} ('{cells.Label}') would read '{variable}' but inject its current where i_inj goes " +
                    $"({(driven.Length == 0 ? "nowhere" : string.Join(", ", driven))}); couple {(driven.Length == 0 ? "a state driven by i_inj" : $"'{driven[0]}'")} instead.");
            }
        }
    }

    private static bool DependsOnInjection(ModelDefinition model, string state) =>
        model.Odes.FirstOrDefault(o => o.State == state) is { } ode
        && model.ExpandAliases(ode.RightHandSide).Symbols().Contains(ModelDefinition.InjectedCurrent);
    /// <summary>The <see cref="ReceptorType"/> of a projection of a coupling type: its current joins the post cells' injected current.</summary>
    public const string CouplingTarget = "i_inj";

    /// <summary>The coupling type of the projection, or null for a projection of spike events.</summary>
    public CouplingSynapse? Coupling => Synapse as CouplingSynapse;

    /// <summary>The parameter a synapse model reads for the postsynaptic current's time constant (Tsodyks–Markram's <c>tau_psc</c>).</summary>
    public const string PostTimeConstant = "tau_psc";

    private readonly Dictionary<string, double[]> _synapseParameters = [];
    private readonly Dictionary<string, double[]> _synapseStates = [];

    /// <summary>
    /// The time constant of the receptor each connection targets: −1/(∂ target′/∂ target) of the receptor's target state,
    /// evaluated with the post cell's parameters (tau_syn_E or tau_syn_I for the standard exponential synapses).
    /// </summary>
    private double[] ReceptorTimeConstants((Population Population, int Index)[] postCells, double fallback)
    {
        var result = new double[_post.Length];
        for (int k = 0; k < result.Length; k++)
        {
            var (population, cell) = postCells[_post[k]];
            var model = population.CellType.Model;
            var receptor = model.FindReceptor(ReceptorType)!;
            var ode = model.Odes.FirstOrDefault(o => o.State == receptor.Target);
            if (ode is null) { result[k] = fallback; continue; }
            var parameters = population.ParameterArrays;
            double slope = ode.RightHandSide.Derivative(receptor.Target)
                .Evaluate(n => parameters.TryGetValue(n, out var v) ? v[cell] : 0.0);
            result[k] = slope < 0 && double.IsFinite(slope) ? -1.0 / slope : fallback;
        }
        return result;
    }

    /// <summary>The synapse model the projection runs, or null for <see cref="StaticSynapse"/>.</summary>
    public SynapseModel? Model => Synapse.Model;

    /// <summary>The model's parameter values per connection (connection order), for the resolved network.</summary>
    internal IReadOnlyDictionary<string, double[]> SynapseParameters => _synapseParameters;

    /// <summary>The model's per-synapse initial states other than the weight (connection order), as last set.</summary>
    internal IReadOnlyDictionary<string, double[]> SynapseStates => _synapseStates;

    private IReadOnlyList<double> ParameterColumn(string name) => name == SynapseModel.WeightName ? _weight
        : _synapseParameters.TryGetValue(name, out var v) ? v
        : throw new NonExistentParameterException(name, Synapse.Name, AttributeNames);

    /// <summary>The names <see cref="Get"/> and <see cref="Set"/> accept: weight, delay and the synapse model's parameters and states.</summary>
    public IReadOnlyList<string> AttributeNames =>
        ["weight", "delay", .. (Model is { } m ? m.AttributeNames.Where(n => n != SynapseModel.WeightName).Append(DendriticDelayFractionName)
            : Coupling is { } c ? c.Coupling.AttributeNames.Where(n => n != SynapseModel.WeightName) : [])];

    /// <summary>PyNN's name of the fraction of the delay that is dendritic, readable with <see cref="Get"/>.</summary>
    public const string DendriticDelayFractionName = "dendritic_delay_fraction";

    /// <summary>
    /// PyNN's <c>get(name, format='list')</c> as one value per connection in connection order: weights, delays, parameters, and
    /// for a synapse with dynamics its current state (a learned weight, <c>u</c>, traces) as the backend holds it after the last
    /// run (read from the device only now).
    /// </summary>
    public double[] Get(string attribute) => Column(attribute).ToArray();

    /// <summary>The simulation.</summary>
    public Simulation Simulation { get; }
    /// <summary>The position of this projection in the simulation.</summary>
    public int Index { get; }
    /// <summary>The presynaptic cells.</summary>
    public CellCollection Pre { get; }
    /// <summary>The postsynaptic cells.</summary>
    public CellCollection Post { get; }
    /// <summary>The connector used.</summary>
    public Connector Connector { get; }
    /// <summary>The synapse type.</summary>
    public SynapseType Synapse { get; }
    /// <summary>The space in which distances between pre and post cells are measured.</summary>
    public Space Space { get; }
    /// <summary>The receptor type on the post cells.</summary>
    public string ReceptorType { get; }
    /// <summary>The label.</summary>
    public string Label { get; }
    /// <summary>The number of connections (PyNN's <c>size()</c>).</summary>
    public int Size => _released?.Count ?? _pre.Length;

    /// <summary>
    /// The number of connections on all ranks: <see cref="Size"/> in one process; in a distributed run, where a rank holds only
    /// the connections onto its own cells, their sum over the ranks (PyNN's <c>size(gather=True)</c>), agreed on when the
    /// projection was made.
    /// </summary>
    public long TotalSize { get; }
    /// <summary>(pre size, post size).</summary>
    public (int Pre, int Post) Shape => (Pre.Size, Post.Size);

    /// <summary>Pre positions per connection, in connection order.</summary>
    public IReadOnlyList<int> PreIndices => Pairs().Pre;

    /// <summary><see cref="PreIndices"/> as the array itself, for the resolver's loops (never written).</summary>
    internal int[] PreArray => Pairs().Pre;

    /// <summary><see cref="PostIndices"/> as the array itself, for the resolver's loops (never written).</summary>
    internal int[] PostArray => Pairs().Post;
    /// <summary>Post positions per connection.</summary>
    public IReadOnlyList<int> PostIndices => Pairs().Post;

    /// <summary>Whether the connections' positions are released (<see cref="ReleaseConnections"/>) and not rebuilt since.</summary>
    internal bool ConnectionsReleased => _released is not null;

    /// <summary>
    /// Whether the released positions are rebuilt without the step program's arrays (<see cref="ReplayedConnections"/>: the
    /// connector drawn again), so that the loaded program's parts of this projection may release theirs too.
    /// </summary>
    internal bool ReleasedWithoutProgramArrays => _releasable is ReplayedConnections;

    /// <summary>
    /// Releases this projection's pre and post positions once its network is loaded, keeping the connections as the loaded
    /// step program's <paramref name="parts"/> of it (<see cref="ReleasedConnections"/>), which the backend's program holds
    /// anyway; they are rebuilt when an operation reads connections by position, and released again at the next run. Keeps
    /// them when the parts cannot stand for them exactly (returns false).
    /// </summary>
    internal bool ReleaseConnections(Func<IReadOnlyList<SynapseGroupProgram>> parts)
    {
        if (_released is not null) return true;
        if (_releasable is null && !_releaseRefused)
        {
            _releasable = ReplayedConnections.CanReplay(this) ? new ReplayedConnections(this, _pre, _post)
                : ReleasedConnections.TryCreate(Pre, Post, _pre, _post, parts());
            _releaseRefused = _releasable is null;
        }
        if (_releasable is null) return false;
        _released = _releasable;
        _pre = [];
        _post = [];
        return true;
    }

    /// <summary>How many times the released positions were rebuilt (<see cref="IReleasedConnections.Rebuild"/>), for tests.</summary>
    internal int ConnectionRebuilds { get; private set; }

    /// <summary>The pre and post positions per connection, rebuilt from the released parts when they were released.</summary>
    private (int[] Pre, int[] Post) Pairs()
    {
        if (_released is { } released)
        {
            (_pre, _post) = released.Rebuild();
            ConnectionRebuilds++;
            _released = null;
        }
        return (_pre, _post);
    }
    /// <summary>Weights per connection (a <see cref="RepeatedValue{T}"/>, stored once, when all are the same).</summary>
    public IReadOnlyList<double> Weights => _weight;
    /// <summary>Delays per connection (ms, rounded to the time step; a <see cref="RepeatedValue{T}"/> when all are the same).</summary>
    public IReadOnlyList<double> Delays => _delay;

    /// <summary>
    /// PyNN's <c>get(names, format='list')</c>: one row per connection, (pre, post, values...), sorted by (pre, post)
    /// (several synapses between one pair in creation order). This is the order in which <see cref="Set"/> applies a list,
    /// so the values read here can be set back unchanged.
    /// </summary>
    public IReadOnlyList<(int Pre, int Post, double[] Values)> GetList(params string[] attributes)
    {
        var columns = attributes.Select(Column).ToArray();
        var (pre, post) = Pairs();
        return SynapseValue.ListOrder(pre, post).Select(k => (pre[k], post[k], columns.Select(c => c[k]).ToArray())).ToArray();
    }

    /// <summary>
    /// PyNN's <c>save(attributes, file, format='list')</c>: writes the header <c># columns = ["i", "j", ...]</c> and one line per
    /// connection, <c>i j values...</c>, in <see cref="GetList"/> order, with round-trip number formatting. The file can be read
    /// back with <see cref="FromFileConnector"/>. No attributes means weight and delay.
    /// </summary>
    public void Save(string file, params string[] attributes)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (attributes.Length == 0) attributes = ["weight", "delay"];
        var rows = GetList(attributes);
        using var writer = new StreamWriter(file);
        writer.WriteLine($"# columns = [{string.Join(", ", new[] { "i", "j" }.Concat(attributes).Select(a => $"\"{a}\""))}]");
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var (pre, post, values) in rows)
            writer.WriteLine(string.Join(" ", new[] { pre.ToString(invariant), post.ToString(invariant) }.Concat(values.Select(v => v.ToString("R", invariant)))));
    }

    /// <summary>
    /// PyNN's <c>get(name, format='array')</c>: a pre × post array, NaN where unconnected. Multiple synapses between one pair
    /// are combined by <paramref name="multipleSynapses"/>: <c>sum</c> (default), <c>first</c>, <c>last</c>, <c>min</c> or <c>max</c>.
    /// </summary>
    public double[,] GetArray(string attribute, string multipleSynapses = "sum")
    {
        var column = Column(attribute);
        Func<double, double, double> combine = multipleSynapses switch
        {
            "sum" => (a, b) => a + b,
            "first" => (a, _) => a,
            "last" => (_, b) => b,
            "min" => Math.Min,
            "max" => Math.Max,
            _ => throw new InvalidParameterValueException($"multiple_synapses must be one of sum, first, last, min, max; got '{multipleSynapses}'."),
        };
        var result = new double[Pre.Size, Post.Size];
        for (int i = 0; i < Pre.Size; i++) for (int j = 0; j < Post.Size; j++) result[i, j] = double.NaN;
        var (pre, post) = Pairs();
        for (int k = 0; k < Size; k++)
        {
            ref double cell = ref result[pre[k], post[k]];
            cell = double.IsNaN(cell) ? column[k] : combine(cell, column[k]);
        }
        return result;
    }

    /// <summary>
    /// PyNN's <c>set(weight=..., delay=...)</c>: a scalar, distribution, function of distance, pre × post array or
    /// per-connection list. All synapses between one pair receive the same array value.
    /// </summary>
    /// <exception cref="NotSupportedException">In a distributed run (more than one rank), a distribution or a per-connection
    /// list: a rank holds only the connections onto its own cells, so it can neither make the single-process run's draws
    /// (one stream over all connections in order) nor index a list of all connections.</exception>
    public void Set(string attribute, SynapseValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Simulation.Ranks > 1 && value.DependsOnOtherConnections)
            throw new NotSupportedException(
                $"Projection '{Label}': setting '{attribute}' to a random distribution or a per-connection list is not supported in a distributed run " +
                $"({Simulation.Ranks} ranks; each holds only the connections onto its own cells, so the draws or the list positions would not be the " +
                "single-process ones). Give it when the projection is made (its synapse type's value), or set a scalar, a function of distance, " +
                "an expression or a pre × post array.");
        // One value needs no connection positions (and draws no random numbers), so released ones are not rebuilt for it;
        // a weight or delay is then stored as one value, without a per-connection array even for a moment.
        IReadOnlyList<double> values;
        if (value.IsScalar && attribute is "weight" or "delay") values = new RepeatedValue<double>(value.ScalarValue, Size);
        else if (value.IsScalar) values = Enumerable.Repeat(value.ScalarValue, Size).ToArray();
        else
        {
            var (pre, post) = Pairs();
            values = value.Evaluate(attribute, pre, post, Distance(Pre.Positions, Post.Positions),
                Pre.Size, Post.Size, Simulation.ProjectionRandom(Index));
        }
        switch (attribute)
        {
            case "weight":
                CheckWeights(values);
                _weight = RepeatedValue<double>.Compact(values);
                break;
            case "delay" when Coupling is not null:
                throw new InvalidParameterValueException($"Projection '{Label}': a {Synapse.Name} couples cells in every step and has no delay.");
            case "delay":
                _delay = RoundDelays(values);
                break;
            case DendriticDelayFractionName:
                throw new InvalidParameterValueException($"Projection '{Label}': {DendriticDelayFractionName} is fixed when the projection is created (a property of its synapse type).");
            default:
                if (_synapseParameters.TryGetValue(attribute, out var parameter))
                {
                    var array = (double[])values;
                    if (ParameterDefinitions.FirstOrDefault(p => p.Name == attribute) is { } definition) CheckDomain(definition, array);
                    array.CopyTo(parameter, 0);
                }
                else if (_synapseStates.TryGetValue(attribute, out var state)) ((double[])values).CopyTo(state, 0);
                else throw new NonExistentParameterException(attribute, Synapse.Name, AttributeNames);
                break;
        }
        Simulation.MarkSynapseChanged(this, attribute);
    }

    /// <summary>
    /// Sets synapse parameter <paramref name="parameter"/> to <paramref name="values"/>, one per connection in connection
    /// order (this process's connections, as <see cref="PreIndices"/> and <see cref="PostIndices"/> list them), checked
    /// against the parameter's domain. For readers and scripts that have a value per connection already (SONATA's
    /// <c>tau_minus</c> of each target node, <c>values[k] = perTarget[PostIndices[k]]</c>): no list order to sort into and
    /// map back, no connection positions read. Refused in a distributed run: distributed runs take <c>StaticSynapse</c> only
    /// (<c>LocalProgram.Check</c>), which has no parameter to set per connection, so a column could only end in that refusal at
    /// the first run; it is given here, naming the projection. (Each rank would give its own connections' values, so nothing
    /// else stands in the way once distributed runs take synapse types with parameters.)
    /// </summary>
    /// <param name="parameter">A parameter of the synapse type (not the weight or delay, which <see cref="Set"/> takes).</param>
    /// <param name="values">One value per connection of this process, in connection order.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not have one value per connection.</exception>
    /// <exception cref="NonExistentParameterException"><paramref name="parameter"/> is not a parameter of the synapse type.</exception>
    /// <exception cref="InvalidParameterValueException">A value is outside the parameter's domain (named with its connection).</exception>
    /// <exception cref="NotSupportedException">In a distributed run (more than one rank).</exception>
    public void SetParameterColumn(string parameter, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (Simulation.Ranks > 1)
            throw new NotSupportedException(
                $"Projection '{Label}': setting synapse parameter '{parameter}' per connection is not supported in a distributed run ({Simulation.Ranks} ranks): " +
                "distributed runs support StaticSynapse only, which has no parameters besides weight and delay; run on one process.");
        if (values.Length != Size)
            throw new ArgumentException($"Projection '{Label}': {values.Length} values of '{parameter}' for {Size} connections.", nameof(values));
        if (!_synapseParameters.TryGetValue(parameter, out var column))
            throw new NonExistentParameterException(parameter, Synapse.Name, ParameterDefinitions.Select(p => p.Name).Where(n => n != SynapseModel.WeightName));
        if (ParameterDefinitions.FirstOrDefault(p => p.Name == parameter) is { } definition) CheckDomain(definition, values);
        values.CopyTo(column, 0);
        Simulation.MarkSynapseChanged(this, parameter);
    }

    private IReadOnlyList<ParameterDefinition> ParameterDefinitions => Synapse.Model?.Parameters ?? Coupling?.Coupling.Parameters ?? [];

    /// <summary>Refuses synapse parameter values outside the parameter's domain, naming the projection, connection and value.</summary>
    private void CheckDomain(ParameterDefinition definition, double[] values)
    {
        if (ParameterDomains.FirstViolation(definition, definition.Name, values, $"{Synapse.Name} in projection '{Label}'",
                k => $"connection {k} (pre {PreArray[k]} → post {PostArray[k]})") is { } message)
            throw new InvalidParameterValueException(message);
    }

    private IReadOnlyList<double> Column(string attribute)
    {
        if (attribute == "delay") return _delay;
        if (attribute == DendriticDelayFractionName && Model is not null) return Enumerable.Repeat(Synapse.DendriticDelayFraction, Size).ToArray();
        bool state = attribute == SynapseModel.WeightName ? Model?.PlasticWeight == true : _synapseStates.ContainsKey(attribute);
        if (state && Simulation.ReadSynapseState(this, attribute) is { } current) return current;
        if (attribute == SynapseModel.WeightName) return _weight;
        if (_synapseStates.TryGetValue(attribute, out var initial)) return initial;
        return ParameterColumn(attribute);
    }

    /// <summary>The distance function over pre and post positions in this projection's space.</summary>
    private Func<int, int, double> Distance(double[,] pre, double[,] post)
    {
        var space = Space;
        return (i, j) => space.Distance(pre[0, i], pre[1, i], pre[2, i], post[0, j], post[1, j], post[2, j]);
    }

    private void CheckWeights(IReadOnlyList<double> all)
    {
        // One value stored for every connection is checked once.
        IReadOnlyList<double> weights = all is RepeatedValue<double> { Count: > 0 } r ? new[] { r.Value } : all;
        if (Coupling is not null)
        {
            foreach (var w in weights)
                if (!(w >= 0) || double.IsInfinity(w))
                    throw new ConnectionException($"Projection '{Label}': the weight of a {Synapse.Name} is a conductance in µS, finite and ≥ 0; got {w}.");
            return;
        }
        var receptors = Post.Parts.Select(p => p.Population.CellType.Model.FindReceptor(ReceptorType)!).ToArray();
        bool mustBeNegative = receptors.Any(r => r.Kind != ReceptorKind.Conductance && ReceptorType == "inhibitory");
        foreach (var w in weights)
        {
            if (double.IsNaN(w) || double.IsInfinity(w))
                throw new ConnectionException($"Projection '{Label}': weight {w} is not a finite number.");
            if (mustBeNegative ? w > 0 : w < 0)
                throw new ConnectionException(
                    $"Projection '{Label}': weights onto the '{ReceptorType}' receptor of {(Post.ConductanceBased ? "conductance" : "current")}-based cells must be " +
                    $"{(mustBeNegative ? "≤ 0" : "≥ 0")}; got {w}.");
        }
    }

    /// <summary>
    /// Checks <paramref name="delays"/> against min_delay and max_delay and rounds them to whole steps: one value stored for
    /// every connection once, an array in place (no copy); returns them, one value stored once if all are the same.
    /// </summary>
    private IReadOnlyList<double> RoundDelays(IReadOnlyList<double> delays)
    {
        if (delays is RepeatedValue<double> r)
            return r.Count == 0 ? r : new RepeatedValue<double>(RoundDelaysInPlace(new[] { r.Value })[0], r.Count);
        return RepeatedValue<double>.Compact(RoundDelaysInPlace((double[])delays));
    }

    /// <summary>Checks <paramref name="delays"/> against min_delay and max_delay and rounds them to whole steps in place; returns them.</summary>
    private double[] RoundDelaysInPlace(double[] delays)
    {
        double dt = Simulation.Timestep, min = Simulation.MinDelay, max = Simulation.MaxDelay ?? double.PositiveInfinity;
        var result = delays;
        for (int k = 0; k < delays.Length; k++)
        {
            double d = delays[k];
            // As in PyNN, a delay below min_delay (or above max_delay) is an error, not rounded into range; the 1e-9 relative
            // slack only absorbs decimal round-off such as 0.1 + 0.2.
            if (double.IsNaN(d) || d < min - (1e-9 * min) || d > max + (1e-9 * max))
                throw new ConnectionException(
                    $"Projection '{Label}': delay {d} ms is out of range [{min}, {(double.IsInfinity(max) ? "∞" : max)}] ms (min_delay, max_delay).");
            double steps = Math.Max(1, Math.Round(d / dt));
            // The step program counts delays in int steps (and each post cell keeps a ring slot per step).
            if (steps >= int.MaxValue)
                throw new ConnectionException(
                    $"Projection '{Label}': delay {d} ms is {(double.IsFinite(steps) ? steps.ToString("0.###e0", System.Globalization.CultureInfo.InvariantCulture) : "more")} time steps of {dt} ms, " +
                    $"more than the {(int.MaxValue - 1).ToString("#,0", System.Globalization.CultureInfo.InvariantCulture)} a delay may span; use shorter delays (max_delay bounds them) or a larger timestep.");
            result[k] = steps * dt;
        }
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => $"Projection '{Label}' ({Size} connections, {Connector}, receptor {ReceptorType})";
}
