namespace Meta.Conformance.Scenarios;

/// <summary>A scenario given as a function that returns what it measured and its checks.</summary>
public sealed class CheckScenario(
    string name,
    string tolerance,
    IEnumerable<string> requires,
    Func<ScenarioContext, (string Measured, (bool Ok, string Failure)[] Checks)> run,
    bool needsReference = false) : Scenario
{
    /// <inheritdoc />
    public override string Name => name;
    /// <inheritdoc />
    public override string Tolerance => tolerance;
    /// <inheritdoc />
    public override IEnumerable<string> Requires => requires;
    /// <inheritdoc />
    public override bool NeedsReference => needsReference;

    /// <inheritdoc />
    protected override ScenarioResult Execute(ScenarioContext context)
    {
        var (measured, checks) = run(context);
        return Result(measured, checks);
    }
}
