using System.Globalization;

namespace Meta.Models.Standard;

/// <summary>
/// PyNN's spike sources as model definitions; backends implement their generators by <see cref="ModelDefinition.SourceKind"/>.
/// The renewal sources (gamma, Poisson with dead time, inhomogeneous gamma) and the spike arrays are generated on the host by
/// the backend-neutral <c>HostSpikeSchedule</c>; docs/semantics.md states their exact processes.
/// </summary>
public static class SpikeSources
{
    /// <summary><c>SpikeSourcePoisson</c>: a homogeneous Poisson process of <c>rate</c> Hz on [start, start + duration).</summary>
    public static ModelDefinition SpikeSourcePoisson { get; } = Source("SpikeSourcePoisson",
        "Spike source firing as a homogeneous Poisson process.", SpikeSourceKinds.Poisson,
        [
            new("rate", 1.0, "Hz", "Mean firing rate.")
        ]);

    /// <summary>
    /// <c>SpikeSourcePoissonMultiple</c>: a homogeneous Poisson process of <c>rate</c> Hz on [start, start + duration) that,
    /// unlike <c>SpikeSourcePoisson</c>, delivers every spike of a step (k spikes with probability e^(−λ)λ^k/k!,
    /// λ = rate·dt), so it delivers its rate at any rate and dt: one cell can stand for the summed input of many
    /// (NEST's <c>poisson_generator</c> into one target, Brian2's <c>PoissonInput</c>). It uses the same draws as
    /// <c>SpikeSourcePoisson</c>: a step has a first spike exactly when the single-spike source would fire.
    /// </summary>
    public static ModelDefinition SpikeSourcePoissonMultiple { get; } = Source("SpikeSourcePoissonMultiple",
        "Spike source firing as a homogeneous Poisson process, several spikes per step allowed.", SpikeSourceKinds.PoissonMultiple,
        [
            new("rate", 1.0, "Hz", "Mean firing rate.")
        ]);

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

    /// <summary>A spike source of <paramref name="kind"/> with <paramref name="parameters"/> followed by PyNN's firing window (start, duration).</summary>
    private static ModelDefinition Source(string name, string description, string kind, ParameterDefinition[] parameters) =>
        Validated(new ModelDefinition
        {
            Name = name,
            Description = description,
            Kind = ModelKind.SpikeSource,
            SourceKind = kind,
            Injectable = false,
            Parameters =
            [
                .. parameters,
                new("start", 0.0, "ms", "Time from which the process runs."),
                new("duration", 1e10, "ms", "Length of the firing window."),
            ],
        });

    /// <summary>
    /// <c>SpikeSourceGamma</c>: a gamma renewal process; the intervals are gamma distributed with shape <c>alpha</c> and
    /// scale <c>1/beta</c> s, so the mean rate is <c>beta/alpha</c> Hz.
    /// </summary>
    public static ModelDefinition SpikeSourceGamma { get; } = Source("SpikeSourceGamma",
        "Spike source firing as a gamma renewal process.", SpikeSourceKinds.Gamma,
        [
            new("alpha", 2.0, "", "Shape of the gamma distribution of the intervals (dimensionless, > 0)."),
            new("beta", 1.0, "Hz", "Rate parameter: the intervals have scale 1/beta s; the mean rate is beta/alpha.")
        ]);

    /// <summary>
    /// <c>SpikeSourcePoissonRefractory</c>: a Poisson process with a dead time; the intervals are
    /// <c>tau_refrac + Exp(mean 1000/rate − tau_refrac)</c> ms, so the mean rate stays <c>rate</c>.
    /// </summary>
    public static ModelDefinition SpikeSourcePoissonRefractory { get; } = Source("SpikeSourcePoissonRefractory",
        "Spike source firing as a Poisson process with a dead time.", SpikeSourceKinds.PoissonRefractory,
        [
            new("rate", 1.0, "Hz", "Mean firing rate (1000/rate must be at least tau_refrac)."),
            new("tau_refrac", 0.0, "ms", "Dead time after each spike.")
        ]);

    /// <summary>
    /// <c>SpikeSourceInhGamma</c>: an inhomogeneous gamma process whose shape <c>a</c> and scale <c>b</c> (seconds) are
    /// constant over bins that start at <c>tbins</c> (ms); in a bin the stationary rate is <c>1/(a·b)</c> Hz.
    /// </summary>
    public static ModelDefinition SpikeSourceInhGamma { get; } = Source("SpikeSourceInhGamma",
        "Spike source firing as an inhomogeneous gamma process.", SpikeSourceKinds.InhomogeneousGamma,
        [
            new("a", 1.0, "", "Shape of the gamma process in each bin (dimensionless, > 0).", ParameterShape.Sequence) { DefaultSequence = [1.0] },
            new("b", 1.0, "s", "Scale of the gamma process in each bin, in seconds (> 0).", ParameterShape.Sequence) { DefaultSequence = [1.0] },
            new("tbins", 0.0, "ms", "Start of each bin, strictly increasing.", ParameterShape.Sequence) { DefaultSequence = [0.0] }
        ]);

