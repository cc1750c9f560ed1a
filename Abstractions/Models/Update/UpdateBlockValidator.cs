using Meta.Expressions;

namespace Meta.Models;

/// <summary>Checks a model's update blocks (<see cref="ModelDefinition.BeforeIntegration"/>, <see cref="ModelDefinition.AfterIntegration"/>).</summary>
internal static class UpdateBlockValidator
{
    /// <summary>Throws <see cref="InvalidModelException"/> naming the first problem; <paramref name="known"/> are the names expressions may read.</summary>
    public static void Validate(ModelDefinition model, IReadOnlySet<string> known)
    {
        if (!model.HasUpdateBlock) return;
        void Fail(string what) => throw new InvalidModelException($"Model '{model.Name}': {what}");
        var states = model.States.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var locals = new HashSet<string>(StringComparer.Ordinal);
        bool refractory = model.Refractory is not null;

        void CheckExpr(Expr e, string where)
        {
            foreach (var s in e.Symbols())
            {
                if (s == ModelDefinition.RefractorySymbol)
                {
                    if (!refractory) Fail($"{where} reads '{ModelDefinition.RefractorySymbol}', but the model has no refractory period.");
                    continue;
                }
                if (ModelDefinition.IsNoiseSymbol(s)) Fail($"{where} uses the noise term '{s}'; noise terms belong in ODEs only.");
                if (!known.Contains(s) && !locals.Contains(s))
                    Fail($"{where} uses unknown name '{s}' (known: {string.Join(", ", known.Concat(locals).Order())}, and {ModelDefinition.RefractorySymbol} in models with a refractory period).");
            }
            if (RandomDrawNumbering.Calls(e)) Fail($"{where} calls uniform() directly; build the model with ModelBuilder, which numbers the draws.");
        }

        void Check(IReadOnlyList<UpdateStatement> block, string where, bool emitAllowed)
        {
            foreach (var statement in block)
            {
                switch (statement)
                {
                    case UpdateLocal l:
                        CheckExpr(l.Value, $"{where}: the local '{l.Name}'");
                        if (known.Contains(l.Name) || l.Name == ModelDefinition.RefractorySymbol || l.Name.StartsWith("__", StringComparison.Ordinal))
                            Fail($"{where}: the local '{l.Name}' has the name of a parameter, state, alias or reserved symbol.");
                        if (!locals.Add(l.Name)) Fail($"{where}: the local '{l.Name}' is declared twice.");
                        break;
                    case UpdateAssignment a:
                        CheckExpr(a.Value, $"{where}: the assignment to '{a.Target}'");
                        if (!states.Contains(a.Target) && !locals.Contains(a.Target))
                            Fail($"{where} assigns '{a.Target}', which is neither a state variable nor a local declared before.");
                        break;
                    case UpdateIf i:
                        if (i.Branches.Count == 0) Fail($"{where}: an if statement without branches.");
                        for (int b = 0; b < i.Branches.Count; b++)
                        {
                            var branch = i.Branches[b];
                            if (branch.Condition is null && b != i.Branches.Count - 1) Fail($"{where}: an else branch that is not the last branch of its if.");
                            if (branch.Condition is not null) CheckExpr(branch.Condition, $"{where}: a condition");
                            Check(branch.Body, where, emitAllowed);
                        }
                        break;
                    case UpdateEmitSpike:
                        if (!emitAllowed) Fail($"{where}: emit_spike() is allowed only after the integration (AfterIntegration).");
                        break;
                    default:
                        Fail($"{where}: unknown statement {statement}.");
                        break;
                }
            }
        }

        Check(model.BeforeIntegration, "the update block before the integration", emitAllowed: false);
        Check(model.AfterIntegration, "the update block after the integration", emitAllowed: true);
        if (model.Kind == ModelKind.SpikeSource) Fail("a spike source has no update block.");
    }
}
