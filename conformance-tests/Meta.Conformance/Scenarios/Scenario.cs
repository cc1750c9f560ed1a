using Meta.Backends;

namespace Meta.Conformance.Scenarios;

/// <summary>The outcome of one scenario on one backend.</summary>
public enum ScenarioStatus
{
    /// <summary>Every check held within its tolerance.</summary>
    Passed,
    /// <summary>A check failed, or the scenario threw.</summary>
    Failed,
    /// <summary>The backend declares the feature unsupported and refused it clearly.</summary>
    Unsupported,
}

/// <summary>One scenario's result: what was measured against which tolerance.</summary>
/// <param name="Scenario">The scenario name.</param>
/// <param name="Status">Passed, failed or unsupported.</param>
/// <param name="Measured">The measured errors, e.g. <c>max spike gap 0.02 ms, v RMS 0.004 mV</c>.</param>
/// <param name="Tolerance">The tolerance applied.</param>
/// <param name="Details">Why it failed, or what was not supported.</param>
public sealed record ScenarioResult(string Scenario, ScenarioStatus Status, string Measured, string Tolerance, string Details = "");

/// <summary>What a scenario runs against.</summary>
/// <param name="Backend">The backend under test.</param>
/// <param name="Reference">A second backend to cross-check with (Meta's CPU backend by default), or null.</param>
/// <param name="Precision">The precision to run the backend under test at.</param>
public sealed record ScenarioContext(IBackend Backend, IBackend? Reference, Precision Precision = Precision.Float64)
{
    /// <summary>Simulation options for the backend under test.</summary>
    public SimulationOptions Options(double timestep = 0.1, double? minDelay = null, double? maxDelay = null, ulong seed = 12345) => new()
    {
        Timestep = timestep, MinDelay = minDelay, MaxDelay = maxDelay, Seed = seed, Precision = Precision,
    };
}

/// <summary>
/// A conformance scenario: written once, run on any backend. Each states its tolerance and why. A scenario that
/// needs a feature the backend does not declare reports <see cref="ScenarioStatus.Unsupported"/>, and only if the
/// backend refuses it with <see cref="NotSupportedByBackendException"/> or Meta's own check.
/// </summary>
public abstract class Scenario
{
    /// <summary>A unique name, e.g. <c>reference/IF_cond_exp_step@dt0.1</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The tolerance and the reason for it.</summary>
    public abstract string Tolerance { get; }

    /// <summary>
    /// The cell types, spike sources (<c>source:KIND</c>), current sources (<c>current:KIND</c>) and optional features
    /// (<c>feature:NAME</c>) this scenario needs.
    /// </summary>
    public virtual IEnumerable<string> Requires => [];

    /// <summary>Whether the scenario needs a reference backend.</summary>
    public virtual bool NeedsReference => false;

    /// <summary>Runs the scenario; never throws.</summary>
    public ScenarioResult Run(ScenarioContext context)
    {
        var caps = context.Backend.Descriptor.Capabilities;
        var missing = Requires.Where(r => !Declared(caps, r)).ToArray();
        if (!caps.Precisions.Contains(context.Precision)) missing = [.. missing, $"precision {context.Precision}"];
        if (missing.Length > 0)
        {
            // The backend must refuse what it does not declare, clearly.
            try
            {
                Execute(context);
                return new(Name, ScenarioStatus.Failed, "-", Tolerance, $"the backend does not declare {string.Join(", ", missing)} but ran it without an error");
            }
            catch (MetaException e)
            {
                return new(Name, ScenarioStatus.Unsupported, "-", Tolerance, $"{string.Join(", ", missing)}: {e.Message}");
            }
            catch (Exception e)
            {
                return new(Name, ScenarioStatus.Failed, "-", Tolerance, $"undeclared {string.Join(", ", missing)} failed with {e.GetType().Name} instead of a clear error: {e.Message}");
            }
        }
        if (NeedsReference && context.Reference is null)
            return new(Name, ScenarioStatus.Unsupported, "-", Tolerance, "needs a reference backend to compare with");
        // Comparing a backend with itself proves nothing: the scenario does not apply to the reference backend.
        if (NeedsReference && ReferenceEquals(context.Reference, context.Backend))
            return new(Name, ScenarioStatus.Unsupported, "-", Tolerance, "the backend under test is the reference backend: nothing to compare with");
        try
        {
            return Execute(context);
        }
        catch (Exception e)
        {
            return new(Name, ScenarioStatus.Failed, "-", Tolerance, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The prefix of a requirement of an optional feature of the step program (<see cref="BackendFeatures"/>).</summary>
    public const string FeaturePrefix = "feature:";

    /// <summary>The requirement that the backend compiles any model definition (composed and user-defined models).</summary>
    public const string UserDefinedModels = "user-defined-models";

    /// <summary>Runs the checks.</summary>
    protected abstract ScenarioResult Execute(ScenarioContext context);

    /// <summary>A result from a list of checks: passed when all hold.</summary>
    protected ScenarioResult Result(string measured, params (bool Ok, string Failure)[] checks)
    {
        var failures = checks.Where(c => !c.Ok).Select(c => c.Failure).ToArray();
        return new(Name, failures.Length == 0 ? ScenarioStatus.Passed : ScenarioStatus.Failed, measured, Tolerance, string.Join("; ", failures));
    }

    /// <summary>Whether the backend declares everything this scenario requires, at <paramref name="precision"/>.</summary>
    public bool IsDeclaredBy(BackendCapabilities caps, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(caps);
        return caps.Precisions.Contains(precision) && Requires.All(r => Declared(caps, r));
    }

    private static bool Declared(BackendCapabilities caps, string requirement)
    {
        if (requirement == UserDefinedModels) return caps.UserDefinedModels;
        if (requirement.StartsWith("source:", StringComparison.Ordinal)) return caps.SpikeSources.Contains(requirement[7..]);
        if (requirement.StartsWith("current:", StringComparison.Ordinal)) return caps.CurrentSources.Contains(requirement[8..]);
        if (requirement.StartsWith(FeaturePrefix, StringComparison.Ordinal)) return caps.Features.Contains(requirement[FeaturePrefix.Length..]);
        return caps.UserDefinedModels || caps.CellTypes.Contains(requirement);
    }
}
