using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>
/// The injected current <c>i_inj</c> of every cell, kept on the host as the current sources' schedule says (docs/semantics.md:
/// the current of step k is the sum of the sources' amplitudes at t_k): one array per neuron group, changed in place by
/// each source's change, and the list of groups that changed so a backend uploads each once. Allocates nothing per step.
/// </summary>
public sealed class CurrentInjection
{
    private readonly double[]?[] _sourced;
    private readonly bool[] _coupled;
    private readonly List<int> _changed = [];
    private readonly bool[] _mark;
    private CurrentSchedule _schedule = new([]);

    /// <summary>Creates the arrays for the neuron groups of <paramref name="program"/>.</summary>
    public CurrentInjection(StepProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        _sourced = program.Groups.Select(g => g is NeuronGroupProgram n ? new double[n.Size] : null).ToArray();
        _coupled = new bool[program.Groups.Count];
        _mark = new bool[program.Groups.Count];
        Program = program;
    }

    private StepProgram Program { get; }

    /// <summary>
    /// The current the sources inject into each cell of group <paramref name="group"/> (nA); null for spike sources. For a
    /// group that receives coupling currents (<see cref="Couple"/>), the backend adds those to it on its side every step.
    /// </summary>
    public double[]? Of(int group) => _sourced[group];

    /// <summary>Marks the groups that receive coupling currents (they count as targeted, <see cref="Targets"/>).</summary>
    public void Couple(IEnumerable<int> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        foreach (int g in groups) _coupled[g] = true;
    }

    /// <summary>The sources followed.</summary>
    public IReadOnlyList<CurrentSourceSpec> Sources => _schedule.Sources;

    /// <summary>Whether some source or coupling targets group <paramref name="group"/>.</summary>
    public bool Targets(int group) => _coupled[group] || _schedule.Sources.Any(s => s.Population == group);

    /// <summary>Sets the sources.</summary>
    /// <exception cref="InvalidParameterValueException">A source targets a group that takes no injected current.</exception>
    public void SetSources(IReadOnlyList<CurrentSourceSpec> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        foreach (var s in sources)
            if (Program.Groups[s.Population] is not NeuronGroupProgram { Injectable: true })
                throw new InvalidParameterValueException($"Current source {s.Kind} targets '{Program.Groups[s.Population].Label}', which is not injectable.");
        _schedule = new CurrentSchedule(sources);
    }

    /// <summary>
    /// Recomputes every injected current for step <paramref name="step"/>; every neuron group counts as changed. The span
    /// returned is valid until the next call of <see cref="Seek"/> or <see cref="Advance"/>.
    /// </summary>
    public ReadOnlySpan<int> Seek(long step)
    {
        foreach (var a in _sourced) if (a is not null) Array.Clear(a);
        _schedule.Seek(step);
        for (int j = 0; j < _schedule.Sources.Count; j++) Add(j, _schedule.Amplitude(j));
        _changed.Clear();
        for (int g = 0; g < _sourced.Length; g++) if (_sourced[g] is not null) _changed.Add(g);
        return CollectionsMarshal.AsSpan(_changed);
    }

    /// <summary>
    /// Applies the changes at step <paramref name="step"/> (the step after the last one seen); returns the groups changed, a
    /// span valid until the next call of <see cref="Seek"/> or <see cref="Advance"/> (a span, so the step loop's
    /// <c>foreach</c> over it allocates nothing).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<int> Advance(long step)
    {
        foreach (int g in _changed) _mark[g] = false;
        _changed.Clear();
        foreach (var (source, delta) in _schedule.Advance(step))
        {
            int g = Add(source, delta);
            if (!_mark[g]) { _mark[g] = true; _changed.Add(g); }
        }
        return CollectionsMarshal.AsSpan(_changed);
    }

    private int Add(int source, double amplitude)
    {
        var s = _schedule.Sources[source];
        var sourced = _sourced[s.Population]!;
        foreach (var c in s.Cells) sourced[c] += amplitude;
        return s.Population;
    }
}
