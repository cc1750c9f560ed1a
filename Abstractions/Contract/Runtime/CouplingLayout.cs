using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>
/// The fixed order in which the coupling currents reaching a cell are summed, shared by every backend so that float sums are
/// reproducible (docs/semantics.md, "Continuous coupling"): per target cell, its contributions sorted by coupling, then
/// connection, then side (the current into the post cell before the reverse current of a bidirectional coupling into the
/// pre cell). Laid out per target group as compressed rows: <see cref="Starts"/> per cell, <see cref="Entries"/> in order.
/// </summary>
public sealed class CouplingLayout
{
    /// <summary>One term of a cell's sum: coupling <paramref name="Coupling"/>'s connection <paramref name="Connection"/>, into its pre cell if <paramref name="IntoPre"/>.</summary>
    /// <param name="Coupling">The coupling's index in <see cref="StepProgram.Couplings"/>.</param>
    /// <param name="Connection">The connection, in the coupling's connection order.</param>
    /// <param name="IntoPre">Whether it is the reverse current into the pre cell (a bidirectional coupling).</param>
    public readonly record struct Term(int Coupling, int Connection, bool IntoPre);

    private readonly Dictionary<int, (int[] Starts, Term[] Entries)> _rows = [];

    /// <summary>Lays out the couplings of <paramref name="program"/>.</summary>
    public CouplingLayout(StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var terms = new Dictionary<int, List<(int Cell, Term Term)>>();
        List<(int, Term)> Of(int group) => terms.TryGetValue(group, out var list) ? list : terms[group] = [];
        foreach (var c in program.Couplings)
            for (int k = 0; k < c.Count; k++)
            {
                Of(c.PostGroup).Add((c.PostIndices[k], new Term(c.Index, k, false)));
                if (c.Kernel.PreCurrent is not null) Of(c.PreGroup).Add((c.PreIndices[k], new Term(c.Index, k, true)));
            }
        foreach (var (group, list) in terms.OrderBy(kv => kv.Key))
        {
            var sorted = list.OrderBy(x => x.Cell).ThenBy(x => x.Term.Coupling).ThenBy(x => x.Term.Connection).ThenBy(x => x.Term.IntoPre).ToArray();
            var starts = new int[program.Groups[group].Size + 1];
            foreach (var (cell, _) in sorted) starts[cell + 1]++;
            for (int i = 0; i < starts.Length - 1; i++) starts[i + 1] += starts[i];
            _rows[group] = (starts, sorted.Select(x => x.Term).ToArray());
        }
    }

    /// <summary>The groups that receive coupling currents, in increasing order.</summary>
    public IEnumerable<int> Targets => _rows.Keys.Order();

    /// <summary>Per cell of <paramref name="group"/>, where its terms begin in <see cref="Entries"/> (one more value than cells).</summary>
    public int[] Starts(int group) => _rows[group].Starts;

    /// <summary>The terms of <paramref name="group"/>'s cells, cell after cell, each cell's in summation order.</summary>
    public Term[] Entries(int group) => _rows[group].Entries;
}
