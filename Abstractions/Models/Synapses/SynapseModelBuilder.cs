using Meta.Expressions;

namespace Meta.Models;

/// <summary>
/// Builds a <see cref="SynapseModel"/> from text, as Brian2 and NESTML users write synapse rules. <see cref="Build"/> validates
/// every name and returns the definition; the lowering compiles it for every backend.
/// </summary>
/// <example>
/// A triplet-free all-to-all STDP rule with immediate updates (Brian2's documented example):
/// <code>
/// var stdp = new SynapseModelBuilder("MySTDP")
///     .Parameter("tau_pre", 20, "ms").Parameter("tau_post", 20, "ms").Parameter("A_pre", 0.01, "")
///     .Parameter("A_post", -0.0105, "").Parameter("w_max", 0.01, "uS")
///     .PlasticWeight(0.005).State("apre", 0, "").State("apost", 0, "")
///     .Decay("apre", "tau_pre").Decay("apost", "tau_post")
///     .OnPre("apre += A_pre", "weight = min(max(weight + w_max*apost, 0), w_max)", "transmit(weight)")
///     .OnPost("apost += A_post", "weight = min(max(weight + w_max*apre, 0), w_max)")
///     .Build();
/// </code>
/// </example>
public sealed class SynapseModelBuilder(string name)
{
    private readonly List<ParameterDefinition> _parameters = [];
    private readonly List<StateDefinition> _states = [];
    private readonly List<SynapseDecay> _decays = [];
    private readonly List<SynapseStatement> _pre = [];
    private readonly List<SynapseStatement> _post = [];
    private string _description = "";

    /// <summary>Sets the description.</summary>
    public SynapseModelBuilder Describe(string description) { _description = description; return this; }

    /// <summary>Adds a parameter.</summary>
    /// <param name="parameterName">The name.</param>
    /// <param name="defaultValue">The default value, in <paramref name="unit"/>.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="description">What it means.</param>
    /// <param name="domain">The values it may take (<see cref="ParameterDomain.Any"/> when null); the default must lie in it.</param>
    public SynapseModelBuilder Parameter(string parameterName, double defaultValue, string unit, string description = "", ParameterDomain? domain = null)
    {
        _parameters.Add(new(parameterName, defaultValue, unit, description) { Domain = ParameterDomains.Checked(parameterName, defaultValue, domain) });
        return this;
    }

    /// <summary>Adds a per-synapse state with a constant initial value.</summary>
    public SynapseModelBuilder State(string stateName, double initial, string unit) => State(stateName, Expr.Const(initial), unit);

    /// <summary>Adds a per-synapse state whose initial value is an expression of parameters.</summary>
    public SynapseModelBuilder State(string stateName, string initial, string unit) => State(stateName, Expr.Parse(initial), unit);

    private SynapseModelBuilder State(string stateName, Expr initial, string unit)
    {
        _states.Add(new(stateName, initial, unit));
        return this;
    }

    /// <summary>Makes the weight a learned state (its initial value is the projection's weight) instead of a parameter.</summary>
    public SynapseModelBuilder PlasticWeight(double defaultWeight = 0.0)
    {
        _parameters.RemoveAll(p => p.Name == SynapseModel.WeightName);
        _states.Add(new(SynapseModel.WeightName, Expr.Const(defaultWeight), ""));
        return this;
    }

    /// <summary>Declares that <paramref name="state"/> decays as <c>−state/timeConstant</c> between events (exact, event-driven).</summary>
    public SynapseModelBuilder Decay(string state, string timeConstant)
    {
        _decays.Add(new(state, Expr.Parse(timeConstant)));
        return this;
    }

    /// <summary>Appends lines to the presynaptic event's code (<c>x = e</c>, <c>x += e</c>, <c>x -= e</c>, <c>transmit(e)</c>).</summary>
    public SynapseModelBuilder OnPre(params string[] lines)
    {
        _pre.AddRange(lines.Select(Parse));
        return this;
    }

    /// <summary>Appends lines to the postsynaptic event's code (assignments only).</summary>
    public SynapseModelBuilder OnPost(params string[] lines)
    {
        _post.AddRange(lines.Select(Parse));
        return this;
    }

    private SynapseStatement Parse(string line)
    {
        try { return SynapseStatement.Parse(line); }
        catch (ExpressionSyntaxException e) { throw new InvalidModelException($"Synapse type '{name}': cannot read '{line}': {e.Message}"); }
    }

