using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Models;

namespace Meta.Lowering.Kernels;

/// <summary>
/// Exact delivery of off-grid spikes (docs/semantics.md, "Exact delivery"), decided from the model language: a receptor
/// qualifies when its target is a synaptic state x with <c>dx/dt = −k·x</c> (k an expression of parameters only, so the
/// state decays exponentially and the weight enters linearly), no noise on x, and every other state's equation is linear in
/// x with a slope ∂f/∂x that does not depend on x. A spike arriving Δ' ms before the grid point where it lands then adds
/// <c>w·exp(−k·Δ')</c> to x (exact) and the charge that flowed before the grid point, <c>w·(1 − exp(−k·Δ'))/k</c>, to every
/// other state z through <c>∂f_z/∂x</c> (exact to second order in Δ': the change of z and of its slope during Δ' is left
/// out). The delivery carries two sums per such receptor: Σw in the receptor's ring, Σw·(1 − exp(−k·Δ')) in a second ring
/// (<see cref="OffGridDelivery"/>), which spikes on the grid and synapses with dynamics leave empty (delivery on the grid).
/// Voltage jumps and receptors whose target does not decay this way stay on the grid (named in a warning).
/// </summary>
public static class ExactDelivery
{
    /// <summary>The name of the second ring of receptor <paramref name="receptor"/> in <see cref="NeuronGroupProgram.Receptors"/>.</summary>
    public static string DecayedName(string receptor) => receptor + "~offgrid";

    /// <summary>What exact delivery into one receptor needs: the decay rate k of its state and the slope of each other state.</summary>
    /// <param name="Receptor">The receptor's position in the model's receptors.</param>
    /// <param name="Rate">k (1/ms), an expression of the model's parameters.</param>
    /// <param name="Slopes">Per other state z with ∂f_z/∂x ≠ 0: that slope, an expression of states and parameters.</param>
    public sealed record Plan(int Receptor, Expr Rate, IReadOnlyList<(string State, Expr Slope)> Slopes);

    /// <summary>The plans of <paramref name="model"/>'s receptors that qualify, in receptor order.</summary>
    public static IReadOnlyList<Plan> For(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var plans = new List<Plan>();
        for (int r = 0; r < model.Receptors.Count; r++)
            if (PlanOf(model, r) is { } plan) plans.Add(plan);
        return plans;
    }

    /// <summary>The receptors of <paramref name="model"/> that do not qualify (their spikes are delivered on the grid).</summary>
    public static IReadOnlyList<string> OnGridReceptors(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var exact = For(model).Select(p => p.Receptor).ToHashSet();
        return model.Receptors.Where((_, r) => !exact.Contains(r)).Select(r => r.Name).ToArray();
    }

    /// <summary>
    /// The limits of exact delivery into <paramref name="model"/>'s receptors, one line each: receptors delivered on the grid,
    /// and receptors whose charge reaches a state that drives further states (an alpha synapse's current, which then moves
    /// the membrane): those are right to first order in the offset only, their error second order.
    /// </summary>
    public static IReadOnlyList<string> Limits(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var lines = new List<string>();
        var onGrid = OnGridReceptors(model);
        if (onGrid.Count > 0)
            lines.Add($"receptor(s) {string.Join(", ", onGrid.Select(r => $"'{r}'"))} receive off-grid spikes on the grid (exact delivery needs a synaptic state " +
                      "with dx/dt = -x/tau and a linear input; voltage jumps and other forms keep grid delivery)");
        ISet<string> threshold = model.Threshold is null ? new HashSet<string>() : model.Threshold.Symbols();
        foreach (var plan in For(model))
        {
            // A state other than the membrane (the threshold's) that takes the charge and drives further states.
            var chained = plan.Slopes.Select(x => x.State).Where(z => !threshold.Contains(z)
                && model.Odes.Any(o => o.State != z && model.ExpandAliases(o.RightHandSide).Symbols().Contains(z))).ToArray();
            if (chained.Length > 0)
                lines.Add($"receptor '{model.Receptors[plan.Receptor].Name}': off-grid spikes shift {model.Receptors[plan.Receptor].Target} exactly but " +
                          $"{string.Join(", ", chained)} (which drives other states) only to first order in the offset (error second order, as for an alpha synapse's current)");
        }
        return lines;
    }

    private static Plan? PlanOf(ModelDefinition model, int receptor)
    {
        var rec = model.Receptors[receptor];
        if (rec.Kind == ReceptorKind.VoltageJump || model.HasUpdateBlock) return null;
        var states = model.States.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var ode = model.Odes.FirstOrDefault(o => o.State == rec.Target);
        if (ode is null) return null;
        var f = model.ExpandAliases(ode.RightHandSide);
        if (f.Symbols().Any(ModelDefinition.IsNoiseSymbol) || f.Symbols().Contains(KernelSymbols.Time)) return null;
        // dx/dt = −k·x: f is 0 at x = 0 and its slope in x holds no state (nor time).
        if (f.Substitute(rec.Target, 0.0).Simplify() is not NumberExpr { Value: 0 }) return null;
        var rate = new NegateExpr(f.Derivative(rec.Target)).Simplify();
        if (rate.Symbols().Any(n => states.Contains(n) || n == KernelSymbols.Time)) return null;
        if (model.Reset.Any(a => a.Target == rec.Target) || (model.Refractory?.Clamp.Any(a => a.Target == rec.Target) ?? false)) return null;
        var slopes = new List<(string, Expr)>();
        foreach (var other in model.Odes.Where(o => o.State != rec.Target))
        {
            var g = model.ExpandAliases(other.RightHandSide);
            if (!g.Symbols().Contains(rec.Target)) continue;
            var slope = g.Derivative(rec.Target);
            // Linear in x: the slope does not depend on x itself.
            if (slope.Symbols().Contains(rec.Target)) return null;
            if (slope is NumberExpr { Value: 0 }) continue;
            slopes.Add((other.State, slope));
        }
        return new Plan(receptor, rate, slopes);
    }

