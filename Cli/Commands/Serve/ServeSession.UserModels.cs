using System.Text.Json.Nodes;
using Meta.Models;
using Meta.Models.Library;
using Meta.Models.Standard;
using Meta.Nestml;

namespace Meta.Cli.Commands.Serve;

internal sealed partial class ServeSession
{
    /// <summary>
    /// Models the client loaded (<c>load_nestml</c>) or that a native cell type runs as (NEST's <c>hh_psc_alpha</c>), by
    /// name; <c>create</c> finds them before the standard and published models. They outlive <c>setup</c>.
    /// </summary>
    private readonly Dictionary<string, ModelDefinition> _userModels = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>load_nestml</c>: <c>{path}</c>, a .nestml file (an absolute path, or relative to the server's folder), compiled
    /// into a Meta model that <c>create</c> then takes by its name. The result is <c>name</c> and <c>cell_type</c>, its
    /// catalogue entry. A model named as a standard or published one is refused (the name would be ambiguous).
    /// </summary>
    private JsonObject LoadNestml(ServeRequest r)
    {
        string path = Path.GetFullPath(r.String("path"));
        ModelDefinition model;
        try { model = NestmlModel.Load(path); }
        catch (IOException e) { throw new InvalidModelException($"load_nestml: {e.Message}"); }
        catch (NestmlException e) { throw new InvalidModelException($"load_nestml: {e.Message}"); }
        Register(model, $"load_nestml '{path}'");
        return new JsonObject { ["name"] = model.Name, ["cell_type"] = Describe(model) };
    }

    /// <summary>Makes <paramref name="model"/> known to <c>create</c> by its name (a model of the same name is replaced).</summary>
    private void Register(ModelDefinition model, string where)
    {
        if (StandardModels.TryGet(model.Name, out _) || ModelLibrary.TryGet(model.Name, out _))
            throw new InvalidModelException(
                $"{where}: the model is named '{model.Name}', as one of Meta's standard or published models; rename it.");
        _userModels[model.Name] = model;
    }

    /// <summary>A cell type by name: a loaded model first, then a standard or published one (an unknown name is Meta's error).</summary>
    private CellType ResolveCellType(string name) =>
        _userModels.TryGetValue(name, out var model) ? new CellType(model) : new CellType(name);
}