    /// <summary>Validates and returns the definition; throws <see cref="InvalidModelException"/> naming the first problem.</summary>
    public SynapseModel Build()
    {
        var parameters = _parameters.ToList();
        if (!_states.Any(s => s.Name == SynapseModel.WeightName) && !parameters.Any(p => p.Name == SynapseModel.WeightName))
            parameters.Insert(0, new(SynapseModel.WeightName, 0.0, "", "the weight (the receptor's unit)"));
        var model = new SynapseModel
        {
            Name = name,
            Description = _description,
            Parameters = parameters,
            States = _states.ToArray(),
            Decays = _decays.ToArray(),
            OnPre = _pre.ToArray(),
            OnPost = _post.ToArray(),
        };
        SynapseModelValidator.Validate(model);
        return model;
    }
}

/// <summary>Checks a <see cref="SynapseModel"/>: unique names, known symbols, assignments to states only.</summary>
public static class SynapseModelValidator
{
    private static readonly string[] s_builtins = ["t", "dt"];

    /// <summary>Throws <see cref="InvalidModelException"/> naming the first problem of <paramref name="model"/>.</summary>
    public static void Validate(SynapseModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string where = $"Synapse type '{model.Name}'";
        var parameters = model.Parameters.Select(p => p.Name).ToArray();
        var states = model.States.Select(s => s.Name).ToArray();
        var all = parameters.Concat(states).ToArray();
        foreach (var dup in all.GroupBy(n => n).Where(g => g.Count() > 1))
            throw new InvalidModelException($"{where}: '{dup.Key}' is declared twice.");
        foreach (var n in all.Concat(s_builtins))
            if (n.StartsWith("__", StringComparison.Ordinal) && !s_builtins.Contains(n))
                throw new InvalidModelException($"{where}: names starting with '__' are reserved ('{n}').");
        foreach (var n in all)
            if (s_builtins.Contains(n) || n == SynapseStatement.TransmitName || n == "uniform" || n == "binomial")
                throw new InvalidModelException($"{where}: '{n}' is a reserved name.");
        if (!all.Contains(SynapseModel.WeightName)) throw new InvalidModelException($"{where}: it has no 'weight' (parameter or state).");
        var known = all.Concat(s_builtins).ToHashSet();
        void Check(Expr e, string context, bool draws)
        {
            if (!draws && CountDraws(e) > 0)
                throw new InvalidModelException($"{where}: uniform() and binomial() are allowed in event code only ({context}).");
            foreach (var s in e.Symbols())
                if (!known.Contains(s))
                    throw new InvalidModelException($"{where}: unknown name '{s}' in {context} (known: {string.Join(", ", known.Order())}).");
        }
        foreach (var s in model.States) Check(s.Initial, $"the initial value of '{s.Name}'", false);
        foreach (var s in model.States)
            foreach (var sym in s.Initial.Symbols())
                if (!parameters.Contains(sym)) throw new InvalidModelException($"{where}: the initial value of '{s.Name}' may use parameters only, not '{sym}'.");
        foreach (var d in model.Decays)
        {
            if (!states.Contains(d.State)) throw new InvalidModelException($"{where}: decay of '{d.State}', which is not a state (states: {string.Join(", ", states)}).");
            foreach (var sym in d.TimeConstant.Symbols())
                if (!parameters.Contains(sym)) throw new InvalidModelException($"{where}: the time constant of '{d.State}' may use parameters only, not '{sym}'.");
        }
        if (model.Decays.GroupBy(d => d.State).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidModelException($"{where}: '{twice.Key}' has two decays.");
        foreach (var (code, label) in new[] { (model.OnPre, "on_pre"), (model.OnPost, "on_post") })
        {
            int draws = 0;
            foreach (var st in code)
            {
                Check(st.Value, $"{label} '{st}'", true);
                draws += CountDraws(st.Value);
                if (st.IsTransmit)
                {
                    if (label == "on_post") throw new InvalidModelException($"{where}: transmit() belongs in on_pre; on_post cannot send to the receptor.");
                    continue;
                }
                if (!states.Contains(st.Target!))
                    throw new InvalidModelException($"{where}: {label} assigns '{st.Target}', which is not a state (states: {string.Join(", ", states)}).");
            }
            if (draws > ModelDefinition.MaxRandomDraws)
                throw new InvalidModelException($"{where}: {label} makes {draws} draws (uniform() and binomial() calls; at most {ModelDefinition.MaxRandomDraws}).");
        }
    }

    private static int CountDraws(Expr e) => e switch
    {
        CallExpr { Function: "uniform" } => 1,
        CallExpr { Function: "binomial" } c => 1 + c.Arguments.Sum(CountDraws),
        CallExpr c => c.Arguments.Sum(CountDraws),
        BinaryExpr b => CountDraws(b.Left) + CountDraws(b.Right),
        NegateExpr n => CountDraws(n.Operand),
        NotExpr n => CountDraws(n.Operand),
        ConditionalExpr c => CountDraws(c.Condition) + CountDraws(c.Then) + CountDraws(c.Else),
        _ => 0,
    };
}
