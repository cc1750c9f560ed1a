namespace Meta.Models.Standard;

/// <summary>PyNN's spike sources as model definitions; backends implement their generators by <see cref="ModelDefinition.SourceKind"/>.</summary>
public static class SpikeSources
{
    /// <summary><c>SpikeSourcePoisson</c>: a homogeneous Poisson process of <c>rate</c> Hz on [start, start + duration).</summary>
    public static ModelDefinition SpikeSourcePoisson { get; } = Validated(new ModelDefinition
    {
        Name = "SpikeSourcePoisson",
        Description = "Spike source firing as a homogeneous Poisson process.",
        Kind = ModelKind.SpikeSource,
        SourceKind = SpikeSourceKinds.Poisson,
        Injectable = false,
        Parameters =
        [
            new("rate", 1.0, "Hz", "Mean firing rate."),
            new("start", 0.0, "ms", "Time of the first possible spike."),
            new("duration", 1e10, "ms", "Length of the firing window."),
        ],
    });

    /// <summary><c>SpikeSourceArray</c>: emits spikes at exactly the given times (ms, non-decreasing).</summary>
    public static ModelDefinition SpikeSourceArray { get; } = Validated(new ModelDefinition
    {
        Name = "SpikeSourceArray",
        Description = "Spike source emitting spikes at given times.",
        Kind = ModelKind.SpikeSource,
        SourceKind = SpikeSourceKinds.Array,
        Injectable = false,
        Parameters = [new("spike_times", 0.0, "ms", "Spike times, non-decreasing.", ParameterShape.Sequence)],
    });

    private static ModelDefinition Validated(ModelDefinition model)
    {
        ModelValidator.Validate(model);
        return model;
    }
}
