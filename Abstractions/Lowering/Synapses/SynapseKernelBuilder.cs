using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Models;

namespace Meta.Lowering.Synapses;

/// <summary>
/// Lowers a <see cref="SynapseModel"/> and its per-synapse values into a <see cref="SynapseKernel"/>, once for every backend:
/// states are loaded into locals, exact decays are applied from the synapse's last event time, assignments update the
/// locals in order, <c>transmit</c> becomes <see cref="Transmit"/>, <c>uniform()</c> becomes numbered draws, and the changed
/// states are stored. A parameter with one value for every synapse becomes a uniform buffer (a new kernel is made if that
/// changes), so a kernel holds no value and is keyed by its structure.
/// </summary>
public static class SynapseKernelBuilder
{
    /// <summary>The kernel of <paramref name="model"/> for synapses whose parameter values are <paramref name="parameters"/>.</summary>
    /// <param name="model">The synapse type.</param>
    /// <param name="parameters">Every parameter of the model, one value per synapse.</param>
    public static SynapseKernel Build(SynapseModel model, IReadOnlyDictionary<string, double[]> parameters)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(parameters);
        var buffers = new List<BufferDeclaration>();
        foreach (var s in model.States) buffers.Add(new(s.Name, BufferRole.State, Storage.PerCell));
        if (model.Decays.Count > 0) buffers.Add(new(SynapseKernel.LastUpdate, BufferRole.State, Storage.PerCell));
        foreach (var p in model.Parameters)
        {
            var values = parameters.TryGetValue(p.Name, out var v) ? v : throw new InvalidModelException($"Synapse type '{model.Name}': no values for parameter '{p.Name}'.");
            buffers.Add(new(p.Name, BufferRole.Parameter, IsUniform(values) ? Storage.Uniform : Storage.PerCell));
        }
        var pre = Event(model, model.OnPre, out int preDraws);
        var post = Event(model, model.OnPost, out int postDraws);
        return new SynapseKernel
        {
            Model = model.Name,
            Buffers = buffers,
            OnPre = pre,
            OnPost = post,
            PreDraws = preDraws,
            PostDraws = postDraws,
        };
    }

    /// <summary>
    /// The buffer values of <paramref name="kernel"/>: parameters (one value where uniform) and the initial states, each
    /// state's initial value evaluated per synapse from its parameters unless <paramref name="states"/> gives it.
    /// </summary>
    public static Dictionary<string, double[]> Values(SynapseModel model, SynapseKernel kernel, IReadOnlyDictionary<string, double[]> parameters,
        IReadOnlyDictionary<string, double[]> states, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(kernel);
        var values = new Dictionary<string, double[]>();
        foreach (var b in kernel.Buffers.Where(b => b.Role == BufferRole.Parameter))
            values[b.Name] = b.Storage == Storage.Uniform ? [parameters[b.Name].Length > 0 ? parameters[b.Name][0] : 0.0] : (double[])parameters[b.Name].Clone();
        foreach (var s in model.States)
        {
            if (states.TryGetValue(s.Name, out var given)) { values[s.Name] = (double[])given.Clone(); continue; }
            var initial = new double[count];
            for (int k = 0; k < count; k++)
            {
                int at = k;
                initial[k] = s.Initial.Evaluate(name => parameters[name][at]);
            }
            values[s.Name] = initial;
        }
        if (kernel.Buffer(SynapseKernel.LastUpdate) is not null) values[SynapseKernel.LastUpdate] = new double[count];
        return values;
    }

    /// <summary>Whether every value is the same (bit for bit).</summary>
    public static bool IsUniform(double[] values)
    {
        for (int k = 1; k < values.Length; k++)
            if (BitConverter.DoubleToInt64Bits(values[k]) != BitConverter.DoubleToInt64Bits(values[0])) return false;
        return true;
    }

    private static List<Statement> Event(SynapseModel model, IReadOnlyList<SynapseStatement> code, out int draws)
    {
        draws = 0;
        var statements = new List<Statement>();
        if (code.Count == 0) return statements;
        var stateNames = model.States.Select(s => s.Name).ToHashSet();
        // The states this event touches: read or written by its code, and every decaying state (its decay is part of the event).
        var used = model.States.Select(s => s.Name)
            .Where(n => model.Decays.Any(d => d.State == n) || code.Any(c => c.Target == n || c.Value.Symbols().Contains(n)))
            .ToList();
        foreach (var n in used) statements.Add(new Let(KernelSymbols.Local(n), Expr.Symbol(n)));
        Expr Locals(Expr e) => e.Substitute(n => stateNames.Contains(n) ? Expr.Symbol(KernelSymbols.Local(n)) : null);
        if (model.Decays.Count > 0)
        {
            string elapsed = KernelSymbols.Local("__elapsed");
            statements.Add(new Let(elapsed, Expr.Symbol(KernelSymbols.Time) - Expr.Symbol(SynapseKernel.LastUpdate)));
            foreach (var d in model.Decays)
            {
                string local = KernelSymbols.Local(d.State);
                var factor = new CallExpr("exp", [-Expr.Symbol(elapsed) / d.TimeConstant]);
                statements.Add(new Assign(local, (Expr.Symbol(local) * factor).Simplify()));
            }
        }
        var written = new HashSet<string>(model.Decays.Select(d => d.State));
        int next = 0;
        foreach (var c in code)
        {
            var value = Locals(NumberDraws(c.Value, ref next));
            if (c.IsTransmit) { statements.Add(new Transmit(value.Simplify())); continue; }
            string local = KernelSymbols.Local(c.Target!);
            var assigned = c.Increment ? Expr.Symbol(local) + value : value;
            statements.Add(new Assign(local, assigned.Simplify()));
            written.Add(c.Target!);
        }
        foreach (var n in used.Where(written.Contains)) statements.Add(new Store(n, Expr.Symbol(KernelSymbols.Local(n))));
        if (model.Decays.Count > 0) statements.Add(new Store(SynapseKernel.LastUpdate, Expr.Symbol(KernelSymbols.Time)));
        draws = next;
        return statements;
    }

    private static Expr NumberDraws(Expr e, ref int next)
    {
        switch (e)
        {
            case CallExpr { Function: "uniform" }:
                return Expr.Symbol(KernelSymbols.UniformDraw(next++));
            case CallExpr { Function: KernelSymbols.Binomial, Arguments.Length: 2 } c:
            {
                // binomial(n, p) takes the event's next draw after those of its arguments: binomial(n, p, u).
                var n = NumberDraws(c.Arguments[0], ref next);
                var p = NumberDraws(c.Arguments[1], ref next);
                return new CallExpr(KernelSymbols.Binomial, [n, p, Expr.Symbol(KernelSymbols.UniformDraw(next++))]);
            }
            case CallExpr c:
            {
                var args = new Expr[c.Arguments.Length];
                for (int i = 0; i < args.Length; i++) args[i] = NumberDraws(c.Arguments[i], ref next);
                return new CallExpr(c.Function, [.. args]);
            }
            case BinaryExpr b:
            {
                var l = NumberDraws(b.Left, ref next);
                return new BinaryExpr(b.Operator, l, NumberDraws(b.Right, ref next));
            }
            case NegateExpr n: return new NegateExpr(NumberDraws(n.Operand, ref next));
            case NotExpr n: return new NotExpr(NumberDraws(n.Operand, ref next));
            case ConditionalExpr c:
            {
                var cond = NumberDraws(c.Condition, ref next);
                var then = NumberDraws(c.Then, ref next);
                return new ConditionalExpr(cond, then, NumberDraws(c.Else, ref next));
            }
            default: return e;
        }
    }
}
