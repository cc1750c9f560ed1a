using System.Text;
using Meta.Models;
using Meta.Models.Expressions;
using Meta.Models.Integration;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// Generates the C# source of one neuron model's step kernel from its <see cref="IntegrationPlan"/>
/// (docs/semantics.md): linear states by propagators, the others by exponential Euler or RK4, then the
/// refractory clamp, threshold and reset. The kernel updates cells [begin, end) of one population.
/// </summary>
internal static class KernelGenerator
{
    public const string MethodName = "Step";

    /// <summary>
    /// Generates the kernel class. <paramref name="constants"/> holds the values of parameters, coefficients and
    /// receptor scales (<c>__scale__RECEPTOR</c>) that are equal for every cell of the population: they are written
    /// into the code as literals, so the compiler folds them.
    /// </summary>
    public static string Generate(ModelDefinition model, string className, IReadOnlyDictionary<string, double> constants)
    {
        var plan = IntegrationPlan.For(model);
        var states = model.States.Select(s => s.Name).ToList();
        var parameters = model.Parameters.Where(p => p.Shape == ParameterShape.Scalar).Select(p => p.Name).ToList();
        var linear = plan.Linear.SelectMany(c => c.States).ToHashSet();
        var coefficientNames = plan.Coefficients.Select(c => c.Name).ToList();

        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from model '{model.Name}'. Scheme: {plan.Scheme}; linear states: {string.Join(", ", linear)}.");
        sb.AppendLine("    // (exp(b*dt) - 1)/b, by its Taylor series where |b*dt| < 0.05 (relative error < 1e-13), else exactly.");
        sb.AppendLine("    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        sb.AppendLine("    private static double Phi(double b, double dt)");
        sb.AppendLine("    {");
        sb.AppendLine("        double x = b * dt;");
        sb.AppendLine("        if (Math.Abs(x) < 0.05) return dt * (1.0 + x * (1.0 / 2 + x * (1.0 / 6 + x * (1.0 / 24 + x * (1.0 / 120 + x * (1.0 / 720 + x * (1.0 / 5040 + x / 40320)))))));");
        sb.AppendLine("        return (Math.Exp(x) - 1.0) / b;");
        sb.AppendLine("    }");
        sb.AppendLine("    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        sb.AppendLine($"    public static void {MethodName}(int begin, int end, double[][] S, double[][] P, double[][] C, double[] IINJ, int[] REFR, int[] NREF, byte[] SPIKED, double[][] RING, double[][] RSCALE, int slot, double dt, double t)");
        sb.AppendLine("    {");
        for (int k = 0; k < states.Count; k++) sb.AppendLine($"        double[] S_{Id(states[k])} = S[{k}];");
        for (int k = 0; k < parameters.Count; k++)
            if (!constants.ContainsKey(parameters[k])) sb.AppendLine($"        double[] P_{Id(parameters[k])} = P[{k}];");
        for (int k = 0; k < coefficientNames.Count; k++)
            if (!constants.ContainsKey(coefficientNames[k])) sb.AppendLine($"        double[] C_{Id(coefficientNames[k])} = C[{k}];");
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            sb.AppendLine($"        double[] R_{r} = RING[{r}];");
            if (!constants.ContainsKey(ScaleName(model.Receptors[r].Name))) sb.AppendLine($"        double[] RS_{r} = RSCALE[{r}];");
        }
        sb.AppendLine("        for (int i = begin; i < end; i++)");
        sb.AppendLine("        {");
        foreach (var s in states) sb.AppendLine($"            double s_{Id(s)} = S_{Id(s)}[i];");
        sb.AppendLine("            double i_inj = IINJ[i];");
        // Input that arrives in this step, added to the receptors' targets and cleared from the ring.
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            var rec = model.Receptors[r];
            string scale = constants.TryGetValue(ScaleName(rec.Name), out double sc) ? (sc == 1.0 ? "" : $" * {Literal(sc)}") : $" * RS_{r}[i]";
            sb.AppendLine($"            s_{Id(rec.Target)} += R_{r}[slot + i]{scale};");
            sb.AppendLine($"            R_{r}[slot + i] = 0.0;");
        }
        sb.AppendLine("            byte spiked = 0;");

        // Linear subsystem: mid-step values (if read) and end-of-step values, from start values.
        var writer = Writer(constants, parameters, coefficientNames, name => linear.Contains(name) ? $"s_{Id(name)}" : $"s_{Id(name)}");
        foreach (var c in plan.Linear)
        {
            for (int i = 0; i < c.States.Count; i++)
            {
                var x = c.States[i];
                if (plan.MidStepNeeded.Contains(x)) sb.AppendLine($"            double s_{Id(x)}__mid = {writer.Number(c.Propagate(i, mid: true))};");
                sb.AppendLine($"            double s_{Id(x)}__end = {writer.Number(c.Propagate(i, mid: false))};");
            }
        }

        var clampTargets = model.Refractory?.Clamp.Select(a => a.Target).ToHashSet() ?? [];
        if (model.Refractory is not null)
        {
            sb.AppendLine("            if (REFR[i] > 0)");
            sb.AppendLine("            {");
            sb.AppendLine("                REFR[i]--;");
            var clampWriter = Writer(constants, parameters, coefficientNames, n => linear.Contains(n) ? $"s_{Id(n)}__end" : $"s_{Id(n)}");
            foreach (var a in model.Refractory.Clamp) sb.AppendLine($"                {Assign(a, clampWriter)}");
            EmitIntegration(sb, plan, plan.Nonlinear.Where(n => !n.Clamped).ToList(), constants, parameters, coefficientNames, linear, "                ");
            sb.AppendLine("            }");
            sb.AppendLine("            else");
            sb.AppendLine("            {");
            EmitIntegration(sb, plan, plan.Nonlinear, constants, parameters, coefficientNames, linear, "                ");
            EmitThreshold(sb, model, constants, parameters, coefficientNames, linear, "                ", hasRefractory: true);
            sb.AppendLine("            }");
        }
        else
        {
            EmitIntegration(sb, plan, plan.Nonlinear, constants, parameters, coefficientNames, linear, "            ");
            EmitThreshold(sb, model, constants, parameters, coefficientNames, linear, "            ", hasRefractory: false);
        }

        foreach (var s in states)
            sb.AppendLine(linear.Contains(s) && !ResetTargets(model).Contains(s)
                ? $"            S_{Id(s)}[i] = s_{Id(s)}__end;"
                : $"            S_{Id(s)}[i] = s_{Id(s)};");
        sb.AppendLine("            SPIKED[i] = spiked;");
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static HashSet<string> ResetTargets(ModelDefinition model) => model.Reset.Select(r => r.Target).ToHashSet();

    private static void EmitThreshold(StringBuilder sb, ModelDefinition model, IReadOnlyDictionary<string, double> constants, List<string> parameters, List<string> coefficients,
        HashSet<string> linear, string indent, bool hasRefractory)
    {
        if (model.Threshold is null) return;
        var resetTargets = ResetTargets(model);
        // Linear states assigned by the reset are first copied to their locals so the reset can modify them.
        foreach (var x in linear.Where(resetTargets.Contains)) sb.AppendLine($"{indent}s_{Id(x)} = s_{Id(x)}__end;");
        var w = Writer(constants, parameters, coefficients, n => linear.Contains(n) && !resetTargets.Contains(n) ? $"s_{Id(n)}__end" : $"s_{Id(n)}");
        sb.AppendLine($"{indent}if ({w.Bool(model.Threshold)})");
        sb.AppendLine($"{indent}{{");
        sb.AppendLine($"{indent}    spiked = 1;");
        foreach (var a in model.Reset) sb.AppendLine($"{indent}    {Assign(a, w)}");
        if (hasRefractory) sb.AppendLine($"{indent}    REFR[i] = NREF[i];");
        sb.AppendLine($"{indent}}}");
    }

    private static string Assign(AssignmentDefinition a, CSharpExpressionWriter w) =>
        $"s_{Id(a.Target)} {(a.Increment ? "+=" : "=")} {w.Number(a.Value)};";

    private static void EmitIntegration(StringBuilder sb, IntegrationPlan plan, IReadOnlyList<NonlinearState> targets,
        IReadOnlyDictionary<string, double> constants, List<string> parameters, List<string> coefficients, HashSet<string> linear, string indent)
    {
        if (targets.Count == 0) return;
        var targetNames = targets.Select(t => t.Name).ToHashSet();
        if (plan.Scheme == IntegrationScheme.ExponentialEuler)
        {
            var w = Writer(constants, parameters, coefficients, n => linear.Contains(n) ? $"s_{Id(n)}__mid" : $"s_{Id(n)}", time: "(t + 0.5 * dt)");
            foreach (var x in targets)
            {
                // The factor is a per-cell coefficient when B depends on parameters only, else phi(B) evaluated here.
                string factor = x.Factor is SymbolExpr ? w.Number(x.Factor) : $"Phi({w.Number(x.SelfCoefficient!)}, dt)";
                sb.AppendLine($"{indent}double d_{Id(x.Name)} = ({w.Number(x.RightHandSide)}) * {factor};");
            }
            foreach (var x in targets) sb.AppendLine($"{indent}s_{Id(x.Name)} += d_{Id(x.Name)};");
            return;
        }
        // Classical RK4 over the targets; other states are held; linear states at start, mid and end of step.
        string[] linearSuffix = ["", "__mid", "__mid", "__end"];
        string[] time = ["t", "(t + 0.5 * dt)", "(t + 0.5 * dt)", "(t + dt)"];
        string[] scale = ["", "0.5 * dt", "0.5 * dt", "dt"];
        for (int stage = 0; stage < 4; stage++)
        {
            int st = stage;
            var w = Writer(constants, parameters, coefficients, n =>
                linear.Contains(n) ? $"s_{Id(n)}{linearSuffix[st]}"
                : targetNames.Contains(n) && st > 0 ? $"(s_{Id(n)} + {scale[st]} * k{st}_{Id(n)})"
                : $"s_{Id(n)}", time[st]);
            foreach (var x in targets)
                sb.AppendLine($"{indent}double k{stage + 1}_{Id(x.Name)} = {w.Number(x.RightHandSide)};");
        }
        foreach (var x in targets)
        {
            string n = Id(x.Name);
            sb.AppendLine($"{indent}s_{n} += dt / 6.0 * (k1_{n} + 2.0 * k2_{n} + 2.0 * k3_{n} + k4_{n});");
        }
    }

    private static CSharpExpressionWriter Writer(IReadOnlyDictionary<string, double> constants, List<string> parameters, List<string> coefficients,
        Func<string, string> state, string time = "t")
    {
        var p = parameters.ToHashSet();
        var c = coefficients.ToHashSet();
        return new CSharpExpressionWriter(constants, name =>
            name == "dt" ? "dt"
            : name == "t" ? time
            : name == ModelDefinition.InjectedCurrent ? "i_inj"
            : constants.TryGetValue(name, out double value) ? Literal(value)
            : c.Contains(name) ? $"C_{Id(name)}[i]"
            : p.Contains(name) ? $"P_{Id(name)}[i]"
            : state(name));
    }

    /// <summary>The constants key of a receptor's weight scale.</summary>
    public static string ScaleName(string receptor) => "__scale__" + receptor;

    private static string Literal(double value) => new CSharpExpressionWriter(new Dictionary<string, double>(), _ => "").Number(Expr.Const(value));

    /// <summary>A C# identifier fragment for a model name (dots of namespaced names become double underscores).</summary>
    public static string Id(string name) => name.Replace(".", "__", StringComparison.Ordinal);
}
