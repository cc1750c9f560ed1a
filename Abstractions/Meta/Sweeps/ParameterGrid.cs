namespace Meta.Sweeps;

/// <summary>The full grid of parameter sets over some targets' values (the first target varies slowest).</summary>
public static class ParameterGrid
{
    /// <summary>Every combination of the values of <paramref name="axes"/>, in row-major order; an axis named <c>seed</c> gives the seeds.</summary>
    public static IReadOnlyList<ParameterSet> Of(params (string Target, double[] Values)[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        IEnumerable<IReadOnlyList<(string, double)>> rows = [[]];
        foreach (var (target, values) in axes)
        {
            if (values.Length == 0) throw new ArgumentException($"The grid axis '{target}' has no values.", nameof(axes));
            rows = rows.SelectMany(row => values.Select(v => (IReadOnlyList<(string, double)>)[.. row, (target, v)])).ToArray();
        }
        return rows.Select(r => new ParameterSet(
            r.Where(v => v.Item1 != ParameterSetReader.SeedColumn).ToDictionary(v => v.Item1, v => v.Item2, StringComparer.Ordinal),
            r.Where(v => v.Item1 == ParameterSetReader.SeedColumn).Select(v => (ulong?)checked((ulong)v.Item2)).FirstOrDefault())).ToArray();
    }
}
