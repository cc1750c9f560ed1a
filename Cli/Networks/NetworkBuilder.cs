using Meta.Backends;
using Meta.CurrentSources;
using Meta.Models;
using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Cli.Networks;

/// <summary>
/// Builds a <see cref="Simulation"/> from a <see cref="NetworkDocument"/> through Meta's public API, in file order:
/// populations (parameters, initial values), views and assemblies, projections, current sources, recording.
/// Errors that the API raises are rethrown as <see cref="NetworkFormatException"/> prefixed with the JSON path of the
/// element being built.
/// </summary>
public static class NetworkBuilder
{
    /// <summary>Builds the network on <paramref name="backend"/>. Nothing runs yet.</summary>
    /// <exception cref="NetworkFormatException">An element cannot be built; the message names it.</exception>
    public static BuiltNetwork Build(NetworkDocument document, IBackend backend, BuildOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(backend);
        options ??= new BuildOptions();
        var s = document.Simulation;
        var simOptions = new SimulationOptions
        {
            Timestep = s.Timestep,
            MinDelay = s.MinDelay,
            MaxDelay = s.MaxDelay,
            Precision = s.Precision,
            SpikePrecision = s.SpikePrecision,
            Backend = backend.Descriptor.Name,
            Threads = options.Threads,
            Communicator = options.Communicator,
        };
        if ((options.Seed ?? s.Seed) is { } seed) simOptions = simOptions with { Seed = seed };
        var simulation = At(s.Path, () => new Simulation(backend, simOptions));
        try
        {
            return new Session(document, simulation).Build();
        }
        catch
        {
            simulation.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/>, turning errors of Meta's API into errors at <paramref name="path"/>.</summary>
    internal static T At<T>(string path, Func<T> action, Func<Exception, string?>? refine = null)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is MetaException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException or InvalidOperationException)
        {
            throw new NetworkFormatException(refine?.Invoke(e) ?? path, Describe(e), e);
        }
    }

    internal static void At(string path, Action action) => At(path, () =>
    {
        action();
        return 0;
    });

