using Meta.Expressions;
using Meta.Models;
using Meta.Populations;
using Meta.Projections;
using Meta.Sonata.Nest;

namespace Meta.Sonata.Writing;

/// <summary>
/// A projection's synapse type as the SONATA edge template the reader (<see cref="Building.SonataNetworkBuilder"/>) turns
/// back into the same synapses: <c>static_synapse</c>, or the NEST template of its model (<see cref="NestSynapseCatalogue"/>:
/// <c>tsodyks_synapse</c>, <c>tsodyks2_synapse</c>, <c>stdp_synapse</c>) with NEST's names in the edge type's
/// <c>dynamics_params</c>. Every value is checked by reading it back: what the template cannot carry (a value that differs
/// between the connections of one edge type, a state away from what the reader starts it at, another dendritic delay
/// fraction, a model no template reads) is an error naming it, never a silently different synapse.
/// </summary>
internal static class SynapseTemplateWriter
{
    /// <summary>
    /// Per population targeted by synapses whose template reads <c>tau_minus</c> from the target node (NEST's
    /// <c>stdp_synapse</c>), each cell's <c>tau_minus</c> (NaN where no such synapse targets it), for the node writer. NEST keeps
    /// one per neuron, so connections onto one cell with different values are an error naming the cell.
    /// </summary>
    public static Dictionary<Population, double[]> TargetTauMinus(Simulation sim)
    {
        var result = new Dictionary<Population, double[]>();
        foreach (var prj in sim.Projections)
        {
            if (prj.Model is not { } model || NestSynapseCatalogue.Of(model) is not { TauMinusFromTarget: true }) continue;
            var tau = prj.Get(NestModel.TauMinus);
            var targets = prj.Post.Cells.ToArray();
            for (int k = 0; k < prj.Size; k++)
            {
                var (population, cell) = targets[prj.PostIndices[k]];
                if (!result.TryGetValue(population, out var values))
                    result[population] = values = Enumerable.Repeat(double.NaN, population.Size).ToArray();
                if (double.IsNaN(values[cell])) values[cell] = tau[k];
                else if (!values[cell].Equals(tau[k]))
                    throw new SonataException($"projection '{prj.Label}': cell {cell} of '{population.Label}' is the target of {model.Name} connections with " +
                        $"tau_minus {values[cell]} and {tau[k]} ms; SONATA (NEST) keeps one tau_minus per target node.");
            }
        }
        return result;
    }

    /// <summary>
    /// The template and its <c>dynamics_params</c> (null for <c>static_synapse</c>) of connections <paramref name="c"/> of
    /// <paramref name="prj"/>. <paramref name="columns"/> holds the projection's attribute columns (<see cref="Projection.Get"/>,
    /// all connections, a backend read for states) already read, by name: the caller keeps one per projection, so a projection
    /// of several parts (one call each) reads each column once.
    /// </summary>
    public static (string Template, Dictionary<string, double>? Dynamics) Of(Projection prj, int[] c, Dictionary<string, double[]> columns)
    {
        string where = $"projection '{prj.Label}'";
        if (prj.Coupling is not null)
            throw new SonataException($"{where}: its synapse type {prj.Synapse.Name} couples states continuously; SONATA export writes spiking synapses only.");
        if (prj.Model is not { } model) return ("static_synapse", null);
        var nest = NestSynapseCatalogue.Of(model) ?? throw new SonataException(
            $"{where}: its synapse type {prj.Synapse.Name} has no SONATA edge template Meta reads back (export writes static_synapse and " +
            $"NEST's {string.Join(", ", NestSynapseCatalogue.Names.Where(n => n != NestSynapseCatalogue.Static.Name))}).");
        if (prj.Synapse.DendriticDelayFraction != 1.0)
            throw new SonataException($"{where}: dendritic_delay_fraction {prj.Synapse.DendriticDelayFraction}; NEST's {nest.Name} (as Meta reads it) has the whole delay dendritic (1).");
        double Value(string attribute)
        {
            if (!columns.TryGetValue(attribute, out var column)) columns[attribute] = column = prj.Get(attribute);
            double first = column[c[0]];
            foreach (int k in c)
                if (!column[k].Equals(first))
                    throw new SonataException($"{where}: '{attribute}' differs between connections ({first} and {column[k]}); an edge type's dynamics_params " +
                        $"give NEST's {nest.Name} one value for all its edges.");
            return first;
        }

        var dynamics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var conversion in nest.Parameters.Concat(nest.States))
        {
            if (conversion.Nest is { } name) dynamics[name] = Value(conversion.Meta) / conversion.Factor;
            // tsodyks_synapse: Meta's z is NEST's 1 − x − y.
            else if (conversion.Meta == "z" && ReferenceEquals(nest, NestSynapseCatalogue.Tsodyks)) dynamics["x"] = 1 - Value("z") - Value("y");
            else throw new SonataException($"{where}: Meta's '{conversion.Meta}' ({conversion.Formula}) cannot be written back as NEST's {nest.Name}.");
        }

        // Read back as the reader would: every parameter and state must come out as the projection has it.
        var (parameters, states) = nest.Convert(dynamics, where);
        foreach (var p in model.Parameters.Where(p => p.Name != SynapseModel.WeightName))
        {
            if (nest.TauMinusFromTarget && p.Name == NestModel.TauMinus) continue; // written on the target nodes
            Check(p.Name, parameters.TryGetValue(p.Name, out double read) ? read : p.Default);
        }
        foreach (var s in model.States.Where(s => s.Name != SynapseModel.WeightName))
            Check(s.Name, states.TryGetValue(s.Name, out double read) ? read : s.Initial.Evaluate(Value));
        return ("nest:" + nest.Name, dynamics);

        void Check(string attribute, double readBack)
        {
            // Within rounding: x = 1 − z − y written and z = 1 − x − y read back may differ in the last bits.
            double value = Value(attribute);
            if (!(Math.Abs(value - readBack) <= 1e-12 * Math.Max(1, Math.Abs(value))))
                throw new SonataException($"{where}: '{attribute}' is {value}, but NEST's {nest.Name} as written would read back {readBack}; " +
                    "SONATA export cannot carry it.");
        }
    }
}