    /// <summary>
    /// Checks one scalar parameter value of a spike source: rates and beta finite and ≥ 0, alpha finite and &gt; 0,
    /// tau_refrac finite and ≥ 0, start finite and ≥ 0, duration ≥ 0. Other models and names pass.
    /// </summary>
    /// <param name="model">The spike source model.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="value">The value.</param>
    /// <param name="where">Where the value is, for the message (e.g. <c>in 'input', cell 3</c>).</param>
    /// <exception cref="InvalidParameterValueException">The value is out of range.</exception>
    public static void CheckValue(ModelDefinition model, string name, double value, string where)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Kind != ModelKind.SpikeSource) return;
        string? rule = name switch
        {
            "rate" or "beta" => double.IsFinite(value) && value >= 0 ? null : "finite and ≥ 0 Hz",
            "alpha" => double.IsFinite(value) && value > 0 ? null : "finite and > 0",
            "tau_refrac" => double.IsFinite(value) && value >= 0 ? null : "finite and ≥ 0 ms",
            "start" => double.IsFinite(value) && value >= 0 ? null : "finite and ≥ 0 ms",
            "duration" => value >= 0 ? null : "≥ 0 ms",
            _ => null,
        };
        if (rule is not null)
            throw new InvalidParameterValueException($"'{name}' of {model.Name} {where} must be {rule}; got {Format(value)}.");
    }

    /// <summary>
    /// Checks one cell's sequence parameter of a spike source: <c>a</c> and <c>b</c> hold finite values &gt; 0,
    /// <c>tbins</c> finite times ≥ 0 in strictly increasing order, and each has at least one element.
    /// <c>spike_times</c> is checked by the population (non-decreasing times ≥ 0).
    /// </summary>
    /// <param name="model">The spike source model.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="values">The cell's sequence.</param>
    /// <param name="where">Where the value is, for the message.</param>
    /// <exception cref="InvalidParameterValueException">The sequence is invalid.</exception>
    public static void CheckSequence(ModelDefinition model, string name, double[] values, string where)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(values);
        if (model.SourceKind != SpikeSourceKinds.InhomogeneousGamma) return;
        if (name is not ("a" or "b" or "tbins")) return;
        if (values.Length == 0)
            throw new InvalidParameterValueException($"'{name}' of {model.Name} {where} must hold at least one value (one per bin).");
        for (int k = 0; k < values.Length; k++)
        {
            double v = values[k];
            if (name == "tbins")
            {
                if (!double.IsFinite(v) || v < 0)
                    throw new InvalidParameterValueException($"'tbins' of {model.Name} {where} must hold finite times ≥ 0 ms; got {Format(v)}.");
                if (k > 0 && !(v > values[k - 1]))
                    throw new InvalidParameterValueException(
                        $"'tbins' of {model.Name} {where} must be strictly increasing; got {Format(values[k - 1])} before {Format(v)}.");
            }
            else if (!double.IsFinite(v) || v <= 0)
            {
                string unit = name == "b" ? " s" : "";
                throw new InvalidParameterValueException($"'{name}' of {model.Name} {where} must hold finite values > 0{unit}; got {Format(v)}.");
            }
        }
    }

    /// <summary>
    /// Checks every parameter of a spike source population: each value (<see cref="CheckValue"/>,
    /// <see cref="CheckSequence"/>) and the rules that tie parameters together: <c>tau_refrac ≤ 1000/rate</c> for
    /// <c>SpikeSourcePoissonRefractory</c> with rate &gt; 0, and <c>a</c>, <c>b</c> and <c>tbins</c> of the same length per
    /// cell for <c>SpikeSourceInhGamma</c>.
    /// </summary>
    /// <param name="model">The model (other kinds than spike sources pass).</param>
    /// <param name="label">The population label, for messages.</param>
    /// <param name="parameters">Scalar parameters, one value per cell.</param>
    /// <param name="sequences">Sequence parameters, one sequence per cell.</param>
    /// <exception cref="InvalidParameterValueException">A parameter is invalid.</exception>
    public static void Validate(ModelDefinition model, string label,
        IReadOnlyDictionary<string, double[]> parameters, IReadOnlyDictionary<string, double[][]> sequences)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(sequences);
        if (model.Kind != ModelKind.SpikeSource) return;
        foreach (var (name, values) in parameters)
            for (int i = 0; i < values.Length; i++) CheckValue(model, name, values[i], $"in '{label}' (cell {i})");
        foreach (var (name, values) in sequences)
            for (int i = 0; i < values.Length; i++) CheckSequence(model, name, values[i], $"in '{label}' (cell {i})");

        if (model.SourceKind == SpikeSourceKinds.PoissonRefractory
            && parameters.TryGetValue("rate", out var rate) && parameters.TryGetValue("tau_refrac", out var tau))
        {
            for (int i = 0; i < rate.Length; i++)
                if (rate[i] > 0 && 1000.0 / rate[i] < tau[i])
                    throw new InvalidParameterValueException(
                        $"{model.Name} in '{label}' (cell {i}): the mean interval 1000/rate = {Format(1000.0 / rate[i])} ms is shorter than " +
                        $"tau_refrac = {Format(tau[i])} ms; lower the rate or tau_refrac.");
        }
        if (model.SourceKind == SpikeSourceKinds.InhomogeneousGamma
            && sequences.TryGetValue("a", out var a) && sequences.TryGetValue("b", out var b) && sequences.TryGetValue("tbins", out var bins))
        {
            for (int i = 0; i < a.Length; i++)
                if (a[i].Length != b[i].Length || a[i].Length != bins[i].Length)
                    throw new InvalidParameterValueException(
                        $"{model.Name} in '{label}' (cell {i}): 'a', 'b' and 'tbins' must have the same length (one value per bin); " +
                        $"got {a[i].Length}, {b[i].Length} and {bins[i].Length}.");
        }
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static ModelDefinition Validated(ModelDefinition model)
    {
        ModelValidator.Validate(model);
        return model;
    }
}
