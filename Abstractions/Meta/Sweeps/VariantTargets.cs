using Meta.Populations;
using Meta.Projections;

namespace Meta.Sweeps;

/// <summary>
/// Applies a <see cref="ParameterSet"/> to a built network. A target is <c>POPULATION.NAME</c>: NAME is a parameter of the
/// population's cell type (set on every cell) or one of its state variables (its initial value on every cell); or
/// <c>PROJECTION.weight</c> / <c>PROJECTION.delay</c> (every connection). Labels may contain dots; the name is after the
/// last one. Unknown labels and names are errors that list the valid ones.
/// </summary>
public static class VariantTargets
{
    /// <summary>Sets every value of <paramref name="set"/> on <paramref name="simulation"/>'s network.</summary>
    public static void Apply(Simulation simulation, ParameterSet set)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(set);
        foreach (var (target, value) in set.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal)) Apply(simulation, target, value);
    }

    /// <summary>Checks that every target of <paramref name="targets"/> names something in <paramref name="simulation"/>.</summary>
    public static void Check(Simulation simulation, IEnumerable<string> targets)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(targets);
        foreach (var target in targets) Resolve(simulation, target);
    }

    private static void Apply(Simulation simulation, string target, double value)
    {
        var (population, projection, name) = Resolve(simulation, target);
        if (projection is not null) projection.Set(name, value);
        else if (population!.CellType.Model.FindParameter(name) is not null) population.Set(name, value);
        else population.Initialize(name, value);
    }

    private static (Population? Population, Projection? Projection, string Name) Resolve(Simulation simulation, string target)
    {
        int dot = target.LastIndexOf('.');
        if (dot <= 0 || dot == target.Length - 1)
            throw new InvalidParameterValueException(
                $"Sweep target '{target}' is not POPULATION.NAME or PROJECTION.weight (populations: {Labels(simulation.Populations.Select(p => p.Label))}).");
        string label = target[..dot], name = target[(dot + 1)..];
        if (simulation.Populations.FirstOrDefault(p => p.Label == label) is { } population)
        {
            var model = population.CellType.Model;
            if (model.FindParameter(name) is not null || model.FindState(name) is not null) return (population, null, name);
            throw new InvalidParameterValueException(
                $"Sweep target '{target}': population '{label}' ({model.Name}) has no parameter or state variable '{name}' " +
                $"(parameters: {Labels(model.Parameters.Select(p => p.Name))}; state variables: {Labels(model.States.Select(s => s.Name))}).");
        }
        if (simulation.Projections.FirstOrDefault(p => p.Label == label) is { } projection)
        {
            if (name is "weight" or "delay") return (null, projection, name);
            throw new InvalidParameterValueException($"Sweep target '{target}': a projection's sweepable values are 'weight' and 'delay', not '{name}'.");
        }
        throw new InvalidParameterValueException(
            $"Sweep target '{target}': no population or projection labelled '{label}' (populations: {Labels(simulation.Populations.Select(p => p.Label))}; " +
            $"projections: {Labels(simulation.Projections.Select(p => p.Label))}).");
    }

    private static string Labels(IEnumerable<string> labels)
    {
        var list = labels.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
