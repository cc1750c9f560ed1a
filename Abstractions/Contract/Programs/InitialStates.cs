namespace Meta.Backends.Programs;

/// <summary>
/// The initial values of a neuron group's states, where some states are the lowering's own (those a user never sets, such as
/// the time left in refractoriness of a precise spike time): those start at 0. The lowering (a program's first values) and
/// the step engine (a reset, whose values come from the user's initial values) complete them in this one way.
/// </summary>
public static class InitialStates
{
    /// <summary>The values of <paramref name="state"/> for <paramref name="size"/> cells: those given in <paramref name="initial"/>, else zeros.</summary>
    public static double[] Of(IReadOnlyDictionary<string, double[]> initial, string state, int size)
    {
        ArgumentNullException.ThrowIfNull(initial);
        return initial.TryGetValue(state, out var given) ? given : new double[size];
    }

    /// <summary>
    /// <paramref name="initial"/> with every one of <paramref name="states"/>: the values given, the missing ones at 0
    /// (<paramref name="initial"/> itself where none is missing).
    /// </summary>
    public static IReadOnlyDictionary<string, double[]> Complete(IReadOnlyDictionary<string, double[]> initial, IEnumerable<string> states, int size)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(states);
        var names = states.ToList();
        if (names.All(initial.ContainsKey)) return initial;
        return names.Concat(initial.Keys).Distinct(StringComparer.Ordinal).ToDictionary(n => n, n => Of(initial, n, size), StringComparer.Ordinal);
    }
}
