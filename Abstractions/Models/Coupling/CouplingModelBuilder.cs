using Meta.Expressions;

namespace Meta.Models;

/// <summary>
/// Builds a <see cref="CouplingModel"/> from text. <see cref="Build"/> validates every name and returns the definition; the
/// lowering compiles it for every backend.
/// </summary>
/// <example>
/// A gap junction (PyNN's <c>ElectricalSynapse</c>):
/// <code>
/// var gap = new CouplingModelBuilder("ElectricalSynapse")
///     .Parameter("weight", 0, "uS").Current("weight*(v_pre - v_post)").Bidirectional().Build();
/// </code>
/// </example>
public sealed class CouplingModelBuilder(string name)
{
    private readonly List<ParameterDefinition> _parameters = [];
    private readonly List<StateDefinition> _states = [];
    private readonly List<OdeDefinition> _odes = [];
    private Expr? _current;
    private bool _bidirectional;
    private string _description = "";

    /// <summary>Sets the description.</summary>
    public CouplingModelBuilder Describe(string description) { _description = description; return this; }

    /// <summary>Adds a parameter (the <c>weight</c>, a conductance in µS, is added with default 0 if not declared).</summary>
    /// <param name="parameterName">The name.</param>
    /// <param name="defaultValue">The default value, in <paramref name="unit"/>.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="description">What it means.</param>
    /// <param name="domain">The values it may take (<see cref="ParameterDomain.Any"/> when null); the default must lie in it.</param>
    public CouplingModelBuilder Parameter(string parameterName, double defaultValue, string unit, string description = "", ParameterDomain? domain = null)
    {
        _parameters.Add(new(parameterName, defaultValue, unit, description) { Domain = ParameterDomains.Checked(parameterName, defaultValue, domain) });
        return this;
    }

    /// <summary>Adds a per-connection state with its initial value and its ODE <c>d(state)/dt = rhs</c> (integrated by exponential Euler).</summary>
    public CouplingModelBuilder State(string stateName, double initial, string unit, string rhs)
    {
        _states.Add(new(stateName, Expr.Const(initial), unit));
        _odes.Add(new(stateName, Parse(rhs)));
        return this;
    }

    /// <summary>Sets the current into the post cell (nA): an expression of parameters, states, <c>NAME_pre</c> and <c>NAME_post</c>.</summary>
    public CouplingModelBuilder Current(string current)
    {
        _current = Parse(current);
        return this;
    }

    /// <summary>Makes the coupling symmetric: the pre cell receives the mirror current (pre and post exchanged).</summary>
    public CouplingModelBuilder Bidirectional(bool bidirectional = true)
    {
        _bidirectional = bidirectional;
        return this;
    }

    private Expr Parse(string text)
    {
        try { return Expr.Parse(text); }
        catch (ExpressionSyntaxException e) { throw new InvalidModelException($"Coupling type '{name}': cannot read '{text}': {e.Message}"); }
    }

    /// <summary>Validates and returns the definition; throws <see cref="InvalidModelException"/> naming the first problem.</summary>
    public CouplingModel Build()
    {
        var parameters = _parameters.ToList();
        if (!parameters.Any(p => p.Name == CouplingModel.WeightName))
            parameters.Insert(0, new(CouplingModel.WeightName, 0.0, "uS", "the coupling conductance"));
        var model = new CouplingModel
        {
            Name = name,
            Description = _description,
            Parameters = parameters,
            States = _states.ToArray(),
            Odes = _odes.ToArray(),
            Current = _current ?? throw new InvalidModelException($"Coupling type '{name}': it has no current (call Current(...))."),
            Bidirectional = _bidirectional,
        };
        CouplingModelValidator.Validate(model);
        return model;
    }
}

/// <summary>Checks a <see cref="CouplingModel"/>: unique names, known symbols, a weight, cell states read through <c>_pre</c>/<c>_post</c>.</summary>
public static class CouplingModelValidator
{
    /// <summary>Throws <see cref="InvalidModelException"/> naming the first problem of <paramref name="model"/>.</summary>
    public static void Validate(CouplingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string where = $"Coupling type '{model.Name}'";
        var own = model.Parameters.Select(p => p.Name).Concat(model.States.Select(s => s.Name)).ToArray();
        foreach (var dup in own.GroupBy(n => n).Where(g => g.Count() > 1))
            throw new InvalidModelException($"{where}: '{dup.Key}' is declared twice.");
        foreach (var n in own)
            if (n.StartsWith("__", StringComparison.Ordinal) || n is "t" or "dt"
                || n.EndsWith(CouplingModel.PreSuffix, StringComparison.Ordinal) || n.EndsWith(CouplingModel.PostSuffix, StringComparison.Ordinal))
                throw new InvalidModelException($"{where}: '{n}' is a reserved name (names starting with '__', t, dt, and names ending in _pre or _post).");
        if (!model.Parameters.Any(p => p.Name == CouplingModel.WeightName)) throw new InvalidModelException($"{where}: it has no 'weight' parameter.");
        foreach (var s in model.States)
            if (model.Odes.Count(o => o.State == s.Name) != 1) throw new InvalidModelException($"{where}: state '{s.Name}' needs exactly one ODE.");
        void Check(Expr e, string context)
        {
            foreach (var s in e.Symbols())
                if (!own.Contains(s) && !MathFunctions.Constants.ContainsKey(s)
                    && !(s.EndsWith(CouplingModel.PreSuffix, StringComparison.Ordinal) && s.Length > CouplingModel.PreSuffix.Length)
                    && !(s.EndsWith(CouplingModel.PostSuffix, StringComparison.Ordinal) && s.Length > CouplingModel.PostSuffix.Length))
                    throw new InvalidModelException($"{where}: unknown name '{s}' in {context} (known: {string.Join(", ", own.Order())}, and cell states as NAME_pre, NAME_post).");
        }
        Check(model.Current, "the current");
        foreach (var o in model.Odes) Check(o.RightHandSide, $"the ODE of '{o.State}'");
    }
}
