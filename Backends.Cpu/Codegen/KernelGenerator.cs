using System.Text;
using Meta.Models;
using Meta.Expressions;
using Meta.Lowering;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// Generates the C# source of one neuron model's step kernel from its <see cref="IntegrationPlan"/>
/// (docs/semantics.md): receptor input of the step, linear states by propagators, the others by exponential Euler
/// or RK4, then the refractory clamp, threshold and reset. The kernel is SIMD: each <c>Vector&lt;double&gt;</c>
/// lane is one cell, branches become lane masks, so every cell takes the same arithmetic path whatever its
/// neighbours do (results do not depend on the number of threads). Arrays are padded to a multiple of the
/// vector width; a call updates the cells [begin, end), both multiples of the width.
/// </summary>
internal static class KernelGenerator
{
    public const string MethodName = "Step";

    /// <summary>The lane count of <c>Vector&lt;double&gt;</c> on this machine.</summary>
    public static int Width => System.Numerics.Vector<double>.Count;

    /// <summary>
    /// Generates the kernel class. <paramref name="constants"/> holds the values of parameters, coefficients and
    /// receptor scales (<c>__scale__RECEPTOR</c>) equal for every cell: they become literals the compiler folds.
    /// </summary>
    public static string Generate(ModelDefinition model, string className, IReadOnlyDictionary<string, double> constants)
    {
        var plan = IntegrationPlan.For(model);
        var states = model.States.Select(s => s.Name).ToList();
        var parameters = model.KernelParameters.ToList();
        var draws = Enumerable.Range(0, model.RandomDraws).Select(ModelDefinition.RandomDrawSymbol).ToList();
        var coefficients = plan.Coefficients.Select(c => c.Name).ToList();
        var linear = plan.Linear.SelectMany(c => c.States).ToHashSet();
        var resetTargets = model.Reset.Select(r => r.Target).ToHashSet();
        var clamp = model.Refractory?.Clamp ?? [];
        var clamped = clamp.Select(a => a.Target).ToHashSet();
        bool refractory = model.Refractory is not null;

        VectorExpressionWriter Writer(Func<string, string> state, string time = "t", CommonSubexpressions? shared = null) => new(constants, name =>
            name == "dt" ? "dt"
            : name == "t" ? time
            : name == ModelDefinition.InjectedCurrent ? "i_inj"
            : coefficients.Contains(name) ? $"C_{Id(name)}[j]"
            : parameters.Contains(name) ? $"P_{Id(name)}[j]"
            : draws.Contains(name) ? $"U_{draws.IndexOf(name)}[j]"
            : state(name), shared);
        // After the linear update, linear states are read at the end of the step (unless a reset assigns them).
        string AtEnd(string n) => linear.Contains(n) && !resetTargets.Contains(n) ? $"s_{Id(n)}__end" : $"s_{Id(n)}";

        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using System.Numerics;");
        sb.AppendLine("using System.Runtime.CompilerServices;");
        sb.AppendLine("using System.Runtime.InteropServices;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from model '{model.Name}'. Scheme: {plan.Scheme}; exactly integrated: {string.Join(", ", linear)}.");
        sb.AppendLine("    // (exp(b*dt) - 1)/b per lane: its Taylor series to x^10 where |b*dt| < 0.6 (relative error < 1e-11), else exp.");
        sb.AppendLine("    [MethodImpl(MethodImplOptions.AggressiveInlining)]");
        sb.AppendLine("    private static Vector<double> Phi(Vector<double> b, Vector<double> dt)");
        sb.AppendLine("    {");
        sb.AppendLine("        var x = b * dt;");
        sb.AppendLine("        var small = Vector.LessThan(Vector.Abs(x), new Vector<double>(0.6));");
        sb.AppendLine("        // Horner's scheme with fused multiply-adds, highest coefficient first: 1/11!·x + 1/10!, ..., then ·x + 1.");
        sb.AppendLine("        var r = new Vector<double>(1.0 / 39916800);");
        foreach (var factorial in new[] { "3628800", "362880", "40320", "5040", "720", "120", "24", "6", "2", "1" })
            sb.AppendLine($"        r = Vector.FusedMultiplyAdd(r, x, new Vector<double>(1.0 / {factorial}));");
        sb.AppendLine("        r *= dt;");
        sb.AppendLine("        if (Vector.EqualsAll(small, Vector<long>.AllBitsSet)) return r;");
        sb.AppendLine("        return Vector.ConditionalSelect(small, r, (Vector.Exp(x) - Vector<double>.One) / b);");
        sb.AppendLine("    }");
        sb.AppendLine("    private static class VMath");
        sb.AppendLine("    {");
        foreach (var f in new[] { "Sin", "Cos", "Tan", "Tanh" })
            sb.AppendLine($"        public static Vector<double> {f}(Vector<double> a) {{ Span<double> r = stackalloc double[Vector<double>.Count]; for (int k = 0; k < r.Length; k++) r[k] = Math.{f}(a[k]); return new Vector<double>(r); }}");
        sb.AppendLine("        public static Vector<double> Pow(Vector<double> a, Vector<double> b) { Span<double> r = stackalloc double[Vector<double>.Count]; for (int k = 0; k < r.Length; k++) r[k] = Math.Pow(a[k], b[k]); return new Vector<double>(r); }");
        sb.AppendLine("    }");
        sb.AppendLine("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        sb.AppendLine($"    public static void {MethodName}(int begin, int end, double[][] S, double[][] P, double[][] C, double[] IINJ, double[] REFR, double[] NREF, double[] SPIKED, double[][] RING, double[][] RSCALE, double[][] RAND, int slot, double dtValue, double tValue)");
        sb.AppendLine("    {");
        sb.AppendLine("        var ZERO = Vector<double>.Zero; var ONE = Vector<double>.One;");
        sb.AppendLine("        var ALL = Vector<long>.AllBitsSet; var NONE = Vector<long>.Zero;");
        sb.AppendLine("        var dt = new Vector<double>(dtValue); var t = new Vector<double>(tValue);");
        string Cast(string array) => $"MemoryMarshal.Cast<double, Vector<double>>({array})";
        for (int k = 0; k < states.Count; k++) sb.AppendLine($"        var S_{Id(states[k])} = {Cast($"S[{k}].AsSpan()")};");
        for (int k = 0; k < parameters.Count; k++)
            if (!constants.ContainsKey(parameters[k])) sb.AppendLine($"        var P_{Id(parameters[k])} = {Cast($"P[{k}].AsSpan()")};");
        for (int k = 0; k < coefficients.Count; k++)
            if (!constants.ContainsKey(coefficients[k])) sb.AppendLine($"        var C_{Id(coefficients[k])} = {Cast($"C[{k}].AsSpan()")};");
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            sb.AppendLine($"        var R_{r} = {Cast($"RING[{r}].AsSpan(slot)")};");
            if (!constants.ContainsKey(ScaleName(model.Receptors[r].Name))) sb.AppendLine($"        var RS_{r} = {Cast($"RSCALE[{r}].AsSpan()")};");
        }
        sb.AppendLine($"        var I_INJ = {Cast("IINJ.AsSpan()")};");
        for (int d = 0; d < draws.Count; d++) sb.AppendLine($"        var U_{d} = {Cast($"RAND[{d}].AsSpan()")};");
        sb.AppendLine($"        var SP = {Cast("SPIKED.AsSpan()")};");
        if (refractory)
        {
            sb.AppendLine($"        var REF = {Cast("REFR.AsSpan()")};");
            if (!constants.ContainsKey(RefractoryStepsName)) sb.AppendLine($"        var NREFV = {Cast("NREF.AsSpan()")};");
        }
        sb.AppendLine("        int W = Vector<double>.Count;");
        sb.AppendLine("        for (int j = begin / W; j < end / W; j++)");
        sb.AppendLine("        {");
        foreach (var s in states) sb.AppendLine($"            var s_{Id(s)} = S_{Id(s)}[j];");
        sb.AppendLine("            var i_inj = I_INJ[j];");

        // 1. Input arriving in this step, cleared from the ring. Synaptic receptors add it to their target now, at the
        //    start of the step; voltage jumps are added after the integration (step 4b), so the jump is not decayed.
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            var rec = model.Receptors[r];
            string scale = constants.TryGetValue(ScaleName(rec.Name), out double sc)
                ? (sc == 1.0 ? "" : $" * {VectorExpressionWriter.Literal(sc)}")
                : $" * RS_{r}[j]";
            if (rec.Kind == ReceptorKind.VoltageJump) sb.AppendLine($"            var jump_{r} = R_{r}[j]{scale};");
            else sb.AppendLine($"            s_{Id(rec.Target)} += R_{r}[j]{scale};");
            sb.AppendLine($"            R_{r}[j] = ZERO;");
        }

