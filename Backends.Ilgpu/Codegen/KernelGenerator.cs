using System.Text;
using Meta.Models;
using Meta.Expressions;
using Meta.Lowering;

namespace Meta.Backends.Ilgpu.Codegen;

/// <summary>
/// Generates the C# source of one neuron model's ILGPU step kernel from its <see cref="IntegrationPlan"/>
/// (docs/semantics.md). It is the scalar twin of the CPU backend's generator and follows it statement by statement:
/// receptor input of the step, linear states by propagators (mid-step and end-of-step values from start values), the
/// refractory clamp, the other states by exponential Euler (φ by its degree-10 Taylor series where |B·dt| &lt; 0.6, else
/// by exp) or RK4, voltage jumps, then threshold, reset and the refractory counter. A crossing threshold also needs the
/// condition false on the start-of-step state (after the input); the model's <c>uniform()</c> draws are made in the kernel
/// with <see cref="Kernels.DeviceRandom"/>, keyed by the step index. One thread takes one cell (with a grid stride); a
/// spiking cell appends itself to the step's spike list.
/// </summary>
internal static class KernelGenerator
{
    /// <summary>The kernel method's name.</summary>
    public const string MethodName = "Step";

    /// <summary>The constants key of the refractory period in steps.</summary>
    public const string RefractoryStepsName = "__refractory_steps";

    /// <summary>The constants key of a receptor's weight scale.</summary>
    public static string ScaleName(string receptor) => "__scale__" + receptor;

    /// <summary>A C# identifier fragment for a model name (dots of namespaced names become double underscores).</summary>
    public static string Id(string name) => name.Replace(".", "__", StringComparison.Ordinal);

    /// <summary>
    /// Generates the kernel class. <paramref name="constants"/> holds the values of parameters, coefficients, the
    /// refractory period in steps and receptor scales that are equal for every cell: they become literals.
    /// </summary>
    public static string Generate(ModelDefinition model, string className, IReadOnlyDictionary<string, double> constants, bool single)
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
        string T = single ? "float" : "double";
        string Lit(double v) => ScalarExpressionWriter.Literal(v, single);

        ScalarExpressionWriter Writer(Func<string, string> state, string time = "t") => new(constants, name =>
            name == "dt" ? "dt"
            : name == "t" ? time
            : name == ModelDefinition.InjectedCurrent ? "i_inj"
            : coefficients.Contains(name) ? $"C[{coefficients.IndexOf(name)} * N + j]"
            : parameters.Contains(name) ? $"P[{parameters.IndexOf(name)} * N + j]"
            : draws.Contains(name) ? $"u_{draws.IndexOf(name)}"
            : state(name), single);
        // After the linear update, linear states are read at the end of the step (unless a reset assigns them).
        string AtEnd(string n) => linear.Contains(n) && !resetTargets.Contains(n) ? $"s_{Id(n)}__end" : $"s_{Id(n)}";

        var sb = new StringBuilder();
        sb.AppendLine("using System;");
        sb.AppendLine("using ILGPU;");
        sb.AppendLine("using ILGPU.Runtime;");
        sb.AppendLine("using Meta.Backends.Ilgpu.Kernels;");
        sb.AppendLine($"public static class {className}");
        sb.AppendLine("{");
        sb.AppendLine($"    // Generated from model '{model.Name}' ({T}). Scheme: {plan.Scheme}; exactly integrated: {string.Join(", ", linear)}.");
        sb.AppendLine("    // (exp(b*dt) - 1)/b: its Taylor series to x^10 where |b*dt| < 0.6 (relative error < 1e-11), else exp.");
        sb.AppendLine("    // Horner's scheme from the highest coefficient, 1/11!, as on the CPU (which fuses each multiply-add; a GPU's PTX");
        sb.AppendLine("    // compiler usually does too).");
        sb.AppendLine($"    private static {T} Phi({T} b, {T} dt)");
        sb.AppendLine("    {");
        sb.AppendLine("        var x = b * dt;");
        sb.AppendLine($"        if (DeviceMath.Abs(x) < {Lit(0.6)})");
        sb.AppendLine("        {");
        string c(string v) => single ? $"(float)({v})" : $"({v})";
        sb.AppendLine($"            var r = {c("1.0 / 39916800")};");
        foreach (var factorial in new[] { "3628800", "362880", "40320", "5040", "720", "120", "24", "6", "2", "1" })
            sb.AppendLine($"            r = r * x + {c($"1.0 / {factorial}")};");
        sb.AppendLine("            return r * dt;");
        sb.AppendLine("        }");
        sb.AppendLine($"        return (DeviceMath.Exp(x) - {Lit(1)}) / b;");
        sb.AppendLine("    }");
        sb.AppendLine();
        sb.AppendLine($"    public static void {MethodName}(NeuronArgs<{T}> a)");
        sb.AppendLine("    {");
        sb.AppendLine("        a.Output.Begin();");
        sb.AppendLine("        int N = a.N;");
        sb.AppendLine($"        {T} dt = a.Dt;");
        sb.AppendLine($"        {T} t = a.Time;");
        sb.AppendLine("        var S = a.State; var P = a.Parameters; var C = a.Coefficients; var RS = a.Scales; var RING = a.Ring;");
        sb.AppendLine("        int stride = Grid.DimX * Group.DimX;");
        sb.AppendLine("        for (int j = Grid.GlobalIndex.X; j < N; j += stride)");
        sb.AppendLine("        {");
        for (int k = 0; k < states.Count; k++) sb.AppendLine($"            {T} s_{Id(states[k])} = S[{k} * N + j];");
        sb.AppendLine($"            {T} i_inj = a.Injected[j];");
        // The model's uniform() draws of this step: Philox.Uniform(seed, NeuronDraw(g, d), k), bit for bit the CPU's
        // float64 numbers; a float32 kernel rounds each once to float (as the Torch backend does).
        for (int d = 0; d < draws.Count; d++)
        {
            string draw = $"DeviceRandom.NeuronDraw(a.Seed, a.FirstGlobalIndex + j, {d}, a.Step)";
            sb.AppendLine($"            {T} u_{d} = {(single ? $"(float){draw}" : draw)};");
        }

