using System.Text.Json;
using System.Text.Json.Nodes;
using Meta.Expressions;
using Meta.Models;
using Meta.Models.Library;
using Meta.Models.Standard;
using Meta.Parameters;
using Meta.Populations;

namespace Meta.Cli.Commands.Serve;

internal sealed partial class ServeSession
{
    /// <summary>Every cell type by name: parameters with defaults and units, states, recordables and receptors.</summary>
    private static JsonObject Catalogue()
    {
        var types = new JsonObject();
        foreach (var m in StandardModels.All.Concat(ModelLibrary.Names.Select(n => ModelLibrary.TryGet(n, out var d) ? d : null!)).OrderBy(m => m.Name))
            types[m.Name] = Describe(m);
        return new JsonObject { ["cell_types"] = types };
    }

    /// <summary>
    /// One model's catalogue entry: its kind, parameters (default, unit, shape, array elements), states (unit, whether
    /// recordable, and the default initial value where it is a constant; null where it is computed from parameters),
    /// recordables, receptors, and whether it is conductance-based and takes injected current.
    /// </summary>
    private static JsonObject Describe(ModelDefinition m)
    {
        var parameters = new JsonObject();
        foreach (var p in m.Parameters)
            parameters[p.Name] = new JsonObject
            {
                ["default"] = p.Shape == ParameterShape.Scalar ? p.Default : null,
                ["unit"] = p.Unit,
                ["shape"] = p.Shape.ToString().ToLowerInvariant(),
                ["elements"] = p.Shape == ParameterShape.Array ? new JsonArray(p.ArrayDefault!.Select(v => (JsonNode)v).ToArray()) : null,
            };
        var states = new JsonObject();
        foreach (var s in m.States)
            states[s.Name] = new JsonObject
            {
                ["unit"] = s.Unit,
                ["recordable"] = s.Recordable,
                ["initial"] = s.Initial is NumberExpr n ? n.Value : null,
            };
        return new JsonObject
        {
            ["kind"] = m.Kind.ToString(),
            ["parameters"] = parameters,
            ["states"] = states,
            ["recordables"] = Strings(m.Recordables),
            ["receptors"] = Strings(m.Receptors.Select(r => r.Name)),
            ["conductance_based"] = m.ConductanceBased,
            ["injectable"] = m.Injectable,
        };
    }

    /// <summary><c>create</c>: <c>{cell_type, size, label?, parameters?: {NAME: number|array}, sequences?: {NAME: ragged}}</c>.</summary>
    private JsonObject Create(ServeRequest r)
    {
        var cellType = ResolveCellType(r.String("cell_type"));
        var deferred = new List<(string Name, double[] Values)>();
        foreach (var (name, value) in r.Members("parameters"))
        {
            if (ServeRequest.IsArray(value)) deferred.Add((name, ServeRequest.ReadArray(value, $"parameter '{name}'")));
            else cellType[name] = ServeRequest.Number(value, $"parameter '{name}'");
        }
        foreach (var (name, value) in r.Members("sequences")) cellType.WithSequence(name, SequenceValue.PerCell(Ragged(value, name)));
        var population = Sim.CreatePopulation(r.Int("size"), cellType, r.OptionalString("label"));
        foreach (var (name, values) in deferred) population.Set(name, ParameterValue.Array(values));
        return new JsonObject { ["population"] = population.Index, ["label"] = population.Label };
    }

