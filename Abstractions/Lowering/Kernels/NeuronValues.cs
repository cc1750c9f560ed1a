using Meta.Expressions;
using Meta.Models;

namespace Meta.Lowering.Kernels;

/// <summary>
/// The numbers a neuron group's kernel reads besides its states, computed once on the host from the parameters: every
/// kernel parameter, the integration plan's coefficients (propagators and exponential factors), each receptor's weight
/// scale and the refractory period in steps. Cells with the same parameters share one computation, so a population whose
/// parameters are all equal costs one matrix exponential, not one per cell. A value equal for every cell (as <see cref="IsUniform"/>
/// compares: double.Equals, ±0 the same, NaN equal) is given as one element, not one per cell: the kernel stores it once anyway, and the
/// per-cell copies were the lowering's largest transient (≈ 30 MB for IF_cond_exp at 160 000 cells).
/// </summary>
internal static class NeuronValues
{
    /// <summary>
    /// Computes the per-cell values of <paramref name="model"/> for the cells of <paramref name="label"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="label">The population's label, for messages.</param>
    /// <param name="size">The number of cells.</param>
    /// <param name="parameters">Every kernel parameter, one value per cell.</param>
    /// <param name="dt">The time step.</param>
    /// <returns>
    /// Name to one value per cell, or one value where every cell has the same (<see cref="IsUniform"/>): the parameters, the
    /// coefficients, the scales and the refractory period. A per-cell array is the result's own, never one of <paramref name="parameters"/>.
    /// </returns>
    /// <exception cref="InvalidParameterValueException">A refractory period is negative or not a number.</exception>
    public static Dictionary<string, double[]> Compute(ModelDefinition model, string label, int size,
        IReadOnlyDictionary<string, double[]> parameters, double dt)
    {
        var plan = IntegrationPlan.For(model);
        var names = model.KernelParameters;
        var columns = names.Select(n => parameters[n]).ToArray();
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        bool oneSet = true;
        for (int k = 0; k < names.Count; k++)
        {
            bool uniform = IsUniform(columns[k]);
            oneSet &= uniform;
            result[names[k]] = uniform ? [columns[k][0]] : (double[])columns[k].Clone();
        }

        var derivedNames = plan.Coefficients.Select(c => c.Name).ToList();
        foreach (var r in model.Receptors) derivedNames.Add(NeuronKernelBuilder.ScaleName(r.Name));
        if (model.Refractory is not null) derivedNames.Add(NeuronKernelBuilder.RefractoryStepsName);
        // Every cell with equal parameters (double.Equals: ±0 the same, NaN equal): one computation for cell 0 is every
        // cell's, so the derived values are computed for one cell only. An empty population keeps none.
        if (oneSet && size > 0) size = 1;
        var derived = derivedNames.Select(_ => new double[size]).ToArray();

        // One computation per distinct parameter set.
        var index = names.Select((n, k) => (n, k)).ToDictionary(p => p.n, p => p.k, StringComparer.Ordinal);
        var seen = new Dictionary<ParameterSet, int>();
        for (int i = 0; i < size; i++)
        {
            var key = new ParameterSet(columns, i);
            if (seen.TryGetValue(key, out int first))
            {
                for (int d = 0; d < derived.Length; d++) derived[d][i] = derived[d][first];
                continue;
            }
            seen[key] = i;
            int cell = i;
            double Lookup(string n) => columns[index[n]][cell];
            var c = plan.ComputeCoefficients(Lookup, dt);
            int at = 0;
            for (int k = 0; k < c.Length; k++) derived[at++][i] = c[k];
            foreach (var r in model.Receptors) derived[at++][i] = r.Scale.Evaluate(Lookup);
            if (model.Refractory is { } refractory)
            {
                double period = refractory.Period.Evaluate(Lookup);
                if (!(period >= 0))
                    throw new InvalidParameterValueException($"The refractory period {refractory.Period} must be ≥ 0 ms, got {period} (cell {i} of '{label}').");
                derived[at++][i] = Math.Round(period / dt);
            }
        }
        for (int d = 0; d < derived.Length; d++) result[derivedNames[d]] = IsUniform(derived[d]) ? [derived[d][0]] : derived[d];
        return result;
    }

    /// <summary>Whether there is a value and every value is equal to the first (double.Equals: ±0 the same, NaN equal).</summary>
    public static bool IsUniform(double[] values)
    {
        for (int i = 1; i < values.Length; i++) if (!values[i].Equals(values[0])) return false;
        return values.Length > 0;
    }

    /// <summary>One cell's parameter values, compared with double.Equals (±0 the same, NaN equal).</summary>
    private readonly struct ParameterSet(double[][] columns, int cell) : IEquatable<ParameterSet>
    {
        public bool Equals(ParameterSet other)
        {
            foreach (var c in columns) if (!c[cell].Equals(c[other.Cell])) return false;
            return true;
        }

        private int Cell => cell;

        public override bool Equals(object? obj) => obj is ParameterSet p && Equals(p);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var c in columns) h.Add(c[cell]);
            return h.ToHashCode();
        }
    }
}
