namespace Meta.Sweeps;

/// <summary>
/// One variant of a sweep: values by target (<c>POPULATION.NAME</c>, a parameter or the initial value of a state of every
/// cell of the population, or <c>PROJECTION.weight</c>; see <see cref="VariantTargets"/>) and, optionally, its own seed.
/// </summary>
/// <param name="Values">Target to value; applied in key order after the network is built.</param>
/// <param name="Seed">The variant's seed, or null for the sweep's seed.</param>
public sealed record ParameterSet(IReadOnlyDictionary<string, double> Values, ulong? Seed = null)
{
    /// <summary>A set with the given values and no seed of its own.</summary>
    public static ParameterSet Of(params (string Target, double Value)[] values) =>
        new(values.ToDictionary(v => v.Target, v => v.Value, StringComparer.Ordinal));

    /// <summary>The set as one line, e.g. <c>E.tau_m=10, seed=3</c>.</summary>
    public override string ToString() =>
        string.Join(", ", Values.Select(kv => $"{kv.Key}={kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
            .Concat(Seed is { } s ? [$"seed={s}"] : []));
}
