using System.Text.Json;
using Meta.CurrentSources;
using Meta.Projections.Connectors;

namespace Meta.Cli.Networks;

public static partial class NetworkParser
{
    private static readonly string[] ProjectionKeys = ["label", "pre", "post", "connector", "synapse", "receptor_type", "space"];

    private sealed partial class Reader
    {
        private ProjectionSection Projection(JsonElement e, string path)
        {
            var o = ObjectReader.Open(e, path, "a projection", ProjectionKeys);
            string? label = o.OptionalString("label");
            var pre = RequiredLabel(o, "pre");
            var post = RequiredLabel(o, "post");
            var ce = o.Required("connector", $"a connector object such as {{\"type\": \"AllToAllConnector\"}}; types: {JsonFields.List(Vocabulary.Connectors.Keys)}", out var cp);
            var connector = Connector(ce, cp);
            var synapse = o.TryGet("synapse", out var se, out var sp) ? Synapse(se, sp) : new SynapseSpec(o.PathOf("synapse"), "StaticSynapse", null, null);
            Ref? receptor = o.OptionalString("receptor_type", "a receptor type such as \"excitatory\" or \"inhibitory\"") is { } r
                ? new Ref(r, o.PathOf("receptor_type"))
                : null;
            var space = o.TryGet("space", out var spe, out var spp) ? SpaceObject(spe, spp) : null;
            // Projection labels (explicit, or PyNN's default "pre→post") that CloneConnector may refer to; a repeated one is ambiguous.
            string effective = label ?? $"{pre.Name}→{post.Name}";
            _projectionLabels[effective] = _projectionLabels.ContainsKey(effective) ? null : path;
            return new ProjectionSection(path, label, pre, post, connector, synapse, receptor) { Space = space };
        }

        /// <summary>Projection labels seen so far, with the defining path (null when the label is used more than once).</summary>
        private readonly Dictionary<string, string?> _projectionLabels = new(StringComparer.Ordinal);

