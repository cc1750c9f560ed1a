using System.Text.Json;
using Meta.Backends;
using Meta.Models;
using Meta.Models.Standard;
using Meta.Nestml;
using Meta.Network;

namespace Meta.Cli.Networks;

/// <summary>
/// Reads a network file (JSON in PyNN's vocabulary) into a <see cref="NetworkDocument"/>, checking names, types,
/// references and values. Every error is a <see cref="NetworkFormatException"/> whose message starts with the JSON
/// path of the offending field and says what is valid.
/// </summary>
public static partial class NetworkParser
{
    private static readonly string[] TopKeys =
        ["name", "simulation", "synapse_models", "populations", "views", "assemblies", "projections", "current_sources", "record"];
    private static readonly string[] SimulationKeys = ["timestep", "min_delay", "max_delay", "seed", "duration", "precision", "spike_precision"];
    private static readonly string[] PopulationKeys = ["label", "size", "cell_type", "nestml", "neuron", "receptors", "preset", "parameters", "initial_values", "record", "structure", "positions"];
    private static readonly string[] ViewKeys = ["label", "population", "indices", "slice", "mask"];
    private static readonly string[] AssemblyKeys = ["label", "members"];
    private static readonly string[] RecordKeys = ["cells", "variables", "sampling_interval"];

