using Meta.Expressions;

namespace Meta.Models;

/// <summary>
/// One line of a synapse's event code: an assignment <c>x = value</c> / <c>x += value</c> to a state, or
/// <c>transmit(value)</c> (on a presynaptic event only), which sends <c>value</c> to the postsynaptic receptor.
/// </summary>
/// <param name="Target">The state assigned, or null for <c>transmit</c>.</param>
/// <param name="Value">The value (for increments, the amount added; for <c>transmit</c>, the amount delivered).</param>
/// <param name="Increment">True for <c>+=</c>.</param>
public sealed record SynapseStatement(string? Target, Expr Value, bool Increment = false)
{
    /// <summary>The name of the delivery statement.</summary>
    public const string TransmitName = "transmit";

    /// <summary>Parses <c>x = e</c>, <c>x += e</c>, <c>x -= e</c> or <c>transmit(e)</c>.</summary>
    public static SynapseStatement Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (trimmed.StartsWith(TransmitName + "(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
            return new(null, Expr.Parse(trimmed[(TransmitName.Length + 1)..^1]));
        int minus = trimmed.IndexOf("-=", StringComparison.Ordinal);
        if (minus > 0) return new(trimmed[..minus].Trim(), -Expr.Parse(trimmed[(minus + 2)..]), true);
        var a = AssignmentDefinition.Parse(trimmed);
        return new(a.Target, a.Value, a.Increment);
    }

    /// <summary>Whether this is a <c>transmit</c>.</summary>
    public bool IsTransmit => Target is null;

    /// <inheritdoc />
    public override string ToString() => Target is null ? $"{TransmitName}({Value})" : $"{Target} {(Increment ? "+=" : "=")} {Value}";
}

/// <summary>
/// Continuous dynamics of a synapse state between events, <c>d(State)/dt = −State/TimeConstant</c>, integrated exactly
/// at each event (Brian2's <c>(event-driven)</c>, NEST's traces).
/// </summary>
/// <param name="State">The decaying state (a trace).</param>
/// <param name="TimeConstant">Its time constant in ms, an expression of parameters.</param>
public sealed record SynapseDecay(string State, Expr TimeConstant);

/// <summary>
/// A synapse type as data, compiled by every backend like a cell model (docs/architecture.md): parameters and per-synapse
/// state, exact decays between events, and the code run when a presynaptic spike reaches the synapse (<see cref="OnPre"/>,
/// which decides what reaches the receptor with <c>transmit</c>) and when a postsynaptic spike does (<see cref="OnPost"/>).
/// Every synapse type has a <c>weight</c>: a parameter when it is fixed (short-term plasticity, stochastic release), a state
/// when it is learned (STDP). Expressions may use <c>t</c> (the event's time), <c>dt</c> and <c>uniform()</c>, a draw from the
/// simulation's counter-based streams (identical on every backend).
/// </summary>
public sealed record SynapseModel
{
    /// <summary>The weight's name (PyNN's).</summary>
    public const string WeightName = "weight";

    /// <summary>The type's name (PyNN's class name for the standard types).</summary>
    public required string Name { get; init; }
    /// <summary>What it models.</summary>
    public string Description { get; init; } = "";
    /// <summary>Parameters, one value per synapse (or one for the projection).</summary>
    public IReadOnlyList<ParameterDefinition> Parameters { get; init; } = [];
    /// <summary>Per-synapse state variables and their initial values (constants or expressions of parameters).</summary>
    public IReadOnlyList<StateDefinition> States { get; init; } = [];
    /// <summary>Exact exponential decays of states between events.</summary>
    public IReadOnlyList<SynapseDecay> Decays { get; init; } = [];
    /// <summary>The code of a presynaptic event, in order.</summary>
    public IReadOnlyList<SynapseStatement> OnPre { get; init; } = [];
    /// <summary>The code of a postsynaptic event, in order.</summary>
    public IReadOnlyList<SynapseStatement> OnPost { get; init; } = [];

    /// <summary>Whether the weight is a state (learned) rather than a parameter.</summary>
    public bool PlasticWeight => States.Any(s => s.Name == WeightName);

    /// <summary>The names a user may read or set on a projection of this type (parameters and states, weight first).</summary>
    public IEnumerable<string> AttributeNames =>
        new[] { WeightName }.Concat(Parameters.Select(p => p.Name)).Concat(States.Select(s => s.Name)).Distinct();

    /// <summary>The parameter or state named <paramref name="name"/>'s default value for a synapse with the given parameters.</summary>
    public double InitialValue(string name, Func<string, double> parameter)
    {
        var state = States.FirstOrDefault(s => s.Name == name) ?? throw new NonExistentParameterException(name, Name, States.Select(s => s.Name));
        return state.Initial.Evaluate(parameter);
    }
}