        // 1. Input arriving in this step, cleared from the ring. Synaptic receptors add it to their target now, at the
        //    start of the step; voltage jumps are added after the integration (step 4b), so the jump is not decayed.
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            var rec = model.Receptors[r];
            string scale = constants.TryGetValue(ScaleName(rec.Name), out double sc)
                ? (sc == 1.0 ? "" : $" * {Lit(sc)}")
                : $" * RS[{r} * N + j]";
            string at = $"RING[{r} * a.RingStride + a.RingOffset + j]";
            if (rec.Kind == ReceptorKind.VoltageJump) sb.AppendLine($"            {T} jump_{r} = {at}{scale};");
            else sb.AppendLine($"            s_{Id(rec.Target)} += {at}{scale};");
            sb.AppendLine($"            {at} = {Lit(0)};");
        }

        // 2. Linear subsystem: mid-step values (if read) and end-of-step values, from start values.
        var startWriter = Writer(n => $"s_{Id(n)}");
        // A crossing threshold fires only where the condition was false at the start of the step (after the input).
        if (model.ThresholdCrossing) sb.AppendLine($"            bool wasAbove = {startWriter.Condition(model.Threshold!)};");
        foreach (var component in plan.Linear)
        {
            for (int i = 0; i < component.States.Count; i++)
            {
                var x = component.States[i];
                if (plan.MidStepNeeded.Contains(x)) sb.AppendLine($"            {T} s_{Id(x)}__mid = {startWriter.Number(component.Propagate(i, mid: true))};");
                sb.AppendLine($"            {T} s_{Id(x)}__end = {startWriter.Number(component.Propagate(i, mid: false))};");
            }
        }

        // 3. Refractory cells: clamped states take their clamp value before and after integration.
        if (refractory)
        {
            sb.AppendLine("            int refr = a.Refractory[j];");
            sb.AppendLine("            bool inRef = refr > 0;");
            var clampWriter = Writer(AtEnd);
            foreach (var assignment in clamp)
            {
                string value = assignment.Increment ? $"(s_{Id(assignment.Target)} + {clampWriter.Number(assignment.Value)})" : clampWriter.Number(assignment.Value);
                sb.AppendLine($"            {T} clamp_{Id(assignment.Target)} = {value};");
                sb.AppendLine($"            if (inRef) s_{Id(assignment.Target)} = clamp_{Id(assignment.Target)};");
            }
        }

        // 4. The other states.
        EmitIntegration(sb, plan, linear, Writer, T, Lit);
        foreach (var x in clamped) sb.AppendLine($"            if (inRef) s_{Id(x)} = clamp_{Id(x)};");
        // 4b. Voltage jumps, except in refractory cells (a clamped membrane ignores input, as in NEST).
        for (int r = 0; r < model.Receptors.Count; r++)
        {
            var rec = model.Receptors[r];
            if (rec.Kind != ReceptorKind.VoltageJump) continue;
            string jump = refractory && clamped.Contains(rec.Target) ? $"(inRef ? {Lit(0)} : jump_{r})" : $"jump_{r}";
            sb.AppendLine($"            s_{Id(rec.Target)} += {jump};");
        }

        // 5. Threshold and reset (not in refractory cells).
        foreach (var x in linear.Where(resetTargets.Contains)) sb.AppendLine($"            s_{Id(x)} = s_{Id(x)}__end;");
        var endWriter = Writer(AtEnd);
        if (model.Threshold is null) sb.AppendLine("            bool spike = false;");
        else sb.AppendLine($"            bool spike = {endWriter.Condition(model.Threshold)}{(refractory ? " & !inRef" : "")}{(model.ThresholdCrossing ? " & !wasAbove" : "")};");
        if (model.Reset.Count > 0)
        {
            sb.AppendLine("            if (spike)");
            sb.AppendLine("            {");
            foreach (var assignment in model.Reset)
            {
                string value = assignment.Increment ? $"(s_{Id(assignment.Target)} + {endWriter.Number(assignment.Value)})" : endWriter.Number(assignment.Value);
                sb.AppendLine($"                s_{Id(assignment.Target)} = {value};");
            }
            sb.AppendLine("            }");
        }
        if (refractory)
        {
            string nref = constants.TryGetValue(RefractoryStepsName, out double n)
                ? ((int)n).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "a.RefractorySteps[j]";
            sb.AppendLine($"            a.Refractory[j] = inRef ? refr - 1 : (spike ? {nref} : refr);");
        }
        foreach (var s in states) sb.AppendLine($"            S[{states.IndexOf(s)} * N + j] = {AtEnd(s)};");
        sb.AppendLine("            if (spike) a.Output.Emit(j);");
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static void EmitIntegration(StringBuilder sb, IntegrationPlan plan, HashSet<string> linear,
        Func<Func<string, string>, string, ScalarExpressionWriter> writer, string T, Func<double, string> lit)
    {
        var targets = plan.Nonlinear;
        if (targets.Count == 0) return;
        var targetNames = targets.Select(t => t.Name).ToHashSet();
        string half = T == "float" ? "0.5f" : "0.5";
        if (plan.Scheme == IntegrationScheme.ExponentialEuler)
        {
            var w = writer(n => linear.Contains(n) ? $"s_{Id(n)}__mid" : $"s_{Id(n)}", $"(t + {half} * dt)");
            foreach (var x in targets)
            {
                // The factor is a per-cell coefficient when B depends on parameters only, else phi(B) evaluated here.
                string factor = x.Factor is SymbolExpr ? w.Number(x.Factor) : $"Phi({w.Number(x.SelfCoefficient!)}, dt)";
                sb.AppendLine($"            {T} d_{Id(x.Name)} = {w.Number(x.RightHandSide)} * {factor};");
            }
            foreach (var x in targets) sb.AppendLine($"            s_{Id(x.Name)} += d_{Id(x.Name)};");
            return;
        }
        if (plan.Scheme == IntegrationScheme.ExponentialMidpoint)
        {
            // Predictor: an exponential Euler half step of every state from the start values, linear states at mid-step (as the CPU backend).
            var start = writer(n => linear.Contains(n) ? $"s_{Id(n)}__mid" : $"s_{Id(n)}", "t");
            foreach (var x in targets)
                sb.AppendLine($"            {T} h_{Id(x.Name)} = s_{Id(x.Name)} + {start.Number(x.RightHandSide)} * Phi({start.Number(x.SelfCoefficient!)}, {half} * dt);");
            // Corrector: each state's full exponential step with A and B at mid-step (its own start value).
            foreach (var x in targets)
            {
                string own = x.Name;
                var mid = writer(n => n == own ? $"s_{Id(n)}" : linear.Contains(n) ? $"s_{Id(n)}__mid" : targetNames.Contains(n) ? $"h_{Id(n)}" : $"s_{Id(n)}", $"(t + {half} * dt)");
                string factor = x.Factor is SymbolExpr ? mid.Number(x.Factor) : $"Phi({mid.Number(x.SelfCoefficient!)}, dt)";
                sb.AppendLine($"            {T} d_{Id(x.Name)} = {mid.Number(x.RightHandSide)} * {factor};");
            }
            foreach (var x in targets) sb.AppendLine($"            s_{Id(x.Name)} += d_{Id(x.Name)};");
            return;
        }
        // Classical RK4 over the nonlinear states; linear states at start, mid and end of step.
        string[] linearSuffix = ["", "__mid", "__mid", "__end"];
        string[] time = ["t", $"(t + {half} * dt)", $"(t + {half} * dt)", "(t + dt)"];
        string[] scale = ["", $"{half} * dt", $"{half} * dt", "dt"];
        for (int stage = 0; stage < 4; stage++)
        {
            int st = stage;
            var w = writer(n =>
                linear.Contains(n) ? $"s_{Id(n)}{linearSuffix[st]}"
                : targetNames.Contains(n) && st > 0 ? $"(s_{Id(n)} + {scale[st]} * k{st}_{Id(n)})"
                : $"s_{Id(n)}", time[st]);
            foreach (var x in targets)
                sb.AppendLine($"            {T} k{stage + 1}_{Id(x.Name)} = {w.Number(x.RightHandSide)};");
        }
        string sixth = T == "float" ? "(float)(1.0 / 6)" : "(1.0 / 6)";
        string two = lit(2.0);
        foreach (var x in targets)
        {
            string n = Id(x.Name);
            sb.AppendLine($"            s_{n} += dt * {sixth} * (k1_{n} + {two} * k2_{n} + {two} * k3_{n} + k4_{n});");
        }
    }
}