    /// <summary>
    /// Per population, the receptors that receive spikes with offsets from the grid: those of the static projections (no
    /// synapse kernel) whose source population's spikes carry offsets (<paramref name="preciseSpikes"/>, by population).
    /// Exactly these projections take exact delivery in <see cref="Attach"/>, so a second ring is made only where one is written.
    /// </summary>
    public static IReadOnlySet<int>[] OffsetReceptors(IReadOnlyList<SynapseGroupProgram> projections, IReadOnlyList<bool> preciseSpikes)
    {
        ArgumentNullException.ThrowIfNull(projections);
        ArgumentNullException.ThrowIfNull(preciseSpikes);
        var result = Enumerable.Range(0, preciseSpikes.Count).Select(_ => new HashSet<int>()).ToArray();
        foreach (var p in projections)
            if (p.Kernel is null && preciseSpikes[p.PreGroup]) result[p.PostGroup].Add(p.Receptor);
        return result;
    }

    /// <summary>
    /// Attaches the second ring to every static projection of <paramref name="projections"/> from a group whose spikes carry
    /// offsets onto a qualifying receptor of a group in <paramref name="groups"/> (the second ring is the one the post
    /// group's <see cref="NeuronGroupProgram.Receptors"/> names <see cref="DecayedName"/> of the receptor), with the decay rate of every post cell evaluated from the post
    /// population's parameters (<see cref="OffGridDelivery.CellRates"/>). Others are returned as they are (delivery on the grid).
    /// </summary>
    public static IReadOnlyList<SynapseGroupProgram> Attach(IReadOnlyList<SynapseGroupProgram> projections, IReadOnlyList<CellGroupProgram> groups,
        Func<int, ModelDefinition?> modelOf, Func<int, IReadOnlyDictionary<string, double[]>> parametersOf)
    {
        ArgumentNullException.ThrowIfNull(projections);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(modelOf);
        ArgumentNullException.ThrowIfNull(parametersOf);
        var result = new SynapseGroupProgram[projections.Count];
        var plans = new Dictionary<int, IReadOnlyList<Plan>>();
        var rates = new Dictionary<(int, int), IReadOnlyList<double>>();
        for (int i = 0; i < projections.Count; i++)
        {
            var p = projections[i];
            result[i] = p;
            if (p.Kernel is not null || !Backends.Runtime.SpikeBlockBuilder.IsPrecise(groups[p.PreGroup]) || modelOf(p.PostGroup) is not { } model
                || groups[p.PostGroup] is not NeuronGroupProgram post) continue;
            if (!plans.TryGetValue(p.PostGroup, out var mine)) plans[p.PostGroup] = mine = For(model);
            if (mine.FirstOrDefault(x => x.Receptor == p.Receptor) is not { } plan) continue; // a receptor that does not qualify: on the grid
            // The lowering of the post population named the second ring (DecayedName) of every qualifying receptor that spikes
            // with offsets reach (OffsetReceptors); a missing one means the two disagree on which groups' spikes carry offsets,
            // which must not fall back silently to delivery on the grid.
            string name = DecayedName(model.Receptors[p.Receptor].Name);
            int ring = post.Receptors.ToList().IndexOf(name);
            if (ring < 0)
                throw new InvalidOperationException(
                    $"Projection '{p.Label}': its pre group '{groups[p.PreGroup].Label}' sends spikes with offsets onto receptor " +
                    $"'{model.Receptors[p.Receptor].Name}' of '{post.Label}', which has no second ring '{name}' (rings: {string.Join(", ", post.Receptors)}); " +
                    "the lowering and the spike blocks disagree on which spikes carry offsets. This is a bug in Meta, please report it.");
            if (!rates.TryGetValue((p.PostGroup, p.Receptor), out var perCell))
                rates[(p.PostGroup, p.Receptor)] = perCell = Uniform(Rates(plan.Rate, parametersOf(p.PostGroup), groups[p.PostGroup].Size));
            result[i] = p with { OffGrid = new OffGridDelivery(ring, perCell) };
        }
        return result;
    }

    /// <summary>The rates as one <see cref="RepeatedValue{T}"/> when every cell has the same one, else as they are.</summary>
    private static IReadOnlyList<double> Uniform(double[] perCell) =>
        perCell.Length > 0 && perCell.All(k => k == perCell[0]) ? new RepeatedValue<double>(perCell[0], perCell.Length) : perCell;

    /// <summary>The decay rate of every cell: <paramref name="rate"/> evaluated with each cell's parameters; a rate that is not positive and finite is an error.</summary>
    public static double[] Rates(Expr rate, IReadOnlyDictionary<string, double[]> parameters, int size)
    {
        ArgumentNullException.ThrowIfNull(rate);
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new double[size];
        for (int j = 0; j < size; j++)
        {
            double k = rate.Evaluate(n => parameters.TryGetValue(n, out var v) ? v[j]
                : throw new InvalidModelException($"Exact off-grid delivery: the decay rate {rate} reads '{n}', which is not a parameter."));
            if (!(k > 0) || double.IsInfinity(k))
                throw new InvalidParameterValueException($"Exact off-grid delivery needs a positive decay rate {rate} of the synaptic state; cell {j} has {k} 1/ms.");
            result[j] = k;
        }
        return result;
    }
}
