using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>How a backend lays out a coupling's buffers: every buffer one value per connection, in connection order.</summary>
public static class CouplingBuffers
{
    /// <summary>The names of <paramref name="kernel"/>'s buffers, in declaration order.</summary>
    public static string[] Names(CouplingKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return kernel.Buffers.Select(b => b.Name).ToArray();
    }

    /// <summary><paramref name="values"/> as one value per connection of <paramref name="coupling"/> (a uniform buffer's one value repeated).</summary>
    public static double[] PerConnection(CouplingProgram coupling, double[] values)
    {
        ArgumentNullException.ThrowIfNull(coupling);
        ArgumentNullException.ThrowIfNull(values);
        return values.Length == coupling.Count ? (double[])values.Clone()
            : values.Length == 1 ? Enumerable.Repeat(values[0], coupling.Count).ToArray()
            : throw new ArgumentException($"Coupling '{coupling.Label}': {values.Length} values for {coupling.Count} connections.", nameof(values));
    }

    /// <summary>Every buffer of <paramref name="coupling"/> as one value per connection, in <see cref="Names"/> order.</summary>
    public static double[][] Initial(CouplingProgram coupling)
    {
        ArgumentNullException.ThrowIfNull(coupling);
        return coupling.Kernel.Buffers.Select(b => coupling.Values.TryGetValue(b.Name, out var v) ? PerConnection(coupling, v)
            : throw new ArgumentException($"Coupling '{coupling.Label}' has no values for buffer '{b.Name}'.", nameof(coupling))).ToArray();
    }
}