        private ConnectorSpec Connector(JsonElement e, string path)
        {
            var types = Vocabulary.Connectors.Keys;
            if (e.ValueKind != JsonValueKind.Object) throw JsonFields.TypeError(path, "a connector object such as {\"type\": \"AllToAllConnector\"}", e);
            string typePath = JsonFields.Child(path, "type");
            if (!e.TryGetProperty("type", out var typeElement))
                throw new NetworkFormatException(typePath, $"missing required field 'type' (valid: {JsonFields.List(types)})");
            string type = JsonFields.String(typeElement, typePath, $"a connector name (valid: {JsonFields.List(types)})");
            if (!Vocabulary.Connectors.TryGetValue(type, out var keys))
                throw new NetworkFormatException(typePath, Vocabulary.Unknown("connector", type, types));
            var o = ObjectReader.Open(e, path, type, ["type", .. keys]);
            var spec = new ConnectorSpec(path, type)
            {
                AllowSelfConnections = o.OptionalBool("allow_self_connections", true),
                WithReplacement = o.OptionalBool("with_replacement", type == "FixedTotalNumberConnector"),
                Seed = o.OptionalUnsigned("seed", "a non-negative integer seed"),
            };
            switch (type)
            {
                case "FixedProbabilityConnector":
                    double p = o.RequiredNumber("p_connect", "the connection probability, a number in [0, 1]");
                    if (!(p >= 0 && p <= 1))
                        throw new NetworkFormatException(o.PathOf("p_connect"), $"expected the connection probability, a number in [0, 1], got {JsonFields.Format(p)}");
                    spec = spec with { PConnect = p };
                    break;
                case "DistanceDependentProbabilityConnector":
                    var dx = o.RequiredString("d_expression", "the connection probability as an expression in d (the distance), such as \"0.5*exp(-d/100)\"");
                    Check(() => new DistanceDependentProbabilityConnector(dx), o.PathOf("d_expression"));
                    spec = spec with { DExpression = dx };
                    break;
                case "IndexBasedProbabilityConnector":
                    var ix = o.RequiredString("index_expression", "the connection probability as an expression in i and j (pre and post positions), such as \"exp(-abs(i-j)/5)\"");
                    Check(() => IndexBasedExpression.Parse(ix), o.PathOf("index_expression"));
                    spec = spec with { IndexExpression = ix };
                    break;
                case "DisplacementDependentProbabilityConnector":
                    var fx = o.RequiredString("disp_function", "the connection probability as an expression in dx, dy and dz (post − pre), such as \"exp(-(dx*dx + dy*dy)/50)\"");
                    Check(() => new DisplacementDependentProbabilityConnector(fx), o.PathOf("disp_function"));
                    spec = spec with { DispFunction = fx };
                    break;
                case "FixedTotalNumberConnector":
                    var te = o.Required("n", "the total number of connections, a non-negative integer", out var tp);
                    int total = JsonFields.Integer(te, tp, "the total number of connections, a non-negative integer");
                    if (total < 0) throw new NetworkFormatException(tp, $"expected the total number of connections, a non-negative integer, got {total}");
                    spec = spec with { N = new NumberSpec(tp, total) };
                    break;
                case "FromFileConnector":
                    var file = o.RequiredString("file", "the name of a connection file (PyNN's text format), relative to the network file's folder");
                    string full = System.IO.Path.GetFullPath(file, BaseDirectory);
                    Check(() => new FromFileConnector(full), o.PathOf("file"));
                    spec = spec with { File = full };
                    break;
                case "CloneConnector":
                    var refName = o.RequiredString("reference_projection", "the label of an earlier projection");
                    string refPath = o.PathOf("reference_projection");
                    if (!_projectionLabels.TryGetValue(refName, out var defined))
                        throw new NetworkFormatException(refPath,
                            $"no earlier projection labelled '{refName}' (known: {JsonFields.List(_projectionLabels.Keys)}){JsonFields.DidYouMean(refName, _projectionLabels.Keys)}");
                    if (defined is null)
                        throw new NetworkFormatException(refPath, $"the projection label '{refName}' is used more than once; give the reference projection a unique label");
                    spec = spec with { ReferenceProjection = new Ref(refName, refPath) };
                    break;
                case "ArrayConnector":
                    const string arrayExpected = "an array of rows (one per pre cell) of true/false or 1/0 (one per post cell)";
                    var ae = o.Required("array", arrayExpected, out var ap);
                    var rowsOfBools = JsonFields.Items(ae, ap, arrayExpected).Select(r =>
                        JsonFields.Items(r.Value, r.Path, "a row of true/false or 1/0, one per post cell").Select(x => x.Value.ValueKind switch
                        {
                            JsonValueKind.True => true,
                            JsonValueKind.False => false,
                            JsonValueKind.Number when x.Value.TryGetDouble(out var v) && v is 0 or 1 => v == 1,
                            _ => throw JsonFields.TypeError(x.Path, "true/false or 1/0", x.Value),
                        }).ToArray()).ToArray();
                    for (int k = 1; k < rowsOfBools.Length; k++)
                        if (rowsOfBools[k].Length != rowsOfBools[0].Length)
                            throw new NetworkFormatException(JsonFields.Item(ap, k), $"all rows must have the same length ({rowsOfBools[0].Length}), got {rowsOfBools[k].Length}");
                    spec = spec with { Array = rowsOfBools };
                    break;
                case "SmallWorldConnector":
                    double degree = o.RequiredNumber("degree", "the distance within which cells connect locally, a number ≥ 0");
                    double rewiring = o.RequiredNumber("rewiring", "the rewiring probability, a number in [0, 1]");
                    int? nConnections = null;
                    if (o.TryGet("n_connections", out var nce, out var ncp))
                    {
                        nConnections = JsonFields.Integer(nce, ncp, "the number of connections per pre cell, a non-negative integer");
                        if (nConnections < 0) throw new NetworkFormatException(ncp, $"expected the number of connections per pre cell, a non-negative integer, got {nConnections}");
                    }
                    Check(() => new SmallWorldConnector(degree, rewiring, true, nConnections), path);
                    spec = spec with { Degree = degree, Rewiring = rewiring, NConnections = nConnections };
                    break;
                case "FixedNumberPreConnector" or "FixedNumberPostConnector":
                    var ne = o.Required("n", "the number of connections per cell: a non-negative integer or a distribution", out var np);
                    spec = spec with { N = ValueParser.Count(ne, np) };
                    break;
                case "FromListConnector":
                    var le = o.Required("conn_list", "an array of [i, j] or [i, j, weight, delay] rows", out var lp);
                    var rows = new List<double[]>();
                    var paths = new List<string>();
                    foreach (var (row, rp) in JsonFields.Items(le, lp, "an array of [i, j] or [i, j, weight, delay] rows"))
                    {
                        var values = JsonFields.NumberArray(row, rp, "a row [i, j] or [i, j, weight, delay]");
                        if (values.Length is not (2 or 3 or 4))
                            throw new NetworkFormatException(rp, $"expected a row [i, j], [i, j, weight] or [i, j, weight, delay], got {values.Length} values");
                        for (int k = 0; k < 2; k++)
                            if (values[k] < 0 || values[k] != Math.Floor(values[k]))
                                throw new NetworkFormatException(JsonFields.Item(rp, k), $"expected a cell position (a non-negative integer), got {JsonFields.Format(values[k])}");
                        rows.Add(values);
                        paths.Add(rp);
                    }
                    spec = spec with { ConnList = rows, ConnListPaths = paths };
                    break;
            }
            return spec;
        }

