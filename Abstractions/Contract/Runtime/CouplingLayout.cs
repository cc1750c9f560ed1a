using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>
/// The fixed order in which the coupling currents reaching a cell are summed, shared by every backend so that float sums are
/// reproducible (docs/semantics.md, "Continuous coupling"): per target cell, its contributions sorted by coupling, then
/// connection, then side (the current into the post cell before the reverse current of a bidirectional coupling into the
/// pre cell). Laid out per target group as compressed rows: <see cref="Starts"/> per cell, <see cref="Entries"/> in order.
/// <para>
/// A backend computes every connection's currents into one flat array of terms (<see cref="TermCount"/> values): coupling
/// c's current into the post cell of its connection j at <see cref="PostTerm"/>(c) + j, and the reverse current of a
/// bidirectional coupling at <see cref="PreTerm"/>(c) + j. <see cref="TermIndices"/> gives each entry's position in it, so a
/// cell's sum is a gather of its row, added from 0 in row order (a segment sum with no atomics).
/// </para>
/// </summary>
public sealed class CouplingLayout
{
    /// <summary>One term of a cell's sum: coupling <paramref name="Coupling"/>'s connection <paramref name="Connection"/>, into its pre cell if <paramref name="IntoPre"/>.</summary>
    /// <param name="Coupling">The coupling's index in <see cref="StepProgram.Couplings"/>.</param>
    /// <param name="Connection">The connection, in the coupling's connection order.</param>
    /// <param name="IntoPre">Whether it is the reverse current into the pre cell (a bidirectional coupling).</param>
    public readonly record struct Term(int Coupling, int Connection, bool IntoPre);

    private readonly Dictionary<int, (int[] Starts, Term[] Entries, int[] Indices)> _rows = [];
    private readonly int[] _postTerm, _preTerm;

    /// <summary>Lays out the couplings of <paramref name="program"/>.</summary>
    public CouplingLayout(StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        _postTerm = new int[program.Couplings.Count];
        _preTerm = new int[program.Couplings.Count];
        int next = 0;
        foreach (var c in program.Couplings)
        {
            _postTerm[c.Index] = next;
            next += c.Count;
            _preTerm[c.Index] = c.Kernel.PreCurrent is null ? -1 : next;
            if (c.Kernel.PreCurrent is not null) next += c.Count;
        }
        TermCount = next;
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
            var entries = sorted.Select(x => x.Term).ToArray();
            _rows[group] = (starts, entries, entries.Select(TermIndex).ToArray());
        }
    }

    /// <summary>The groups that receive coupling currents, in increasing order.</summary>
    public IEnumerable<int> Targets => _rows.Keys.Order();

    /// <summary>Whether group <paramref name="group"/> receives coupling currents.</summary>
    public bool IsTarget(int group) => _rows.ContainsKey(group);

    /// <summary>Per cell of <paramref name="group"/>, where its terms begin in <see cref="Entries"/> (one more value than cells).</summary>
    public int[] Starts(int group) => _rows[group].Starts;

    /// <summary>The terms of <paramref name="group"/>'s cells, cell after cell, each cell's in summation order.</summary>
    public Term[] Entries(int group) => _rows[group].Entries;

    /// <summary>The position of each of <see cref="Entries"/>(<paramref name="group"/>) in the flat array of terms.</summary>
    public int[] TermIndices(int group) => _rows[group].Indices;

    /// <summary>The length of the flat array of terms: every connection's post current, and pre current where bidirectional.</summary>
    public int TermCount { get; }

    /// <summary>Where coupling <paramref name="coupling"/>'s currents into its post cells begin in the flat array of terms.</summary>
    public int PostTerm(int coupling) => _postTerm[coupling];

    /// <summary>Where coupling <paramref name="coupling"/>'s reverse currents into its pre cells begin, or −1 for a one-way coupling.</summary>
    public int PreTerm(int coupling) => _preTerm[coupling];

    /// <summary>The position of term <paramref name="term"/> in the flat array of terms.</summary>
    public int TermIndex(Term term) => (term.IntoPre ? _preTerm[term.Coupling] : _postTerm[term.Coupling]) + term.Connection;

    /// <summary>The most terms any cell of <paramref name="group"/> sums.</summary>
    public int MostTerms(int group)
    {
        var starts = Starts(group);
        int most = 0;
        for (int i = 0; i + 1 < starts.Length; i++) most = Math.Max(most, starts[i + 1] - starts[i]);
        return most;
    }
}