    /// <summary>Reads and parses a file; the network's name defaults to the file name.</summary>
    /// <exception cref="NetworkFormatException">The file is not a valid network.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static NetworkDocument ParseFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read network file '{path}': {e.Message}", e);
        }
        return Parse(text, System.IO.Path.GetFileNameWithoutExtension(path), System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)));
    }

    /// <summary>
    /// Parses network JSON. Comments and trailing commas are allowed. Relative file names in the network (FromFileConnector's
    /// <c>file</c>) are resolved against <paramref name="baseDirectory"/> (null: the current directory).
    /// </summary>
    /// <exception cref="NetworkFormatException">The text is not a valid network.</exception>
    public static NetworkDocument Parse(string json, string defaultName = "network", string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            string message = e.Message;
            int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
            throw new NetworkFormatException("", $"invalid JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {message}", e);
        }
        using (document) return new Reader(baseDirectory ?? Directory.GetCurrentDirectory()).Read(document.RootElement, defaultName);
    }

    /// <summary>The state of one parse: the labels seen so far.</summary>
    private sealed partial class Reader(string baseDirectory)
    {
        /// <summary>The folder relative file names are resolved against.</summary>
        private string BaseDirectory { get; } = baseDirectory;

        /// <summary>Every population, view and assembly label, with the path that defined it.</summary>
        private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
        /// <summary>The label of each current source, with the path that defined it.</summary>
        private readonly Dictionary<string, string> _sourceLabels = new(StringComparer.Ordinal);
        /// <summary>The cell type of each population label.</summary>
        private readonly Dictionary<string, ModelDefinition> _models = new(StringComparer.Ordinal);

        public NetworkDocument Read(JsonElement root, string defaultName)
        {
            var o = ObjectReader.Open(root, "", "the network file", TopKeys, "a JSON object (the network)");
            string name = o.OptionalString("name") ?? defaultName;
            if (name.Trim().Length == 0) throw new NetworkFormatException(o.PathOf("name"), "the name must not be empty");
            var simulation = o.TryGet("simulation", out var simElement, out var simPath) ? Simulation(simElement, simPath) : new SimulationSection();

            var populationsElement = o.Required("populations", "an array of populations", out var popPath);
            var populationItems = JsonFields.Items(populationsElement, popPath, "an array of populations").ToList();
            if (populationItems.Count == 0) throw new NetworkFormatException(popPath, "a network needs at least one population");

            // Labels first, so that views and assemblies may refer to each other in any order.
            var viewItems = Section(o, "views", "an array of views");
            var assemblyItems = Section(o, "assemblies", "an array of assemblies");
            foreach (var (e, p) in populationItems) DeclareLabel(e, p, "a population");
            foreach (var (e, p) in viewItems) DeclareLabel(e, p, "a view");
            foreach (var (e, p) in assemblyItems) DeclareLabel(e, p, "an assembly");

            var populations = populationItems.Select(i => Population(i.Value, i.Path)).ToList();
            var views = viewItems.Select(i => View(i.Value, i.Path)).ToList();
            var assemblies = assemblyItems.Select(i => Assembly(i.Value, i.Path)).ToList();
            if (o.TryGet("synapse_models", out var sme, out var smp))
                foreach (var (modelName, modelElement, modelPath) in JsonFields.Members(sme, smp, "an object of named synapse models"))
                    SynapseModelSection(modelName, modelElement, modelPath);
            var projections = Section(o, "projections", "an array of projections").Select(i => Projection(i.Value, i.Path)).ToList();
            var sources = Section(o, "current_sources", "an array of current sources").Select(i => CurrentSource(i.Value, i.Path)).ToList();
            var records = Section(o, "record", "an array of recording requests").Select(i => Record(i.Value, i.Path)).ToList();

            string? description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return new NetworkDocument
            {
                Name = name,
                Description = description,
                Simulation = simulation,
                Populations = populations,
                Views = views,
                Assemblies = assemblies,
                Projections = projections,
                CurrentSources = sources,
                Records = records,
            };
        }

        private static List<(JsonElement Value, string Path)> Section(ObjectReader o, string key, string expected) =>
            o.TryGet(key, out var e, out var path) ? JsonFields.Items(e, path, expected).ToList() : [];

        private static SimulationSection Simulation(JsonElement e, string path)
        {
            var o = ObjectReader.Open(e, path, "the simulation section", SimulationKeys);
            double timestep = o.OptionalNumber("timestep", "a positive number of ms") ?? 0.1;
            if (!(timestep > 0)) throw new NetworkFormatException(o.PathOf("timestep"), $"expected a positive number of ms, got {JsonFields.Format(timestep)}");
            double? duration = o.OptionalNumber("duration", "a positive number of ms");
            if (duration is { } d && !(d > 0)) throw new NetworkFormatException(o.PathOf("duration"), $"expected a positive number of ms, got {JsonFields.Format(d)}");
            Precision? precision = null;
            if (o.OptionalString("precision", "\"float64\" or \"float32\"") is { } p)
            {
                precision = p switch
                {
                    "float64" => Precision.Float64,
                    "float32" => Precision.Float32,
                    _ => throw new NetworkFormatException(o.PathOf("precision"), $"unknown precision '{p}' (valid: float64, float32)"),
                };
            }
            var spikePrecision = SpikePrecision.OnGrid;
            if (o.OptionalString("spike_precision", "\"on_grid\" or \"off_grid\"") is { } sp)
            {
                int known = SpikePrecisionNames.All.ToList().IndexOf(sp);
                if (known < 0)
                    throw new NetworkFormatException(o.PathOf("spike_precision"), $"unknown spike precision '{sp}' (valid: {string.Join(", ", SpikePrecisionNames.All)})");
                spikePrecision = (SpikePrecision)known;
            }
            return new SimulationSection
            {
                Path = path,
                SpikePrecision = spikePrecision,
                Timestep = timestep,
                MinDelay = Delay(o, "min_delay"),
                MaxDelay = Delay(o, "max_delay"),
                Seed = o.OptionalUnsigned("seed", "a non-negative integer seed"),
                Duration = duration,
                Precision = precision,
            };
        }

        private static double? Delay(ObjectReader o, string key)
        {
            const string expected = "a positive number of ms or \"auto\"";
            if (!o.TryGet(key, out var e, out var path)) return null;
            if (e.ValueKind == JsonValueKind.String && e.GetString() == "auto") return null;
            double v = JsonFields.Number(e, path, expected);
            if (!(v > 0)) throw new NetworkFormatException(path, $"expected {expected}, got {JsonFields.Format(v)}");
            return v;
        }

        private void DeclareLabel(JsonElement e, string path, string what)
        {
            if (e.ValueKind != JsonValueKind.Object) throw JsonFields.TypeError(path, $"{what} (an object)", e);
            string labelPath = JsonFields.Child(path, "label");
            if (!e.TryGetProperty("label", out var labelElement) || labelElement.ValueKind == JsonValueKind.Null)
                throw new NetworkFormatException(labelPath, $"missing required field 'label' (a unique name for {what})");
            string label = JsonFields.String(labelElement, labelPath, "a label (a string)");
            if (label.Length == 0) throw new NetworkFormatException(labelPath, "the label must not be empty");
            if (_labels.TryGetValue(label, out var first))
                throw new NetworkFormatException(labelPath, $"the label '{label}' is already used by {first} (labels of populations, views and assemblies must be unique)");
            _labels[label] = path;
        }

        /// <summary>A reference to a population, view or assembly by label.</summary>
        private Ref Label(JsonElement e, string path)
        {
            return Label(JsonFields.String(e, path, "the label of a population, view or assembly"), path);
        }

        private Ref Label(string label, string path)
        {
            if (!_labels.ContainsKey(label))
                throw new NetworkFormatException(path,
                    $"no population, view or assembly labelled '{label}' (known: {JsonFields.List(_labels.Keys)}){JsonFields.DidYouMean(label, _labels.Keys)}");
            return new Ref(label, path);
        }

        private Ref RequiredLabel(ObjectReader o, string key)
        {
            var e = o.Required(key, "the label of a population, view or assembly", out var path);
            return Label(e, path);
        }

        /// <summary>A cell type by name: standard, library, or PyNN's composed PointNeuron.</summary>
        private ModelDefinition NamedCellType(ObjectReader o)
        {
            string cellType = o.RequiredString("cell_type", $"a cell type: {JsonFields.List(Vocabulary.CellTypes)}, or \"nestml\": the path of a .nestml file");
            ModelDefinition model;
            if (cellType == Vocabulary.PointNeuron) model = ComposedModel(o);
            else if (!StandardModels.TryGet(cellType, out model!) && !Meta.Models.Library.ModelLibrary.TryGet(cellType, out model!))
                throw new NetworkFormatException(o.PathOf("cell_type"),
                    Vocabulary.Unknown("cell type", cellType, Vocabulary.CellTypes));
            else if (o.TryGet("neuron", out _, out var np) || o.TryGet("receptors", out _, out np))
                throw new NetworkFormatException(np, $"'neuron' and 'receptors' belong to cell_type \"{Vocabulary.PointNeuron}\", not {cellType}");
            return model;
        }

        /// <summary>
        /// A NESTML model: <c>"nestml": "models/iaf_psc_exp_neuron.nestml"</c>, relative to the network file's folder.
        /// <c>cell_type</c> may be left out; where given it must be the model's name in the file.
        /// </summary>
        private ModelDefinition NestmlCellType(ObjectReader o, JsonElement element, string path)
        {
            string file = JsonFields.String(element, path, "the path of a .nestml file");
            string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, file));
            ModelDefinition model;
            try { model = NestmlModel.Load(full); }
            catch (NestmlException e) { throw new NetworkFormatException(path, e.Message); }
            catch (IOException e) { throw new NetworkFormatException(path, e.Message); }
            string? cellType = o.OptionalString("cell_type", "the NESTML model's name");
            if (cellType is not null && cellType != model.Name)
                throw new NetworkFormatException(o.PathOf("cell_type"), $"'{file}' defines the NESTML model '{model.Name}', not '{cellType}'");
            if (o.TryGet("neuron", out _, out var np) || o.TryGet("receptors", out _, out np) || o.TryGet("preset", out _, out np))
                throw new NetworkFormatException(np, "'neuron', 'receptors' and 'preset' do not apply to NESTML models");
            return model;
        }

        private PopulationSection Population(JsonElement e, string path)
        {
            var o = ObjectReader.Open(e, path, "a population", PopulationKeys);
            string label = o.RequiredString("label", "a unique name for the population");
            var sizeElement = o.Required("size", "a positive integer: the number of cells", out var sizePath);
            int size = JsonFields.Integer(sizeElement, sizePath, "a positive integer: the number of cells");
            if (size <= 0) throw new NetworkFormatException(sizePath, $"expected a positive integer: the number of cells, got {size}");
            var model = o.TryGet("nestml", out var nestmlElement, out var nestmlPath)
                ? NestmlCellType(o, nestmlElement, nestmlPath)
                : NamedCellType(o);
            _models[label] = model;

            var parameters = new List<NamedValue>();
            if (o.TryGet("parameters", out var pe, out var pp))
            {
                var valid = model.Parameters.Select(p => p.Name).ToArray();
                foreach (var (name, value, vp) in JsonFields.Members(pe, pp, "an object of parameter values"))
                {
                    if (model.KernelParameters.Contains(name) && model.FindParameter(name) is null)
                    {
                        parameters.Add(new NamedValue(name, ValueParser.CellValue(value, vp))); // an array element, e.g. tau_eta__0
                        continue;
                    }
                    var def = model.FindParameter(name) ?? throw new NetworkFormatException(vp,
                        $"unknown parameter '{name}' (valid parameters for {model.Name} are: {JsonFields.List(valid)}){JsonFields.DidYouMean(name, valid)}");
                    if (def.Shape == ParameterShape.Array)
                    {
                        // PyNN's ArrayParameter: one array of def.Length numbers for every cell; its elements become scalars.
                        var elements = value.ValueKind == JsonValueKind.Array ? JsonFields.NumberArray(value, vp) : [];
                        if (elements.Length != def.Length)
                            throw new NetworkFormatException(vp, $"expected an array of {def.Length} numbers for the array parameter '{name}' of {model.Name}");
                        for (int i = 0; i < elements.Length; i++)
                            parameters.Add(new NamedValue(ParameterDefinition.ElementName(name, i), new NumberSpec(vp, elements[i])));
                        continue;
                    }
                    parameters.Add(new NamedValue(name, def.Shape == ParameterShape.Sequence
                        ? ValueParser.Sequence(value, vp, name)
                        : ValueParser.CellValue(value, vp)));
                }
            }

            if (o.TryGet("preset", out var preset, out var presetPath))
            {
                var presets = Meta.Models.Library.ModelLibrary.Presets(model.Name);
                string name = JsonFields.String(preset, presetPath, "the name of a parameter set of the cell type");
                if (presets.Count == 0) throw new NetworkFormatException(presetPath, $"cell type {model.Name} has no named parameter sets");
                if (!presets.TryGetValue(name, out var values))
                    throw new NetworkFormatException(presetPath,
                        $"unknown parameter set '{name}' of {model.Name} (valid: {JsonFields.List(presets.Keys)}){JsonFields.DidYouMean(name, presets.Keys)}");
                // Values given in "parameters" take precedence over the set's.
                var given = parameters.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
                parameters.InsertRange(0, values.Where(x => !given.Contains(x.Key)).Select(x => new NamedValue(x.Key, new NumberSpec(presetPath, x.Value))));
            }

            var initial = new List<NamedValue>();
            if (o.TryGet("initial_values", out var ie, out var ip))
            {
                var valid = model.States.Select(s => s.Name).ToArray();
                foreach (var (name, value, vp) in JsonFields.Members(ie, ip, "an object of initial values"))
                {
                    if (model.FindState(name) is null)
                        throw new NetworkFormatException(vp,
                            $"unknown state variable '{name}' (valid initial values for {model.Name} are: {JsonFields.List(valid)}){JsonFields.DidYouMean(name, valid)}");
                    initial.Add(new NamedValue(name, ValueParser.CellValue(value, vp)));
                }
            }

            var record = new List<Ref>();
            if (o.TryGet("record", out var re, out var rp))
            {
                var recordables = model.Recordables.ToArray();
                foreach (var (variable, vp) in JsonFields.StringOrStrings(re, rp, "a variable name or an array of variable names"))
                {
                    if (!recordables.Contains(variable))
                        throw new NetworkFormatException(vp,
                            $"cannot record '{variable}' from {model.Name} (recordable: {JsonFields.List(recordables)}){JsonFields.DidYouMean(variable, recordables)}");
                    record.Add(new Ref(variable, vp));
                }
            }
            var structure = o.TryGet("structure", out var ste, out var stp) ? Structure(ste, stp, size) : null;
            var positions = o.TryGet("positions", out var poe, out var pop) ? Positions(poe, pop, size) : null;
            if (structure is not null && positions is not null)
                throw new NetworkFormatException(pop, "give either 'structure' or 'positions', not both (explicit positions replace the structure)");
            return new PopulationSection(path, label, size, o.OptionalString("cell_type") ?? model.Name, parameters, initial, record)
            {
                Structure = structure,
                Positions = positions,
                PositionsPath = positions is null ? null : pop,
                Model = model,
            };
        }

        /// <summary>
        /// PyNN's composed <c>PointNeuron</c>: <c>"neuron": "LIF" | "AdExp"</c> and <c>"receptors": {"AMPA": {"type":
        /// "CondAlphaPostSynapticResponse", "tau_syn": 1.0}, ...}</c>.
        /// </summary>
        private static ModelDefinition ComposedModel(ObjectReader o)
        {
            var cores = NeuronCore.ByName.Keys.ToArray();
            string coreName = o.RequiredString("neuron", $"the neuron core of the PointNeuron: {JsonFields.List(cores)}");
            if (!NeuronCore.ByName.TryGetValue(coreName, out var core))
                throw new NetworkFormatException(o.PathOf("neuron"), Vocabulary.Unknown("neuron core", coreName, cores));
            var re = o.Required("receptors", "an object of named post-synaptic responses, e.g. {\"AMPA\": {\"type\": \"AlphaPSR\"}}", out var rp);
            var receptors = new Dictionary<string, PostSynapticResponse>(StringComparer.Ordinal);
            foreach (var (name, value, vp) in JsonFields.Members(re, rp, "an object of named post-synaptic responses"))
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                    throw new NetworkFormatException(vp, $"expected an object with a \"type\": one of {JsonFields.List(PostSynapticResponse.Types)}");
                string type = typeElement.GetString()!;
                if (!PostSynapticResponse.Types.Contains(type))
                    throw new NetworkFormatException(JsonFields.Child(vp, "type"), Vocabulary.Unknown("post-synaptic response", type, PostSynapticResponse.Types));
                var response = PostSynapticResponse.Create(type);
                foreach (var (key, number, kp) in JsonFields.Members(value, vp, "a post-synaptic response object"))
                {
                    if (key == "type") continue;
                    if (!response.Defaults.ContainsKey(key))
                        throw new NetworkFormatException(kp, $"unknown parameter '{key}' of {response.Type} (valid: {JsonFields.List(response.Defaults.Keys)})");
                    response[key] = JsonFields.Number(number, kp);
                }
                receptors[name] = response;
            }
            try
            {
                return PointNeuron.Create(core, receptors);
            }
            catch (InvalidModelException e)
            {
                throw new NetworkFormatException(rp, e.Message);
            }
        }

        private ViewSection View(JsonElement e, string path)
        {
            var o = ObjectReader.Open(e, path, "a view", ViewKeys);
            string label = o.RequiredString("label", "a unique name for the view");
            var parent = RequiredLabel(o, "population");
            var given = new[] { "indices", "slice", "mask" }.Where(o.Has).ToArray();
            if (given.Length != 1)
                throw new NetworkFormatException(path,
                    $"a view needs exactly one of 'indices' (array of cell positions), 'slice' ([start, stop] or [start, stop, step]) " +
                    $"or 'mask' (array of true/false, one per cell); got {(given.Length == 0 ? "none" : string.Join(", ", given))}");
            o.TryGet(given[0], out var se, out var sp);
            ViewSelector selector = given[0] switch
            {
                "indices" => new IndexSelector(sp, JsonFields.Items(se, sp, "an array of cell positions")
                    .Select(i => NonNegative(JsonFields.Integer(i.Value, i.Path, "a cell position (a non-negative integer)"), i.Path)).ToArray()),
                "mask" => new MaskSelector(sp, JsonFields.Items(se, sp, "an array of true/false, one per cell")
                    .Select(i => JsonFields.Bool(i.Value, i.Path)).ToArray()),
                _ => Slice(se, sp),
            };
            return new ViewSection(path, label, parent, selector);
        }

        private static int NonNegative(int value, string path) =>
            value >= 0 ? value : throw new NetworkFormatException(path, $"expected a cell position (a non-negative integer), got {value}");

        private static SliceSelector Slice(JsonElement e, string path)
        {
            const string expected = "[start, stop] or [start, stop, step] (integers or null, Python's slice semantics)";
            var items = JsonFields.Items(e, path, expected).ToList();
            if (items.Count is not (2 or 3)) throw new NetworkFormatException(path, $"expected {expected}, got {items.Count} values");
            int? Bound(int k) => items[k].Value.ValueKind == JsonValueKind.Null ? null : JsonFields.Integer(items[k].Value, items[k].Path, "an integer or null");
            int step = items.Count == 3 ? Bound(2) ?? 1 : 1;
            if (step == 0) throw new NetworkFormatException(items[2].Path, "the slice step must not be zero");
            return new SliceSelector(path, Bound(0), Bound(1), step);
        }

        private AssemblySection Assembly(JsonElement e, string path)
        {
            var o = ObjectReader.Open(e, path, "an assembly", AssemblyKeys);
            string label = o.RequiredString("label", "a unique name for the assembly");
            var membersElement = o.Required("members", "an array of population, view or assembly labels", out var mp);
            var members = JsonFields.Items(membersElement, mp, "an array of population, view or assembly labels")
                .Select(i => Label(i.Value, i.Path)).ToList();
            if (members.Count == 0) throw new NetworkFormatException(mp, "an assembly needs at least one member");
            return new AssemblySection(path, label, members);
        }

        private RecordSection Record(JsonElement e, string path)
        {
            var o = ObjectReader.Open(e, path, "a recording request", RecordKeys);
            var cells = RequiredLabel(o, "cells");
            var ve = o.Required("variables", "a variable name or an array of names such as [\"spikes\", \"v\"]", out var vp);
            var variables = JsonFields.StringOrStrings(ve, vp, "a variable name or an array of names such as [\"spikes\", \"v\"]")
                .Select(v => new Ref(v.Value, v.Path)).ToList();
            if (variables.Count == 0) throw new NetworkFormatException(vp, "name at least one variable to record");
            double? interval = o.OptionalNumber("sampling_interval", "a positive number of ms (a multiple of the timestep)");
            if (interval is { } si && !(si > 0))
                throw new NetworkFormatException(o.PathOf("sampling_interval"), $"expected a positive number of ms, got {JsonFields.Format(si)}");
            return new RecordSection(path, cells, variables, interval);
        }
    }
}
