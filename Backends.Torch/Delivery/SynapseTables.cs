using Meta.Backends.Programs;
using Meta.Backends.Torch.Groups;
using Meta.Backends.Torch.Sources;

namespace Meta.Backends.Torch.Delivery;

/// <summary>The synapse tables of a program, and where each projection lies in them.</summary>
internal static class SynapseTables
{
    /// <summary>
    /// One table per (emitting unit, target group) holding all projections between them, unless two of them share pre
    /// population, post population and receptor (their sums would interleave differently from the CPU's): then one table
    /// per projection. Each unit delivers its tables in the CPU's order (pre population, then projection).
    /// </summary>
    /// <param name="program">The program.</param>
    /// <param name="unitOf">The unit of each population and its position among the unit's populations.</param>
    /// <param name="ctx">The device.</param>
    /// <returns>The tables, and the table and member of each static projection (a projection with a synapse kernel has none).</returns>
    public static (SynapseTable[] Tables, (SynapseTable Table, int Member)[] TableOf) Build(
        StepProgram program, (ISpikeUnit Unit, int Member)[] unitOf, TorchContext ctx)
    {
        var buckets = new Dictionary<(ISpikeUnit, NeuronGroup), List<SynapseGroupProgram>>();
        var order = new List<(ISpikeUnit, NeuronGroup)>();
        foreach (var p in program.Projections.Where(p => p.Kernel is null))
        {
            var key = (unitOf[p.PreGroup].Unit, (NeuronGroup)unitOf[p.PostGroup].Unit);
            if (!buckets.TryGetValue(key, out var list)) { buckets[key] = list = []; order.Add(key); }
            list.Add(p);
        }
        int Offset(ISpikeUnit unit, int population) => unit.PopulationOffsets[unitOf[population].Member];
        var tables = new List<SynapseTable>();
        var tableOf = new (SynapseTable, int)[program.Projections.Count];
        foreach (var key in order)
        {
            var (pre, post) = key;
            var list = buckets[key];
            bool conflict = list.GroupBy(x => (x.PreGroup, x.PostGroup, x.Receptor)).Any(g => g.Count() > 1);
            var parts = conflict ? list.Select(x => new[] { x }).ToList() : [list.ToArray()];
            foreach (var part in parts)
            {
                var members = part.Select(x => new SynapseTable.Member(x, Offset(pre, x.PreGroup), Offset(post, x.PostGroup))).ToArray();
                var table = new SynapseTable(members, pre.Size, post, ctx);
                for (int m = 0; m < part.Length; m++) tableOf[part[m].Index] = (table, m);
                tables.Add(table);
                pre.Outgoing.Add(table);
            }
        }
        foreach (var unit in unitOf.Select(u => u.Unit).Distinct())
        {
            var sorted = unit.Outgoing.OrderBy(t => t.Members.Min(m => (m.Spec.PreGroup, m.Spec.Index))).ToList();
            unit.Outgoing.Clear();
            unit.Outgoing.AddRange(sorted);
        }
        return (tables.ToArray(), tableOf);
    }
}