        private CurrentSourceSection CurrentSource(JsonElement e, string path)
        {
            var types = Vocabulary.CurrentSources.Keys;
            if (e.ValueKind != JsonValueKind.Object) throw JsonFields.TypeError(path, "a current source object such as {\"type\": \"DCSource\", ...}", e);
            string typePath = JsonFields.Child(path, "type");
            if (!e.TryGetProperty("type", out var typeElement))
                throw new NetworkFormatException(typePath, $"missing required field 'type' (valid: {JsonFields.List(types)})");
            string type = JsonFields.String(typeElement, typePath, $"a current source name (valid: {JsonFields.List(types)})");
            if (!Vocabulary.CurrentSources.TryGetValue(type, out var keys))
                throw new NetworkFormatException(typePath, Vocabulary.Unknown("current source", type, types));
            var o = ObjectReader.Open(e, path, type, ["type", "inject_into", .. keys, .. Vocabulary.CurrentSourceKeys]);
            var targetsElement = o.Required("inject_into", "the label of a population, view or assembly, or an array of labels", out var tp);
            var targets = JsonFields.StringOrStrings(targetsElement, tp, "the label of a population, view or assembly, or an array of labels")
                .Select(t => Label(t.Value, t.Path)).ToList();
            if (targets.Count == 0) throw new NetworkFormatException(tp, "name at least one population, view or assembly");
            string label = o.OptionalString("label", "a label for the source's output") ?? $"current_source_{_sourceLabels.Count}";
            if (label.Trim().Length == 0) throw new NetworkFormatException(o.PathOf("label"), "the label must not be empty");
            if (_labels.TryGetValue(label, out var other) || _sourceLabels.TryGetValue(label, out other))
                throw new NetworkFormatException(o.Has("label") ? o.PathOf("label") : path, $"the label '{label}' is already used by {other} (labels of current sources name their output files and must be unique)");
            _sourceLabels[label] = path;
            var section = new CurrentSourceSection(path, type, targets) { Label = label, Record = o.OptionalBool("record", false) };
            double Number(string key, string expected, double defaultValue) => o.OptionalNumber(key, expected) ?? defaultValue;
            double Positive(string key, string expected, double defaultValue, bool allowZero)
            {
                double v = Number(key, expected, defaultValue);
                if (!double.IsFinite(v) || v < 0 || (v == 0 && !allowZero))
                    throw new NetworkFormatException(o.PathOf(key), $"expected {expected}, got {JsonFields.Format(v)}");
                return v;
            }
            switch (type)
            {
                case "DCSource":
                    section = section with
                    {
                        Amplitude = Number("amplitude", "a current in nA", 1.0),
                        Start = Number("start", "a time in ms", 0.0),
                        Stop = Number("stop", "a time in ms", 1e12),
                    };
                    break;
                case "ACSource":
                    section = section with
                    {
                        Amplitude = Number("amplitude", "a current in nA", 1.0),
                        Start = Number("start", "a time in ms", 0.0),
                        Stop = Number("stop", "a time in ms", 1e12),
                        Frequency = Positive("frequency", "a frequency in Hz, ≥ 0", 10.0, allowZero: true),
                        Offset = Number("offset", "a current in nA", 0.0),
                        Phase = Number("phase", "a phase in degrees", 0.0),
                    };
                    break;
                case "NoisyCurrentSource":
                    section = section with
                    {
                        Mean = Number("mean", "a current in nA", 0.0),
                        Stdev = Positive("stdev", "a standard deviation in nA, ≥ 0", 1.0, allowZero: true),
                        Start = Number("start", "a time in ms", 0.0),
                        Stop = Number("stop", "a time in ms", 1e12),
                        NoiseDt = Positive("dt", "a positive interval in ms", 0.1, allowZero: false),
                    };
                    break;
                default:
                {
                    var te = o.Required("times", "an array of increasing times in ms", out var timesPath);
                    var ae = o.Required("amplitudes", "an array of currents in nA, one per time", out var ampPath);
                    var times = JsonFields.NumberArray(te, timesPath, "an array of increasing times in ms");
                    var amplitudes = JsonFields.NumberArray(ae, ampPath, "an array of currents in nA, one per time");
                    try { _ = new StepCurrentSource(times, amplitudes); }
                    catch (InvalidParameterValueException ex) { throw new NetworkFormatException(path, ex.Message, ex); }
                    section = section with { Times = times, Amplitudes = amplitudes };
                    break;
                }
            }
            return section;
        }
    }
}
