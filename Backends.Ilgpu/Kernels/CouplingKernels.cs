using System.Runtime.InteropServices;
using ILGPU;

namespace Meta.Backends.Ilgpu.Kernels;

/// <summary>
/// The arguments of a generated coupling kernel (one coupling, one step; docs/semantics.md, "Continuous coupling"): one thread
/// per connection reads its cells' start-of-step states, writes its currents to the flat array of terms and advances its
/// own states.
/// </summary>
/// <typeparam name="T">The cells' element type, float or double; the coupling computes in double.</typeparam>
[StructLayout(LayoutKind.Sequential)]
public struct CouplingArgs<T> where T : unmanaged
{
    /// <summary>The number of connections.</summary>
    public int N;
    /// <summary>The time step in ms.</summary>
    public double Dt;
    /// <summary>The pre cell (within its group) of each connection.</summary>
    public ArrayView<int> Pre;
    /// <summary>The post cell (within its group) of each connection.</summary>
    public ArrayView<int> Post;
    /// <summary>The network's state buffer (every neuron group's states).</summary>
    public ArrayView<T> State;
    /// <summary>Where each state the kernel reads begins in <see cref="State"/>: the pre states, then the post states.</summary>
    public ArrayView<int> Offsets;
    /// <summary>The connection's buffers, one row of <see cref="N"/> values each in declaration order.</summary>
    public ArrayView<double> Buffers;
    /// <summary>The flat array of terms (<c>CouplingLayout</c>).</summary>
    public ArrayView<double> Terms;
    /// <summary>Where the currents into the post cells begin in <see cref="Terms"/>.</summary>
    public int PostTerm;
    /// <summary>Where the reverse currents into the pre cells begin in <see cref="Terms"/> (a bidirectional coupling).</summary>
    public int PreTerm;
}

/// <summary>The arguments of <see cref="CouplingKernels.SumFloat64"/>: one target group, one step.</summary>
/// <typeparam name="T">The cells' element type, float or double.</typeparam>
[StructLayout(LayoutKind.Sequential)]
public struct CouplingSumArgs<T> where T : unmanaged
{
    /// <summary>The number of cells.</summary>
    public int N;
    /// <summary>Per cell, where its terms begin in <see cref="Indices"/> (N + 1 values).</summary>
    public ArrayView<int> Starts;
    /// <summary>The position of each of a cell's terms in <see cref="Terms"/>, in summation order.</summary>
    public ArrayView<int> Indices;
    /// <summary>The flat array of terms.</summary>
    public ArrayView<double> Terms;
    /// <summary>The sources' current of each cell (nA).</summary>
    public ArrayView<double> Sourced;
    /// <summary>The injected current the cells' kernel reads (nA).</summary>
    public ArrayView<T> Injected;
}

/// <summary>
/// The per-cell sum of the coupling currents: one thread per cell adds its terms from 0 in the layout's order (a segment sum
/// over post-sorted rows, no atomics, so the float64 sum is the CPU's bit for bit) and writes sources plus sum.
/// </summary>
public static class CouplingKernels
{
    /// <summary>The sum into float64 cells.</summary>
    public static void SumFloat64(CouplingSumArgs<double> a)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int cell = Grid.GlobalIndex.X; cell < a.N; cell += stride) a.Injected[cell] = Sum(a.Starts, a.Indices, a.Terms, a.Sourced, cell);
    }

    /// <summary>The sum into float32 cells: computed in float64, rounded once.</summary>
    public static void SumFloat32(CouplingSumArgs<float> a)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int cell = Grid.GlobalIndex.X; cell < a.N; cell += stride) a.Injected[cell] = (float)Sum(a.Starts, a.Indices, a.Terms, a.Sourced, cell);
    }

    private static double Sum(ArrayView<int> starts, ArrayView<int> indices, ArrayView<double> terms, ArrayView<double> sourced, int cell)
    {
        double sum = 0;
        for (int e = starts[cell]; e < starts[cell + 1]; e++) sum += terms[indices[e]];
        return sourced[cell] + sum;
    }
}