        // 2. Linear subsystem: mid-step values (if read) and end-of-step values, from start values.
        var startWriter = Writer(n => $"s_{Id(n)}");
        // A crossing threshold fires only where the condition was false at the start of the step.
        if (model.ThresholdCrossing) sb.AppendLine($"            var wasAbove = {startWriter.Mask(model.Threshold!)};");
        foreach (var c in plan.Linear)
        {
            for (int i = 0; i < c.States.Count; i++)
            {
                var x = c.States[i];
                if (plan.MidStepNeeded.Contains(x)) sb.AppendLine($"            var s_{Id(x)}__mid = {startWriter.Number(c.Propagate(i, mid: true))};");
                sb.AppendLine($"            var s_{Id(x)}__end = {startWriter.Number(c.Propagate(i, mid: false))};");
            }
        }

        // 3. Refractory lanes: clamped states take their clamp value before and after integration.
        if (refractory)
        {
            sb.AppendLine("            var refr = REF[j];");
            sb.AppendLine("            var inRef = Vector.GreaterThan(refr, ZERO);");
            var clampWriter = Writer(AtEnd);
            foreach (var a in clamp)
            {
                string value = a.Increment ? $"(s_{Id(a.Target)} + {clampWriter.Number(a.Value)})" : clampWriter.Number(a.Value);
                sb.AppendLine($"            var clamp_{Id(a.Target)} = {value};");
                sb.AppendLine($"            s_{Id(a.Target)} = Vector.ConditionalSelect(inRef, clamp_{Id(a.Target)}, s_{Id(a.Target)});");
            }
        }

