namespace Meta.Network;

/// <summary>
/// Where spike times lie (PyNN's <c>setup(spike_precision=...)</c>; docs/semantics.md, "Precise spike times").
/// </summary>
public enum SpikePrecision
{
    /// <summary>
    /// <c>"on_grid"</c> (the default): a spike is stamped at the end of the step in which the threshold is reached, where the
    /// reset and the refractory period start too.
    /// </summary>
    OnGrid,
    /// <summary>
    /// <c>"off_grid"</c>: the threshold crossing is found within the step; the spike time, the reset and the start of the
    /// refractory period are at that time, as in NEST's precise (<c>_ps</c>) models. Models it does not apply to keep their
    /// spikes on the grid (<see cref="Meta.Lowering.Kernels.PreciseSpikeTimes.AppliesTo"/>).
    /// </summary>
    OffGrid,
}

/// <summary>PyNN's names of <see cref="SpikePrecision"/> values.</summary>
public static class SpikePrecisionNames
{
    /// <summary>The names, in the order of <see cref="SpikePrecision"/>.</summary>
    public static IReadOnlyList<string> All { get; } = ["on_grid", "off_grid"];

    /// <summary>The PyNN name of <paramref name="precision"/>.</summary>
    public static string Name(this SpikePrecision precision) => All[(int)precision];

    /// <summary>The value named <paramref name="name"/>.</summary>
    /// <exception cref="Meta.InvalidParameterValueException">The name is not one of <see cref="All"/>.</exception>
    public static SpikePrecision Parse(string name)
    {
        int i = All.ToList().IndexOf(name);
        if (i < 0) throw new Meta.InvalidParameterValueException($"spike_precision must be one of {string.Join(", ", All.Select(n => $"\"{n}\""))}, got \"{name}\".");
        return (SpikePrecision)i;
    }
}
