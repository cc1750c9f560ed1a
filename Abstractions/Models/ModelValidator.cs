using Meta.Expressions;

namespace Meta.Models;

/// <summary>Checks that a model definition is self-consistent before any backend sees it.</summary>
public static class ModelValidator
{
    /// <summary>Throws <see cref="InvalidModelException"/> naming the first problem found.</summary>
    public static void Validate(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parameters = model.KernelParameters.ToHashSet();
        var states = model.States.Select(s => s.Name).ToHashSet();
        var aliases = model.Aliases.Select(a => a.Name).ToHashSet();
        var known = new HashSet<string>(parameters.Concat(states).Concat(aliases)) { ModelDefinition.InjectedCurrent, "t", "dt" };
        for (int d = 0; d < model.RandomDraws; d++) known.Add(ModelDefinition.RandomDrawSymbol(d));

        void Fail(string what) => throw new InvalidModelException($"Model '{model.Name}': {what}");
        void CheckNames(Expr e, string where)
        {
            foreach (var s in e.Symbols().Where(ModelDefinition.IsNoiseSymbol))
                Fail($"{where} uses the noise term '{s}'; noise terms (xi, xi_NAME) belong in ODEs only, as in dx/dt = f + g*xi.");
            foreach (var s in e.Symbols().Where(s => !known.Contains(s)))
                Fail($"{where} uses unknown name '{s}' (known: {string.Join(", ", known.Order())}).");
            if (RandomDrawNumbering.Calls(e))
                Fail($"{where} calls uniform() directly; build the model with ModelBuilder, which numbers the draws.");
            if (CallsBinomial(e))
                Fail($"{where} calls binomial(), a draw of synapse event code (SynapseModel on_pre/on_post); a cell model may use uniform().");
        }

        foreach (var dup in model.Parameters.Select(p => p.Name).Concat(model.States.Select(s => s.Name)).Concat(aliases)
                     .GroupBy(n => n).Where(g => g.Count() > 1))
            Fail($"the name '{dup.Key}' is declared twice.");
        foreach (var s in model.States)
            foreach (var sym in s.Initial.Symbols().Where(n => !parameters.Contains(n) && n != ModelDefinition.TimestepSymbol))
                Fail($"the initial value of '{s.Name}' uses '{sym}', which is not a parameter (or dt, the time step).");
        foreach (var a in model.Aliases) CheckNames(a.Value, $"alias '{a.Name}'");
        foreach (var name in model.Parameters.Select(p => p.Name).Concat(model.States.Select(s => s.Name)).Concat(aliases).Where(ModelDefinition.IsNoiseSymbol))
            Fail($"the name '{name}' is reserved for noise terms (xi, xi_NAME).");
        var noise = model.NoiseTerms;
        if (noise.Count > ModelDefinition.MaxNoiseTerms) Fail($"a model may use at most {ModelDefinition.MaxNoiseTerms} noise terms, not {noise.Count}.");
        foreach (var ode in model.Odes)
        {
            if (!states.Contains(ode.State)) Fail($"ODE for '{ode.State}', which is not a state variable.");
            // The noise terms are known in ODEs only; each enters linearly (dx = f·dt + g·dW).
            var rhs = model.ExpandAliases(ode.RightHandSide);
            foreach (var xi in noise.Where(rhs.Symbols().Contains))
                if (rhs.Derivative(xi).Symbols().Any(ModelDefinition.IsNoiseSymbol))
                    Fail($"the ODE of '{ode.State}' is not linear in the noise term '{xi}' (write it as f + g*{xi}, g free of noise terms).");
            foreach (var s in rhs.Symbols().Where(s => !known.Contains(s) && !ModelDefinition.IsNoiseSymbol(s)))
                Fail($"the ODE of '{ode.State}' uses unknown name '{s}' (known: {string.Join(", ", known.Order())}).");
            if (RandomDrawNumbering.Calls(rhs))
                Fail($"the ODE of '{ode.State}' calls uniform() directly; build the model with ModelBuilder, which numbers the draws.");
            if (CallsBinomial(rhs))
                Fail($"the ODE of '{ode.State}' calls binomial(), a draw of synapse event code (SynapseModel on_pre/on_post).");
        }
        if (noise.Count > 0 && model.Scheme is not (IntegrationScheme.Automatic or IntegrationScheme.EulerMaruyama or IntegrationScheme.Milstein))
            Fail($"the noise terms {string.Join(", ", noise)} need a stochastic scheme (EulerMaruyama or Milstein), not {model.Scheme}.");
        if (model.MaxSubstep is { } maxSubstep && !(maxSubstep > 0 && double.IsFinite(maxSubstep)))
            Fail($"the longest sub-step (MaxSubstep) must be a positive number of ms, not {maxSubstep}.");
        if (model.MaxSubstep is not null && (noise.Count > 0 || model.Scheme is IntegrationScheme.EulerMaruyama or IntegrationScheme.Milstein))
            Fail("sub-steps (MaxSubstep) are for the deterministic schemes; a stochastic model takes one step per dt.");
        foreach (var g in model.Odes.GroupBy(o => o.State).Where(g => g.Count() > 1)) Fail($"two ODEs for '{g.Key}'.");
        if (model.Threshold is not null) CheckNames(model.Threshold, "the threshold");
        foreach (var r in model.Reset)
        {
            if (!states.Contains(r.Target)) Fail($"reset assigns '{r.Target}', which is not a state variable.");
            CheckNames(r.Value, "the reset");
        }
        if (model.Refractory is { } refr)
        {
            foreach (var sym in refr.Period.Symbols().Where(n => !parameters.Contains(n)))
                Fail($"the refractory period uses '{sym}', which is not a parameter.");
            foreach (var c in refr.Clamp)
            {
                if (!states.Contains(c.Target)) Fail($"refractory clamp assigns '{c.Target}', which is not a state variable.");
                CheckNames(c.Value, "the refractory clamp");
            }
        }
        foreach (var r in model.Receptors)
        {
            if (!states.Contains(r.Target)) Fail($"receptor '{r.Name}' targets '{r.Target}', which is not a state variable.");
            foreach (var sym in r.Scale.Symbols().Where(n => !parameters.Contains(n)))
                Fail($"receptor '{r.Name}' scale uses '{sym}', which is not a parameter.");
        }
        UpdateBlockValidator.Validate(model, known);
        if (model.Kind == ModelKind.SpikeSource && model.SourceKind is null) Fail("a spike source must name its SourceKind.");
        if (model.ThresholdCrossing && model.Threshold is null) Fail("ThresholdCrossing needs a threshold.");
        if (model.RandomDraws is < 0 or > ModelDefinition.MaxRandomDraws) Fail($"RandomDraws must be 0 to {ModelDefinition.MaxRandomDraws}.");
        foreach (var p in model.Parameters.Where(p => p.Shape == ParameterShape.Array && p.Length == 0))
            Fail($"array parameter '{p.Name}' needs at least one default element.");
    }

    private static bool CallsBinomial(Expr expr) => expr switch
    {
        CallExpr { Function: "binomial" } => true,
        CallExpr c => c.Arguments.Any(CallsBinomial),
        BinaryExpr b => CallsBinomial(b.Left) || CallsBinomial(b.Right),
        NegateExpr n => CallsBinomial(n.Operand),
        NotExpr n => CallsBinomial(n.Operand),
        ConditionalExpr c => CallsBinomial(c.Condition) || CallsBinomial(c.Then) || CallsBinomial(c.Else),
        _ => false,
    };
}
