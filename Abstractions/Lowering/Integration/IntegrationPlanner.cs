using Meta.Models;
using System.Runtime.CompilerServices;
using Meta.Expressions;

namespace Meta.Lowering;

/// <summary>Derives an <see cref="IntegrationPlan"/> from a model's equations.</summary>
internal static class IntegrationPlanner
{
    private static readonly ConditionalWeakTable<ModelDefinition, IntegrationPlan> s_cache = new();

    public static IntegrationPlan Plan(ModelDefinition model) => s_cache.GetValue(model, Build);

    private static IntegrationPlan Build(ModelDefinition model)
    {
        var parameters = model.KernelParameters.ToHashSet();
        var stateNames = model.States.Select(s => s.Name).ToList();
        var states = stateNames.ToHashSet();
        var rhs = model.Odes.ToDictionary(o => o.State, o => model.ExpandAliases(o.RightHandSide).Simplify());
        var clamped = model.Refractory?.Clamp.Select(c => c.Target).ToHashSet() ?? [];
        // States driven by noise terms are integrated by the stochastic scheme, never exactly.
        var noisy = stateNames.Where(s => rhs.ContainsKey(s) && rhs[s].Symbols().Any(ModelDefinition.IsNoiseSymbol)).ToHashSet();

        // 1. The linear subsystem: a fixed point of "linear with parameter-only coefficients in linear states".
        var linear = stateNames.Where(s => rhs.ContainsKey(s) && !clamped.Contains(s) && !noisy.Contains(s)).ToHashSet();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var x in linear.ToList())
            {
                var f = rhs[x];
                var used = f.Symbols();
                bool ok = !used.Contains(ModelDefinition.InjectedCurrent) && !used.Contains("t")
                          && used.Where(states.Contains).All(linear.Contains)
                          && used.Where(states.Contains).All(y => f.Derivative(y).Symbols().All(parameters.Contains));
                if (!ok) { linear.Remove(x); changed = true; }
            }
        }

        // 2. Components of the linear subsystem (undirected dependency graph), in declaration order.
        var components = new List<LinearComponent>();
        var coefficients = new List<CoefficientDefinition>();
        var assigned = new HashSet<string>();
        var nonlinearNames = stateNames.Where(s => rhs.ContainsKey(s) && !linear.Contains(s)).ToList();
        var scheme = ChooseScheme(model, rhs, nonlinearNames);
        bool stochastic = scheme is IntegrationScheme.EulerMaruyama or IntegrationScheme.Milstein;
        // The stochastic schemes read the linear states at the start of the step; the others at mid-step.
        var midNeeded = stochastic ? [] : nonlinearNames.SelectMany(n => rhs[n].Symbols()).Where(linear.Contains).ToHashSet();
        foreach (var seed in stateNames.Where(linear.Contains))
        {
            if (!assigned.Add(seed)) continue;
            var members = new List<string> { seed };
            for (int at = 0; at < members.Count; at++)
            {
                var x = members[at];
                var neighbours = rhs[x].Symbols().Where(linear.Contains)
                    .Concat(linear.Where(y => rhs[y].Symbols().Contains(x)));
                foreach (var y in neighbours) if (assigned.Add(y)) members.Add(y);
            }
            members.Sort((a, b) => stateNames.IndexOf(a).CompareTo(stateNames.IndexOf(b)));
            components.Add(MakeComponent(members, rhs));
        }
        foreach (var c in components)
            coefficients.AddRange(c.CoefficientNames(c.States.Any(midNeeded.Contains)).Select(n => new CoefficientDefinition(n, null)));

        // 3. The other states, by the scheme chosen.
        var nonlinear = new List<NonlinearState>();
        foreach (var x in nonlinearNames)
        {
            var f = rhs[x];
            if (stochastic)
            {
                var drift = f.Substitute(n => ModelDefinition.IsNoiseSymbol(n) ? Expr.Const(0) : null).Simplify();
                var terms = model.NoiseTerms.Select((xi, k) => (xi, k)).Where(p => f.Symbols().Contains(p.xi)).Select(p =>
                {
                    var g = f.Derivative(p.xi);
                    return new NoiseTerm(p.k, g, scheme == IntegrationScheme.Milstein ? g.Derivative(x) : null);
                }).ToArray();
                nonlinear.Add(new NonlinearState(x, drift, null, null, clamped.Contains(x)) { Noise = terms });
            }
            else if (scheme is IntegrationScheme.ExponentialEuler or IntegrationScheme.ExponentialMidpoint)
            {
                var b = f.Derivative(x);
                if (b.Symbols().Contains(x))
                    throw new InvalidModelException($"Model '{model.Name}': exponential integration needs d({x})/dt linear in {x}; use RK4.");
                Expr factor;
                var phi = Phi(b);
                if (b.Symbols().All(parameters.Contains))
                {
                    string name = $"__F__{x}";
                    coefficients.Add(new CoefficientDefinition(name, phi));
                    factor = Expr.Symbol(name);
                }
                else factor = phi;
                nonlinear.Add(new NonlinearState(x, f, b, factor, clamped.Contains(x)));
            }
            else nonlinear.Add(new NonlinearState(x, f, null, null, clamped.Contains(x)));
        }
        return new IntegrationPlan(model, components, nonlinear, scheme, coefficients, midNeeded);
    }

    /// <summary>
    /// The model's scheme; for <see cref="IntegrationScheme.Automatic"/>, Euler–Maruyama for noise terms, else exponential
    /// Euler when each non-linear state is linear in itself (the midpoint variant when they are coupled), else RK4.
    /// </summary>
    private static IntegrationScheme ChooseScheme(ModelDefinition model, Dictionary<string, Expr> rhs, List<string> nonlinearNames)
    {
        var scheme = model.Scheme;
        if (scheme == IntegrationScheme.Milstein) CheckDiagonalNoise(model, rhs);
        if (scheme != IntegrationScheme.Automatic) return scheme;
        if (model.NoiseTerms.Count > 0) return IntegrationScheme.EulerMaruyama;
        bool allSelfLinear = nonlinearNames.All(x => !rhs[x].Derivative(x).Symbols().Contains(x));
        // Coupled self-linear states need the midpoint variant to stay second order; a single one (the LIF family's v) does not.
        bool coupled = nonlinearNames.Any(x => rhs[x].Symbols().Any(y => y != x && nonlinearNames.Contains(y)));
        return !allSelfLinear ? IntegrationScheme.RungeKutta4
            : coupled ? IntegrationScheme.ExponentialMidpoint : IntegrationScheme.ExponentialEuler;
    }

    /// <summary>
    /// Milstein's correction here is that of diagonal noise: each noise term drives one state, and its coefficient depends
    /// on no other noisy state (otherwise the scheme would need the Lévy areas of pairs of Wiener processes).
    /// </summary>
    private static void CheckDiagonalNoise(ModelDefinition model, Dictionary<string, Expr> rhs)
    {
        var noisy = rhs.Where(p => p.Value.Symbols().Any(ModelDefinition.IsNoiseSymbol)).Select(p => p.Key).ToHashSet();
        foreach (var xi in model.NoiseTerms)
        {
            var driven = rhs.Where(p => p.Value.Symbols().Contains(xi)).Select(p => p.Key).ToArray();
            if (driven.Length > 1)
                throw new InvalidModelException($"Model '{model.Name}': Milstein needs diagonal noise, but '{xi}' drives {string.Join(" and ", driven)}; give each its own xi_NAME or use EulerMaruyama.");
            var g = rhs[driven[0]].Derivative(xi);
            if (g.Symbols().FirstOrDefault(y => y != driven[0] && noisy.Contains(y)) is { } other)
                throw new InvalidModelException($"Model '{model.Name}': Milstein needs diagonal noise, but the coefficient of '{xi}' in the ODE of '{driven[0]}' depends on the noisy state '{other}'; use EulerMaruyama.");
        }
    }

    /// <summary>(exp(B·dt) − 1)/B, or dt where B = 0.</summary>
    private static Expr Phi(Expr b)
    {
        var dt = Expr.Symbol("dt");
        if (b is NumberExpr { Value: 0 }) return dt;
        return new ConditionalExpr(new BinaryExpr(BinaryOperator.Equal, b, 0.0), dt,
            (new CallExpr("exp", [b * dt]) - 1.0) / b).Simplify();
    }

    private static LinearComponent MakeComponent(List<string> members, Dictionary<string, Expr> rhs)
    {
        int k = members.Count;
        var jac = new Expr[k][];
        var constant = new Expr[k];
        var direct = new bool[k, k];
        for (int i = 0; i < k; i++)
        {
            var f = rhs[members[i]];
            jac[i] = new Expr[k];
            for (int j = 0; j < k; j++)
            {
                jac[i][j] = f.Derivative(members[j]);
                direct[i, j] = jac[i][j] is not NumberExpr { Value: 0 };
            }
            constant[i] = f.Substitute(n => members.Contains(n) ? Expr.Const(0) : null).Simplify();
        }
        // Structure of the propagator: entry (i, j) is non-zero when j reaches i through the Jacobian.
        var reach = new bool[k, k];
        for (int i = 0; i < k; i++) { reach[i, i] = true; for (int j = 0; j < k; j++) reach[i, j] |= direct[i, j]; }
        for (int m = 0; m < k; m++)
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                    reach[i, j] |= reach[i, m] && reach[m, j];
        var affine = new bool[k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                affine[i] |= reach[i, j] && constant[j] is not NumberExpr { Value: 0 };
        return new LinearComponent(members, jac, constant, reach, affine);
    }
}