    private static string Describe(Exception e) => e switch
    {
        NonExistentParameterException p => $"unknown parameter {p.Message}",
        ArgumentException { ParamName: { } name } a => a.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal),
        _ => e.Message,
    };

    /// <summary>One build.</summary>
    private sealed class Session(NetworkDocument document, Simulation simulation)
    {
        private readonly Dictionary<string, CellCollection> _collections = new(StringComparer.Ordinal);
        private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Projection> _projections = new(StringComparer.Ordinal);
        private readonly List<(string Label, CellCollection Cells, List<string> Variables)> _recordings = [];
        private readonly List<CurrentSource> _recordedSources = [];
        private BackendCapabilities Capabilities => simulation.Backend.Descriptor.Capabilities;
        private string BackendName => simulation.Backend.Descriptor.Name;

        public BuiltNetwork Build()
        {
            if (document.Simulation.Precision is { } precision && !Capabilities.Precisions.Contains(precision))
                throw new NetworkFormatException(JsonFields.Child(document.Simulation.Path, "precision"),
                    $"precision {document.Simulation.Precision} is not supported by backend '{BackendName}' (supported: {JsonFields.List(Capabilities.Precisions.Select(p => p.ToString()))})");
            foreach (var p in document.Populations) CreatePopulation(p);
            foreach (var v in document.Views) Resolve(new Ref(v.Label, v.Path));
            foreach (var a in document.Assemblies) Resolve(new Ref(a.Label, a.Path));
            foreach (var p in document.Projections) CreateProjection(p);
            foreach (var c in document.CurrentSources) CreateCurrentSource(c);
            foreach (var p in document.Populations)
                if (p.Record.Count > 0) Record(p.Label, _collections[p.Label], p.Record, null, p.Path);
            foreach (var r in document.Records) Record(r.Cells.Name, Resolve(r.Cells), r.Variables, r.SamplingInterval, r.Path);
            return new BuiltNetwork(document, simulation, _collections,
                _recordings.Select(r => new RecordingTarget(r.Label, r.Cells, r.Variables)).ToList())
            {
                RecordedCurrentSources = _recordedSources,
            };
        }

        private void CreatePopulation(PopulationSection section)
        {
            var model = section.Model;
            CheckSupported(model, JsonFields.Child(section.Path, "cell_type"));
            BuildLimits.CheckPopulation(section);
            var cellType = new CellType(model);
            // Plain numbers go into the cell type (PyNN's IF_cond_exp(tau_m=...)); other forms are set per cell below.
            foreach (var p in section.Parameters)
                if (p.Value is NumberSpec n && (model.FindParameter(p.Name)?.Shape ?? ParameterShape.Scalar) == ParameterShape.Scalar)
                    At(p.Value.Path, () => { cellType[p.Name] = n.Value; });
            var population = At(section.Path, () => simulation.CreatePopulation(section.Size, cellType, section.Label));
            _collections[section.Label] = population;
            if (section.Structure is { } structure)
                At(structure.Path, () => { population.Structure = structure.Create(); });
            if (section.Positions is { } positions)
            {
                var array = new double[3, section.Size];
                for (int a = 0; a < 3; a++)
                    for (int k = 0; k < section.Size; k++) array[a, k] = positions[a][k];
                At(section.PositionsPath!, () => { population.Positions = array; });
            }
            foreach (var p in section.Parameters)
            {
                bool sequence = model.FindParameter(p.Name)?.Shape == ParameterShape.Sequence;
                if (sequence)
                {
                    if (p.Value is MatrixSpec) CheckLength(p.Value, section.Size, $"population '{section.Label}'");
                    At(p.Value.Path, () => population.SetSequence(p.Name, p.Value.ToSequenceValue()));
                }
                else if (p.Value is not NumberSpec)
                {
                    CheckLength(p.Value, section.Size, $"population '{section.Label}'");
                    At(p.Value.Path, () => population.Set(p.Name, p.Value.ToParameterValue()));
                }
            }
            if (model.Kind == ModelKind.SpikeSource)
            {
                // Rules that tie parameters together (e.g. a, b and tbins of equal length), once all are set.
                At(section.Path, () => Models.Standard.SpikeSources.Validate(model, section.Label,
                    model.Parameters.Where(d => d.Shape == ParameterShape.Scalar).ToDictionary(d => d.Name, d => population.Get(d.Name)),
                    model.Parameters.Where(d => d.Shape == ParameterShape.Sequence).ToDictionary(d => d.Name, d => population.GetSequence(d.Name))));
            }
            foreach (var v in section.InitialValues)
            {
                CheckLength(v.Value, section.Size, $"population '{section.Label}'");
                At(v.Value.Path, () => population.Initialize(v.Name, v.Value.ToParameterValue()));
            }
        }

        private void CheckSupported(ModelDefinition model, string path)
        {
            var caps = Capabilities;
            bool ok = model.Kind == ModelKind.SpikeSource
                ? caps.SpikeSources.Contains(model.SourceKind!)
                : caps.CellTypes.Contains(model.Name) || caps.UserDefinedModels;
            if (!ok)
                throw new NetworkFormatException(path,
                    $"{model.Name} is not supported by backend '{BackendName}' (its cell types: {JsonFields.List(caps.CellTypes.Order(StringComparer.Ordinal))}; " +
                    $"spike sources: {JsonFields.List(caps.SpikeSources.Order(StringComparer.Ordinal))})");
        }

        /// <summary>An array (one value per cell) or an array of sequences (one per cell) must match the number of cells.</summary>
        private static void CheckLength(ValueSpec value, int size, string what)
        {
            int given = value switch { ArraySpec a => a.Values.Length, MatrixSpec m => m.Rows.Length, _ => -1 };
            if (given >= 0 && given != size)
                throw new NetworkFormatException(value.Path,
                    $"{given} {(value is MatrixSpec ? "sequences" : "values")} were given for the {size} cells of {what} " +
                    $"(give one per cell{(value is MatrixSpec ? ", or one array shared by all cells" : ", a single number or a distribution")})");
        }

        /// <summary>The population, view or assembly labelled <paramref name="r"/>, creating views and assemblies on first use.</summary>
        private CellCollection Resolve(Ref r)
        {
            if (_collections.TryGetValue(r.Name, out var known)) return known;
            if (!_resolving.Add(r.Name))
                throw new NetworkFormatException(r.Path, $"circular reference: '{r.Name}' is defined in terms of itself ({string.Join(" → ", _resolving.Append(r.Name))})");
            CellCollection result;
            if (document.Views.FirstOrDefault(v => v.Label == r.Name) is { } view) result = CreateView(view);
            else if (document.Assemblies.FirstOrDefault(a => a.Label == r.Name) is { } assembly)
                result = At(assembly.Path, () => new Assembly(assembly.Members.Select(Resolve).ToList(), assembly.Label));
            else throw new NetworkFormatException(r.Path, $"no population, view or assembly labelled '{r.Name}'");
            _resolving.Remove(r.Name);
            _collections[r.Name] = result;
            return result;
        }

        private CellCollection CreateView(ViewSection view)
        {
            var parent = Resolve(view.Parent);
            int size = parent.Size;
            int[] positions;
            switch (view.Selector)
            {
                case IndexSelector ix:
                    for (int k = 0; k < ix.Indices.Length; k++)
                        if (ix.Indices[k] >= size)
                            throw new NetworkFormatException(JsonFields.Item(ix.Path, k),
                                $"index {ix.Indices[k]} is outside '{view.Parent.Name}', which has {size} cells (valid: 0 to {size - 1})");
                    positions = ix.Indices;
                    break;
                case SliceSelector sl:
                    positions = sl.Positions(size);
                    break;
                case MaskSelector m:
                    if (m.Mask.Length != size)
                        throw new NetworkFormatException(m.Path, $"the mask has {m.Mask.Length} values but '{view.Parent.Name}' has {size} cells (give one true/false per cell)");
                    positions = Enumerable.Range(0, size).Where(i => m.Mask[i]).ToArray();
                    break;
                default:
                    throw new NetworkFormatException(view.Path, "unknown selector");
            }
            if (positions.Length == 0) throw new NetworkFormatException(view.Selector.Path, $"the view selects no cells of '{view.Parent.Name}' ({size} cells)");
            return At(view.Path, () => parent.Select(positions));
        }

        private void CreateProjection(ProjectionSection p)
        {
            var pre = Resolve(p.Pre);
            var post = Resolve(p.Post);
            var sources = post.Parts.Where(x => x.Population.CellType.Model.Kind == ModelKind.SpikeSource).Select(x => x.Population.Label).Distinct().ToArray();
            if (sources.Length > 0)
                throw new NetworkFormatException(p.Post.Path, $"'{p.Post.Name}' contains spike sources ({string.Join(", ", sources)}), which cannot receive connections");
            if (p.Synapse.Coupling is not null)
            {
                CreateCoupling(p, pre, post);
                return;
            }
            if (p.ReceptorType is { } receptor && receptor.Name != "default" && !post.ReceptorTypes.Contains(receptor.Name))
                throw new NetworkFormatException(receptor.Path,
                    $"unknown receptor type '{receptor.Name}' for '{p.Post.Name}' (valid: {JsonFields.List(post.ReceptorTypes)}){JsonFields.DidYouMean(receptor.Name, post.ReceptorTypes)}");
            if (p.Synapse.Model is null && !Capabilities.SynapseTypes.Contains(p.Synapse.Type))
                throw new NetworkFormatException(JsonFields.Child(p.Synapse.Path, "type"),
                    $"{p.Synapse.Type} is not supported by backend '{BackendName}' (supported: {JsonFields.List(Capabilities.SynapseTypes)})");
            if (p.Synapse.Model is not null && !Capabilities.Features.Contains(Meta.Backends.BackendFeatures.SynapseDynamics))
                throw new NetworkFormatException(JsonFields.Child(p.Synapse.Path, "type"),
                    $"{p.Synapse.Type} needs synapse dynamics, which backend '{BackendName}' does not support (supported: {JsonFields.List(Capabilities.SynapseTypes)})");
            BuildLimits.CheckConnections(p.Connector, pre.Size, post.Size);
            var connector = CreateConnector(p.Connector, pre.Size, post.Size);
            var space = p.Space?.Create();
            CheckSynapseValue(p.Synapse.Weight, pre.Size, post.Size);
            CheckSynapseValue(p.Synapse.Delay, pre.Size, post.Size);
            if (p.Synapse.Delay is NumberSpec d) CheckDelay(d.Value, d.Path);
            if (p.Synapse.Weight is NumberSpec w) CheckWeightSign(w, post, p.Post.Name, p.ReceptorType?.Name);
            foreach (var value in p.Synapse.Parameters) CheckSynapseValue(value.Value, pre.Size, post.Size);
            var synapse = At(p.Synapse.Path, () => p.Synapse.Model is { } model
                ? (SynapseType)new ModelSynapse(model, p.Synapse.Weight?.ToSynapseValue(), p.Synapse.Delay?.ToSynapseValue(),
                    p.Synapse.Parameters.ToDictionary(v => v.Name, v => v.Value.ToSynapseValue()), p.Synapse.DendriticDelayFraction)
                : new StaticSynapse(p.Synapse.Weight?.ToSynapseValue(), p.Synapse.Delay?.ToSynapseValue()));
            // Errors from connecting (e.g. "FixedNumberPreConnector: cannot choose ...") belong to the connector.
            string label = p.Label ?? $"{p.Pre.Name}→{p.Post.Name}";
            // Delays come from the synapse, or from conn_list's fourth column; the projection's delay errors name that path.
            string delayPath = p.Connector.ConnList.Any(r => r.Length >= 4) ? JsonFields.Child(p.Connector.Path, "conn_list") : p.Synapse.Delay?.Path ?? p.Path;
            var projection = At(p.Path, () => new Projection(pre, post, connector, synapse, p.ReceptorType?.Name, label, space),
                e => e.Message.StartsWith(p.Connector.Type, StringComparison.Ordinal) ? p.Connector.Path
                    : e.Message.StartsWith($"Projection '{label}': delay ", StringComparison.Ordinal) ? delayPath : null);
            BuildLimits.CheckDelays(projection, simulation.Timestep, delayPath);
            _projections[label] = projection;
        }

        /// <summary>A projection of a coupling type (gap junction, graded synapse): no receptor, no delay.</summary>
        private void CreateCoupling(ProjectionSection p, CellCollection pre, CellCollection post)
        {
            if (p.ReceptorType is { } receptor)
                throw new NetworkFormatException(receptor.Path, $"a {p.Synapse.Type} has no receptor type: its current joins the post cells' injected current");
            var sources = pre.Parts.Where(x => x.Population.CellType.Model.Kind == ModelKind.SpikeSource).Select(x => x.Population.Label).Distinct().ToArray();
            if (sources.Length > 0)
                throw new NetworkFormatException(p.Pre.Path, $"'{p.Pre.Name}' contains spike sources ({string.Join(", ", sources)}), which have no state to couple through a {p.Synapse.Type}");
            if (!Capabilities.Features.Contains(Meta.Backends.BackendFeatures.ContinuousCoupling))
                throw new NetworkFormatException(JsonFields.Child(p.Synapse.Path, "type"), $"{p.Synapse.Type} needs continuous coupling, which backend '{BackendName}' does not support");
            BuildLimits.CheckConnections(p.Connector, pre.Size, post.Size);
            var connector = CreateConnector(p.Connector, pre.Size, post.Size);
            var space = p.Space?.Create();
            CheckSynapseValue(p.Synapse.Weight, pre.Size, post.Size);
            foreach (var value in p.Synapse.Parameters) CheckSynapseValue(value.Value, pre.Size, post.Size);
            var synapse = At(p.Synapse.Path, () => new CouplingSynapse(p.Synapse.Coupling!, p.Synapse.Weight?.ToSynapseValue(),
                p.Synapse.Parameters.ToDictionary(v => v.Name, v => v.Value.ToSynapseValue()), p.Synapse.Variable));
            string label = p.Label ?? $"{p.Pre.Name}→{p.Post.Name}";
            var projection = At(p.Path, () => new Projection(pre, post, connector, synapse, null, label, space),
                e => e.Message.StartsWith(p.Connector.Type, StringComparison.Ordinal) ? p.Connector.Path : null);
            _projections[label] = projection;
        }

        /// <summary>PyNN's weight sign rule for a scalar weight, with the receptor given or guessed from the sign.</summary>
        private static void CheckWeightSign(NumberSpec weight, CellCollection post, string postLabel, string? receptorType)
        {
            var receptors = post.ReceptorTypes;
            if (receptors.Count == 0) return;
            bool guessed = receptorType is null or "default";
            string receptor = guessed ? (weight.Value < 0 && receptors.Count > 1 ? receptors[1] : receptors[0]) : receptorType!;
            if (!receptors.Contains(receptor)) return;
            bool currentBased = post.Parts.Any(part => part.Population.CellType.Model.FindReceptor(receptor)?.Kind != ReceptorKind.Conductance);
            bool mustBeNegative = currentBased && receptor == "inhibitory";
            if (mustBeNegative ? weight.Value <= 0 : weight.Value >= 0) return;
            string kind = post.ConductanceBased ? "conductance-based" : "current-based";
            string why = guessed ? $" (with no receptor_type the receptor is guessed from the sign: '{receptor}')" : "";
            throw new NetworkFormatException(weight.Path,
                $"weight {JsonFields.Format(weight.Value)} onto the '{receptor}' receptor of the {kind} cells of '{postLabel}' must be " +
                $"{(mustBeNegative ? "≤ 0" : "≥ 0")}{why}");
        }

        private Connector CreateConnector(ConnectorSpec c, int preSize, int postSize)
        {
            var rng = c.Seed is { } seed ? new RandomStream(seed) : null;
            if (c.Type == "FromListConnector")
            {
                for (int k = 0; k < c.ConnList.Count; k++)
                {
                    var row = c.ConnList[k];
                    if (row[0] >= preSize)
                        throw new NetworkFormatException(JsonFields.Item(c.ConnListPaths[k], 0), $"pre index {row[0]} is out of range: the pre cells number {preSize} (valid: 0 to {preSize - 1})");
                    if (row[1] >= postSize)
                        throw new NetworkFormatException(JsonFields.Item(c.ConnListPaths[k], 1), $"post index {row[1]} is out of range: the post cells number {postSize} (valid: 0 to {postSize - 1})");
                    if (row.Length >= 4) CheckDelay(row[3], JsonFields.Item(c.ConnListPaths[k], 3));
                }
            }
            if (c.Type == "ArrayConnector" && (c.Array!.Length != preSize || c.Array.Any(r => r.Length != postSize)))
                throw new NetworkFormatException(JsonFields.Child(c.Path, "array"),
                    $"the array must have {preSize} rows (one per pre cell) of {postSize} values (one per post cell), got {c.Array.Length} rows of {(c.Array.Length == 0 ? 0 : c.Array[0].Length)}");
            if (c.Type == "OneToOneConnector" && preSize != postSize)
                throw new NetworkFormatException(JsonFields.Child(c.Path, "type"), $"OneToOneConnector needs pre and post of equal size, got {preSize} and {postSize}");
            return At<Connector>(c.Path, () => c.Type switch
            {
                "AllToAllConnector" => new AllToAllConnector(c.AllowSelfConnections),
                "OneToOneConnector" => new OneToOneConnector(),
                "FixedProbabilityConnector" => new FixedProbabilityConnector(c.PConnect, c.AllowSelfConnections) { Rng = rng },
                "FixedNumberPreConnector" => new FixedNumberPreConnector(c.N!.ToFixedNumber(), c.AllowSelfConnections, c.WithReplacement) { Rng = rng },
                "FixedNumberPostConnector" => new FixedNumberPostConnector(c.N!.ToFixedNumber(), c.AllowSelfConnections, c.WithReplacement) { Rng = rng },
                "FromListConnector" => new FromListConnector(c.ConnList.Select(r => (double[])r.Clone())),
                "DistanceDependentProbabilityConnector" => new DistanceDependentProbabilityConnector(c.DExpression!, c.AllowSelfConnections) { Rng = rng },
                "IndexBasedProbabilityConnector" => new IndexBasedProbabilityConnector(IndexBasedExpression.Parse(c.IndexExpression!), c.AllowSelfConnections) { Rng = rng },
                "DisplacementDependentProbabilityConnector" => new DisplacementDependentProbabilityConnector(c.DispFunction!, c.AllowSelfConnections) { Rng = rng },
                "FixedTotalNumberConnector" => new FixedTotalNumberConnector((int)((NumberSpec)c.N!).Value, c.AllowSelfConnections, c.WithReplacement) { Rng = rng },
                "FromFileConnector" => new FromFileConnector(c.File!),
                "CloneConnector" => new CloneConnector(_projections[c.ReferenceProjection!.Name]),
                "ArrayConnector" => new ArrayConnector(ToArray(c.Array!, preSize, postSize)),
                "SmallWorldConnector" => new SmallWorldConnector(c.Degree, c.Rewiring, c.AllowSelfConnections, c.NConnections) { Rng = rng },
                _ => throw new NetworkFormatException(JsonFields.Child(c.Path, "type"), $"unknown connector '{c.Type}'"),
            });
        }

        private static bool[,] ToArray(bool[][] rows, int preSize, int postSize)
        {
            var result = new bool[preSize, postSize];
            for (int i = 0; i < preSize; i++)
                for (int j = 0; j < postSize; j++) result[i, j] = rows[i][j];
            return result;
        }

        private static void CheckSynapseValue(ValueSpec? value, int preSize, int postSize)
        {
            if (value is not MatrixSpec m) return;
            if (m.Rows.Length != preSize || m.Rows.Any(r => r.Length != postSize))
                throw new NetworkFormatException(m.Path,
                    $"a pre × post array must have {preSize} rows of {postSize} values (got {m.Rows.Length} rows)");
        }

        private void CheckDelay(double delay, string path)
        {
            double dt = simulation.Timestep, min = simulation.MinDelay, max = simulation.MaxDelay ?? double.PositiveInfinity;
            if (delay < min - dt / 2 || delay > max + dt / 2)
                throw new NetworkFormatException(path,
                    $"delay {JsonFields.Format(delay)} ms is out of range [{JsonFields.Format(min)}, {(double.IsInfinity(max) ? "∞" : JsonFields.Format(max))}] ms " +
                    "(simulation.min_delay, simulation.max_delay)");
        }

        private void CreateCurrentSource(CurrentSourceSection c)
        {
            if (!Capabilities.CurrentSources.Contains(c.Type))
                throw new NetworkFormatException(JsonFields.Child(c.Path, "type"),
                    $"{c.Type} is not supported by backend '{BackendName}' (supported: {JsonFields.List(Capabilities.CurrentSources.Order(StringComparer.Ordinal))})");
            CurrentSource source = At<CurrentSource>(c.Path, () => c.Type switch
            {
                "DCSource" => new DCSource { Amplitude = c.Amplitude, Start = c.Start, Stop = c.Stop },
                "ACSource" => new ACSource
                {
                    Amplitude = c.Amplitude, Start = c.Start, Stop = c.Stop, Frequency = c.Frequency, Offset = c.Offset, Phase = c.Phase,
                },
                "NoisyCurrentSource" => new NoisyCurrentSource { Mean = c.Mean, Stdev = c.Stdev, Start = c.Start, Stop = c.Stop, Dt = c.NoiseDt },
                _ => new StepCurrentSource(c.Times, c.Amplitudes),
            });
            source.Label = c.Label;
            if (c.Record)
            {
                source.Record();
                _recordedSources.Add(source);
            }
            foreach (var target in c.InjectInto)
            {
                var cells = Resolve(target);
                var notInjectable = cells.Parts.Select(p => p.Population)
                    .Where(p => !p.CellType.Model.Injectable || p.CellType.Model.Kind == ModelKind.SpikeSource).Distinct().ToArray();
                if (notInjectable.Length > 0)
                    throw new NetworkFormatException(target.Path,
                        $"cannot inject current into '{target.Name}': {string.Join(", ", notInjectable.Select(p => $"'{p.Label}' ({p.CellType.Name})"))} is not injectable");
                At(target.Path, () => source.InjectInto(cells));
            }
        }

        private void Record(string label, CellCollection cells, IReadOnlyList<Ref> variables, double? interval, string path)
        {
            foreach (var v in variables)
            {
                foreach (var part in cells.Parts)
                {
                    var model = part.Population.CellType.Model;
                    var recordables = model.Recordables.ToArray();
                    if (!recordables.Contains(v.Name))
                        throw new NetworkFormatException(v.Path,
                            $"cannot record '{v.Name}' from '{part.Population.Label}' ({model.Name}; recordable: {JsonFields.List(recordables)}){JsonFields.DidYouMean(v.Name, recordables)}");
                }
            }
            string recordPath = interval is null ? path : JsonFields.Child(path, "sampling_interval");
            At(recordPath, () => cells.Record(variables.Select(v => v.Name).ToList(), interval));
            var entry = _recordings.FirstOrDefault(r => r.Label == label);
            if (entry.Label is null)
            {
                entry = (label, cells, []);
                _recordings.Add(entry);
            }
            foreach (var v in variables)
                if (!entry.Variables.Contains(v.Name)) entry.Variables.Add(v.Name);
        }
    }
}