        // 4. The other states.
        EmitIntegration(sb, plan, linear, Writer);
        foreach (var x in clamped) sb.AppendLine($"            s_{Id(x)} = Vector.ConditionalSelect(inRef, clamp_{Id(x)}, s_{Id(x)});");
        // 4b. Voltage jumps, except in refractory lanes (a clamped membrane ignores input, as in NEST).
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            var rec = model.Receptors[r];
            if (rec.Kind != ReceptorKind.VoltageJump) continue;
            string jump = refractory && clamped.Contains(rec.Target) ? $"Vector.ConditionalSelect(inRef, ZERO, jump_{r})" : $"jump_{r}";
            sb.AppendLine($"            s_{Id(rec.Target)} += {jump};");
        }

        // 5. Threshold and reset (not in refractory lanes).
        foreach (var x in linear.Where(resetTargets.Contains)) sb.AppendLine($"            s_{Id(x)} = s_{Id(x)}__end;");
        var endWriter = Writer(AtEnd);
        if (model.Threshold is null) sb.AppendLine("            var spike = NONE;");
        else sb.AppendLine($"            var spike = {endWriter.Mask(model.Threshold)}{(refractory ? " & ~inRef" : "")}{(model.ThresholdCrossing ? " & ~wasAbove" : "")};");
        foreach (var a in model.Reset)
        {
            string value = a.Increment ? $"(s_{Id(a.Target)} + {endWriter.Number(a.Value)})" : endWriter.Number(a.Value);
            sb.AppendLine($"            s_{Id(a.Target)} = Vector.ConditionalSelect(spike, {value}, s_{Id(a.Target)});");
        }
        if (refractory)
            sb.AppendLine($"            REF[j] = Vector.ConditionalSelect(inRef, refr - ONE, Vector.ConditionalSelect(spike, {(constants.TryGetValue(RefractoryStepsName, out double nref) ? VectorExpressionWriter.Literal(nref) : "NREFV[j]")}, refr));");
        sb.AppendLine("            SP[j] = Vector.ConditionalSelect(spike, ONE, ZERO);");

        foreach (var s in states) sb.AppendLine($"            S_{Id(s)}[j] = {AtEnd(s)};");
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static void EmitIntegration(StringBuilder sb, IntegrationPlan plan, HashSet<string> linear,
        Func<Func<string, string>, string, CommonSubexpressions?, VectorExpressionWriter> writer)
    {
        var targets = plan.Nonlinear;
        if (targets.Count == 0) return;
        var targetNames = targets.Select(t => t.Name).ToHashSet();
        // Each block below only declares locals, so expensive calls can be shared within it.
        var counter = new CommonSubexpressions.Counter();
        if (plan.Scheme == IntegrationScheme.ExponentialEuler)
        {
            var block = new CommonSubexpressions(counter);
            var w = writer(n => linear.Contains(n) ? $"s_{Id(n)}__mid" : $"s_{Id(n)}", "(t + 0.5 * dt)", block);
            foreach (var x in targets)
            {
                // The factor is a per-cell coefficient when B depends on parameters only, else phi(B) evaluated here.
                string factor = x.Factor is SymbolExpr ? w.Number(x.Factor) : $"Phi({w.Number(x.SelfCoefficient!)}, dt)";
                block.Emit(sb, $"            var d_{Id(x.Name)} = {w.Number(x.RightHandSide)} * {factor};");
            }
            foreach (var x in targets) sb.AppendLine($"            s_{Id(x.Name)} += d_{Id(x.Name)};");
            return;
        }
        if (plan.Scheme == IntegrationScheme.ExponentialMidpoint)
        {
            // Predictor: an exponential Euler half step of every state from the start values (linear states at mid-step).
            var predictor = new CommonSubexpressions(counter);
            var start = writer(n => linear.Contains(n) ? $"s_{Id(n)}__mid" : $"s_{Id(n)}", "t", predictor);
            foreach (var x in targets)
                predictor.Emit(sb, $"            var h_{Id(x.Name)} = s_{Id(x.Name)} + {start.Number(x.RightHandSide)} * Phi({start.Number(x.SelfCoefficient!)}, new Vector<double>(0.5) * dt);");
            // Corrector: each state's full exponential step, its coefficients A and B taken at mid-step (its own start value).
            var corrector = new CommonSubexpressions(counter);
            foreach (var x in targets)
            {
                string own = x.Name;
                var mid = writer(n => n == own ? $"s_{Id(n)}" : linear.Contains(n) ? $"s_{Id(n)}__mid" : targetNames.Contains(n) ? $"h_{Id(n)}" : $"s_{Id(n)}", "(t + 0.5 * dt)", corrector);
                string factor = x.Factor is SymbolExpr ? mid.Number(x.Factor) : $"Phi({mid.Number(x.SelfCoefficient!)}, dt)";
                corrector.Emit(sb, $"            var d_{Id(x.Name)} = {mid.Number(x.RightHandSide)} * {factor};");
            }
            foreach (var x in targets) sb.AppendLine($"            s_{Id(x.Name)} += d_{Id(x.Name)};");
            return;
        }
        // Classical RK4 over the nonlinear states; linear states at start, mid and end of step.
        string[] linearSuffix = ["", "__mid", "__mid", "__end"];
        string[] time = ["t", "(t + 0.5 * dt)", "(t + 0.5 * dt)", "(t + dt)"];
        string[] scale = ["", "0.5 * dt", "0.5 * dt", "dt"];
        for (int stage = 0; stage < 4; stage++)
        {
            int st = stage;
            var block = new CommonSubexpressions(counter);
            var w = writer(n =>
                linear.Contains(n) ? $"s_{Id(n)}{linearSuffix[st]}"
                : targetNames.Contains(n) && st > 0 ? $"(s_{Id(n)} + {scale[st]} * k{st}_{Id(n)})"
                : $"s_{Id(n)}", time[st], block);
            foreach (var x in targets)
                block.Emit(sb, $"            var k{stage + 1}_{Id(x.Name)} = {w.Number(x.RightHandSide)};");
        }
        foreach (var x in targets)
        {
            string n = Id(x.Name);
            sb.AppendLine($"            s_{n} += dt * new Vector<double>(1.0 / 6) * (k1_{n} + new Vector<double>(2.0) * k2_{n} + new Vector<double>(2.0) * k3_{n} + k4_{n});");
        }
    }

    /// <summary>The constants key of the refractory period in steps.</summary>
    public const string RefractoryStepsName = "__refractory_steps";

    /// <summary>The constants key of a receptor's weight scale.</summary>
    public static string ScaleName(string receptor) => "__scale__" + receptor;

    /// <summary>A C# identifier fragment for a model name (dots of namespaced names become double underscores).</summary>
    public static string Id(string name) => name.Replace(".", "__", StringComparison.Ordinal);
}
