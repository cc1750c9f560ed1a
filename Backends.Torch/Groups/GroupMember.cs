using Meta.Backends.Programs;

namespace Meta.Backends.Torch.Groups;

/// <summary>One population of a <see cref="NeuronGroup"/>: its place in the group, its kernel and its buffer values.</summary>
internal sealed class GroupMember
{
    private readonly Dictionary<string, double[]> _values = new(StringComparer.Ordinal);

    public GroupMember(NeuronGroupProgram program, int offset)
    {
        Program = program;
        Offset = offset;
        Kernel = program.Kernel;
        SetValues(program.Values);
    }

    public NeuronGroupProgram Program { get; }
    /// <summary>The group cell of the population's first cell.</summary>
    public int Offset { get; }
    public int Size => Program.Size;
    public CellKernel Kernel { get; private set; }
    /// <summary>Whether a current source targets the population.</summary>
    public bool Injected { get; set; }

    /// <summary>The values of a non-state buffer: one number for a uniform buffer, else one per cell.</summary>
    public double[] Values(string name) => _values.TryGetValue(name, out var v) ? v
        : throw new ArgumentException($"No values for buffer '{name}' of '{Program.Label}'.", nameof(name));

    /// <summary>Takes a new kernel; buffers that became per cell keep their value in every cell until given new ones.</summary>
    public void SetKernel(CellKernel kernel)
    {
        Kernel = kernel;
        foreach (var b in kernel.Buffers)
            if (b.Storage == Storage.PerCell && _values.TryGetValue(b.Name, out var v) && v.Length != Size)
                _values[b.Name] = Enumerable.Repeat(v[0], Size).ToArray();
    }

    /// <summary>New values of some non-state buffers (laid out as in <see cref="NeuronGroupProgram.Values"/>).</summary>
    public void SetValues(IReadOnlyDictionary<string, double[]> values)
    {
        foreach (var (name, v) in values)
            if (Kernel.Buffer(name) is { Role: not BufferRole.State } b) _values[name] = b.Storage == Storage.Uniform ? [v[0]] : (double[])v.Clone();
    }

    /// <summary>Whether one plan with the same uniform values serves both populations, bit for bit as each alone.</summary>
    public bool RunsLike(GroupMember other) => RunLike(Kernel, _values, other.Kernel, other._values);

    /// <summary>Whether two kernels have the same structure and their uniform buffers the same values.</summary>
    public static bool RunLike(CellKernel a, IReadOnlyDictionary<string, double[]> aValues, CellKernel b, IReadOnlyDictionary<string, double[]> bValues) =>
        a.Key == b.Key && a.Buffers.Where(x => x.Storage == Storage.Uniform).All(x => aValues[x.Name][0].Equals(bValues[x.Name][0]));
}