    /// <summary>A ragged array: <c>{"values": array, "lengths": array}</c> (one sequence per cell, concatenated).</summary>
    private static double[][] Ragged(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("values", out var v) || !e.TryGetProperty("lengths", out var l))
            throw new ServeProtocolException($"sequence '{name}' must be {{\"values\": ARRAY, \"lengths\": ARRAY}}");
        var values = ServeRequest.ReadArray(v, $"sequence '{name}' values");
        var lengths = ServeRequest.ReadArray(l, $"sequence '{name}' lengths");
        var result = new double[lengths.Length][];
        int at = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            int n = (int)lengths[i];
            if (n < 0 || at + n > values.Length) throw new ServeProtocolException($"sequence '{name}': the lengths do not match the {values.Length} values");
            result[i] = values.AsSpan(at, n).ToArray();
            at += n;
        }
        return result;
    }

    /// <summary>
    /// The cells a request names: <c>{"population": I, "indices": array?}</c> (all cells when absent), the cells sorted by
    /// index (Meta's views are sorted), with <paramref name="order"/> the permutation that sorts the request's order.
    /// </summary>
    private CellCollection Cells(ServeRequest r, out int[] order)
    {
        int index = r.Int("population");
        if (index < 0 || index >= Sim.Populations.Count)
            throw new ServeProtocolException($"'{r.Command}': no population {index} (there are {Sim.Populations.Count})");
        var population = Sim.Populations[index];
        var indices = r.OptionalArray("indices");
        if (indices is null)
        {
            order = Enumerable.Range(0, population.Size).ToArray();
            return population;
        }
        var given = indices.Select(i => (int)i).ToArray();
        order = Enumerable.Range(0, given.Length).OrderBy(k => given[k]).ToArray();
        if (given.Distinct().Count() != given.Length) throw new InvalidParameterValueException($"'{r.Command}': the cell indices repeat.");
        return population[given];
    }

    private static double[] Permute(double[] values, int[] order) => order.Select(k => values[k]).ToArray();

    private static double[] Unpermute(double[] sorted, int[] order)
    {
        var result = new double[sorted.Length];
        for (int k = 0; k < order.Length; k++) result[order[k]] = sorted[k];
        return result;
    }

    /// <summary><c>set</c>: <c>{population, indices?, parameters: {NAME: number|array}, sequences?: {NAME: ragged}}</c>.</summary>
    private JsonObject Set(ServeRequest r)
    {
        var cells = Cells(r, out var order);
        foreach (var (name, value) in r.Members("parameters"))
            cells.Set(name, ServeRequest.IsArray(value)
                ? ParameterValue.Array(Permute(CheckLength(ServeRequest.ReadArray(value, $"parameter '{name}'"), cells.Size, name), order))
                : ParameterValue.Scalar(ServeRequest.Number(value, $"parameter '{name}'")));
        foreach (var (name, value) in r.Members("sequences"))
        {
            var ragged = CheckLength(Ragged(value, name), cells.Size, name);
            cells.SetSequence(name, SequenceValue.PerCell(order.Select(k => ragged[k]).ToArray()));
        }
        return [];
    }

    private static T[] CheckLength<T>(T[] values, int size, string name) => values.Length == size ? values
        : throw new InvalidDimensionsException($"'{name}' has {values.Length} values for {size} cells.");

    /// <summary><c>get</c>: <c>{population, indices?, names: [...], sequences?: [...]}</c>, one array per name in the request's cell order.</summary>
    private JsonObject Get(ServeRequest r)
    {
        var cells = Cells(r, out var order);
        var values = new JsonObject();
        foreach (var name in r.Strings("names")) values[name] = Npy(Unpermute(cells.Get(name), order));
        var sequences = new JsonObject();
        if (r.Has("sequences"))
            foreach (var name in r.Strings("sequences"))
            {
                var sorted = cells.GetSequence(name);
                var all = new double[sorted.Length][];
                for (int k = 0; k < order.Length; k++) all[order[k]] = sorted[k];
                sequences[name] = new JsonObject
                {
                    ["values"] = Npy(all.SelectMany(s => s).ToArray()),
                    ["lengths"] = Npy(all.Select(s => (double)s.Length).ToArray()),
                };
            }
        return new JsonObject { ["values"] = values, ["sequences"] = sequences };
    }

    /// <summary><c>initialize</c>: <c>{population, indices?, values: {STATE: number|array}}</c>.</summary>
    private JsonObject Initialize(ServeRequest r)
    {
        var cells = Cells(r, out var order);
        foreach (var (name, value) in r.Members("values"))
            cells.Initialize(name, ServeRequest.IsArray(value)
                ? ParameterValue.Array(Permute(CheckLength(ServeRequest.ReadArray(value, $"initial value '{name}'"), cells.Size, name), order))
                : ParameterValue.Scalar(ServeRequest.Number(value, $"initial value '{name}'")));
        return [];
    }

    /// <summary><c>get_initial</c>: <c>{population, indices?, names: [...]}</c>.</summary>
    private JsonObject GetInitial(ServeRequest r)
    {
        var cells = Cells(r, out var order);
        var values = new JsonObject();
        foreach (var name in r.Strings("names")) values[name] = Npy(Unpermute(cells.GetInitialValues(name), order));
        return new JsonObject { ["values"] = values };
    }
}
