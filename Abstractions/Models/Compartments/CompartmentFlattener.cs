using Meta.Expressions;

namespace Meta.Models.Compartments;

/// <summary>
/// Turns a <see cref="CompartmentalModelBuilder"/>'s compartments into one <see cref="ModelDefinition"/>: every member
/// renamed into its compartment's namespace, one membrane equation per compartment with the mechanisms' currents, the
/// axial currents and (in the spike compartment) the injected current. Errors name the compartment or mechanism and list
/// the valid options.
/// </summary>
internal sealed class CompartmentFlattener(
    string name, string description, IReadOnlyList<CompartmentBuilder> compartments, IReadOnlyList<MechanismDefinition> mechanisms,
    IReadOnlyList<ParameterDefinition> cellParameters, IReadOnlyList<AxialCoupling> couplings, string spikeCompartment,
    double spikeThreshold, IntegrationScheme scheme)
{
    private readonly List<ParameterDefinition> _parameters = [];
    private readonly List<StateDefinition> _states = [];
    private readonly List<AliasDefinition> _aliases = [];
    private readonly List<OdeDefinition> _odes = [];
    private readonly List<ReceptorDefinition> _receptors = [];

    private void Fail(string what) => throw new InvalidModelException($"Cell '{name}': {what}");

    private string CompartmentList => string.Join(", ", compartments.Select(c => c.Name));

    public ModelDefinition Flatten()
    {
        if (compartments.Count == 0) Fail("it has no compartments; add one with Compartment(\"soma\", ...).");
        CheckCompartment(spikeCompartment, "the spike detector");
        foreach (var c in couplings)
        {
            CheckCompartment(c.A, $"the axial coupling {c.A}–{c.B}");
            CheckCompartment(c.B, $"the axial coupling {c.A}–{c.B}");
            if (c.A == c.B) Fail($"the axial coupling {c.A}–{c.B} couples a compartment to itself.");
        }
        foreach (var dup in couplings.GroupBy(c => string.CompareOrdinal(c.A, c.B) < 0 ? (c.A, c.B) : (c.B, c.A)).Where(g => g.Count() > 1))
            Fail($"compartments {dup.Key.Item1} and {dup.Key.Item2} are coupled twice.");

        _parameters.AddRange(cellParameters);
        _parameters.Add(new("i_offset", 0, "nA", $"Offset current into {spikeCompartment}."));
        _parameters.Add(new("v_spike", spikeThreshold, "mV", $"Upward crossings of this potential by {spikeCompartment}.v are spikes."));
        foreach (var c in compartments) FlattenCompartment(c);

        var model = new ModelDefinition
        {
            Name = name,
            Description = description,
            Parameters = _parameters.ToArray(),
            States = _states.ToArray(),
            Aliases = _aliases.ToArray(),
            Odes = _odes.ToArray(),
            Threshold = new BinaryExpr(BinaryOperator.GreaterOrEqual, Expr.Symbol(CompartmentNames.Voltage(spikeCompartment)), Expr.Symbol("v_spike")),
            ThresholdCrossing = true,
            Receptors = _receptors.ToArray(),
            ConductanceBased = _receptors.Any(r => r.Kind == ReceptorKind.Conductance),
            Scheme = scheme,
        };
        ModelValidator.Validate(model);
        return model;
    }

    private void CheckCompartment(string compartment, string where)
    {
        if (!compartments.Any(c => c.Name == compartment))
            Fail($"{where} names the compartment '{compartment}', which the cell does not have (compartments: {CompartmentList}).");
    }

    private void FlattenCompartment(CompartmentBuilder c)
    {
        string P(string member) => CompartmentNames.Of(c.Name, member);
        var v = Expr.Symbol(P("v"));
        _parameters.Add(new(P("area"), c.AreaValue, "cm2", $"Membrane area of {c.Name}.") { Domain = ParameterDomain.Positive });
        _parameters.Add(new(P("cm"), c.CmValue, "uF/cm2", $"Specific membrane capacitance of {c.Name}.") { Domain = ParameterDomain.Positive });
        _parameters.AddRange(c.ParameterList.Select(p => p with { Name = P(p.Name) }));
        _states.Add(new(P("v"), c.InitialV, "mV"));

        foreach (var dup in c.IonList.GroupBy(i => i.Name).Where(g => g.Count() > 1)) Fail($"compartment '{c.Name}' declares the ion '{dup.Key}' twice.");
        var ions = c.IonList.Select(i => i.Name).ToList();
        foreach (var ion in c.IonList)
            _parameters.Add(new(P(IonSymbols.Reversal(ion.Name)), ion.Reversal, "mV", $"Reversal potential of {ion.Name} in {c.Name}."));

        // The compartment's symbols that mechanisms and concentrations may read.
        var shared = new Dictionary<string, string>(StringComparer.Ordinal) { ["v"] = P("v"), ["t"] = "t" };
        foreach (var ion in ions)
        {
            shared[IonSymbols.Reversal(ion)] = P(IonSymbols.Reversal(ion));
            shared[IonSymbols.Current(ion)] = P(IonSymbols.Current(ion));
        }
        foreach (var conc in c.ConcentrationList)
        {
            if (!ions.Contains(conc.Ion))
                Fail($"compartment '{c.Name}' has a concentration of '{conc.Ion}', an ion it does not declare (ions: {string.Join(", ", ions)}); add Ion(\"{conc.Ion}\", reversal).");
            shared[IonSymbols.Concentration(conc.Ion)] = P(IonSymbols.Concentration(conc.Ion));
        }

        var currents = new List<Expr>();
        var ionCurrents = ions.ToDictionary(i => i, _ => new List<Expr>(), StringComparer.Ordinal);
        foreach (var dup in c.Insertions.GroupBy(i => i.Mechanism).Where(g => g.Count() > 1))
            Fail($"the mechanism '{dup.Key}' is inserted twice into compartment '{c.Name}'.");
        foreach (var insertion in c.Insertions)
        {
            var mech = Resolve(insertion, c.Name);
            string M(string member) => CompartmentNames.Of(c.Name, mech.Name, member);
            foreach (var key in insertion.Overrides.Keys.Where(k => mech.FindParameter(k) is null && !mech.States.Any(s => s.Name == k)))
                Fail($"compartment '{c.Name}' sets '{key}' of mechanism '{mech.Name}', which has no such parameter or state " +
                     $"(parameters: {string.Join(", ", mech.Parameters.Select(p => p.Name))}; states: {string.Join(", ", mech.States.Select(p => p.Name))}).");
            var renames = new Dictionary<string, string>(shared, StringComparer.Ordinal);
            foreach (var own in mech.OwnNames) renames[own] = M(own);
            foreach (var symbol in mech.ReadSymbols().Where(s => !renames.ContainsKey(s)))
                Fail($"mechanism '{mech.Name}' in compartment '{c.Name}' reads '{symbol}', which is neither its own nor the compartment's " +
                     $"(available: {string.Join(", ", renames.Keys.Order(StringComparer.Ordinal))}){IonHint(symbol, c)}.");
            Expr Rename(Expr e) => e.Substitute(s => renames.TryGetValue(s, out var to) ? Expr.Symbol(to) : null);

            _parameters.AddRange(mech.Parameters.Select(p => p with
            {
                Name = M(p.Name),
                Default = insertion.Overrides.TryGetValue(p.Name, out var value) ? value : p.Default,
            }));
            _states.AddRange(mech.States.Select(s => s with
            {
                Name = M(s.Name),
                Initial = insertion.Overrides.TryGetValue(s.Name, out var initial) ? Expr.Const(initial) : Rename(s.Initial),
            }));
            _aliases.AddRange(mech.Aliases.Select(a => new AliasDefinition(M(a.Name), Rename(a.Value))));
            _odes.AddRange(mech.Odes.Select(o => new OdeDefinition(M(o.State), Rename(o.RightHandSide))));
            foreach (var current in mech.Currents)
            {
                if (current.Ion is { } ion && !ionCurrents.ContainsKey(ion))
                    Fail($"mechanism '{mech.Name}' in compartment '{c.Name}' carries its current '{current.Name}' by the ion '{ion}', which the compartment does not declare (ions: {string.Join(", ", ions)}).");
                _aliases.Add(new(M(current.Name), Rename(current.Density)));
                currents.Add(Expr.Symbol(M(current.Name)));
                if (current.Ion is { } carried) ionCurrents[carried].Add(Expr.Symbol(M(current.Name)));
            }
        }
        foreach (var ion in ions)
            _aliases.Add(new(P(IonSymbols.Current(ion)), Sum(ionCurrents[ion])));

        foreach (var conc in c.ConcentrationList)
        {
            var local = new Dictionary<string, string>(shared, StringComparer.Ordinal);
            foreach (var p in c.ParameterList) local[p.Name] = P(p.Name);
            var renamed = conc.RightHandSide.Substitute(s => local.TryGetValue(s, out var to) ? Expr.Symbol(to) : null);
            _states.Add(new(P(IonSymbols.Concentration(conc.Ion)), conc.Initial, conc.Unit));
            _odes.Add(new(P(IonSymbols.Concentration(conc.Ion)), renamed));
        }

        // Synaptic receptors: exponentially decaying conductances (µS) or currents (nA).
        var synaptic = new List<Expr>();
        foreach (var r in c.ReceptorList)
        {
            string R(string member) => CompartmentNames.Of(c.Name, r.Name, member);
            _parameters.Add(new(R("tau"), r.Tau, "ms", $"Decay time constant of receptor {c.Name}.{r.Name}."));
            string target = R(r.Kind == ReceptorKind.Conductance ? "g" : "i");
            _states.Add(new(target, 0.0, r.Kind == ReceptorKind.Conductance ? "uS" : "nA"));
            _odes.Add(new(target, -Expr.Symbol(target) / Expr.Symbol(R("tau"))));
            if (r.Kind == ReceptorKind.Conductance)
            {
                _parameters.Add(new(R("e"), r.Reversal, "mV", $"Reversal potential of receptor {c.Name}.{r.Name}."));
                synaptic.Add(Expr.Symbol(target) * (Expr.Symbol(R("e")) - v));
            }
            else synaptic.Add(Expr.Symbol(target));
            _receptors.Add(new(CompartmentNames.Of(c.Name, r.Name), target, r.Kind, Expr.Const(1)));
        }
        if (c.Name == spikeCompartment) synaptic.AddRange([Expr.Symbol(ModelDefinition.InjectedCurrent), Expr.Symbol("i_offset")]);

        // cm·dv/dt = −Σ i_mech + Σ axial + 0.001·(synaptic and injected currents, nA)/area  (µA/cm²).
        var axial = couplings.Where(k => k.A == c.Name || k.B == c.Name).Select(k => k.A == c.Name
            ? k.IntoA * (Expr.Symbol(CompartmentNames.Voltage(k.B)) - v)
            : k.IntoB * (Expr.Symbol(CompartmentNames.Voltage(k.A)) - v)).ToList();
        Expr total = -Sum(currents) + Sum(axial);
        if (synaptic.Count > 0) total += 0.001 * Sum(synaptic) / Expr.Symbol(P("area"));
        _odes.Add(new(P("v"), total / Expr.Symbol(P("cm"))));
    }

    private MechanismDefinition Resolve(Insertion insertion, string compartment)
    {
        if (insertion.Definition is { } given)
        {
            var known = mechanisms.FirstOrDefault(m => m.Name == given.Name);
            if (known is not null && !ReferenceEquals(known, given) && known != given)
                Fail($"compartment '{compartment}' inserts a mechanism named '{given.Name}' that differs from the cell's mechanism of that name.");
            return given;
        }
        return mechanisms.FirstOrDefault(m => m.Name == insertion.Mechanism)
               ?? throw new InvalidModelException($"Cell '{name}': compartment '{compartment}' inserts the unknown mechanism '{insertion.Mechanism}' " +
                                                  $"(known: {(mechanisms.Count == 0 ? "none; add it with Mechanism(...)" : string.Join(", ", mechanisms.Select(m => m.Name)))}).");
    }

    private static string IonHint(string symbol, CompartmentBuilder c)
    {
        var ion = symbol.Length > 1 && symbol[0] == 'e' ? symbol[1..] : symbol.EndsWith('i') ? symbol[..^1] : null;
        if (ion is null) return "";
        if (!c.IonList.Any(i => i.Name == ion)) return $"; if it is an ion symbol, declare the ion with Ion(\"{ion}\", reversal)";
        return symbol.EndsWith('i') ? $"; add a concentration of '{ion}' to compartment '{c.Name}'" : "";
    }

    private static Expr Sum(IReadOnlyList<Expr> terms) => terms.Count == 0 ? Expr.Const(0) : terms.Skip(1).Aggregate(terms[0], (a, b) => a + b);
}
