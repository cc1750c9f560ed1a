using System.Numerics;
using System.Runtime.CompilerServices;
using Meta.Backends.Programs;

namespace Meta.Backends.Cpu;

/// <summary>
/// Lets the float64-only parts of the CPU runtime (plastic synapse tables and continuous couplings, whose compiled code
/// works on <c>double</c> arrays) run in a float32 engine: plastic projections transmit into float64 staging rings that are
/// added, rounded once, into the receptors' float32 rings at the start of the step that reads them; couplings read float64
/// copies of the cells' states taken at the start of the step and write float64 injected currents that are rounded into the
/// cells' float32 ones after they run. In a float64 engine nothing is staged or copied.
/// </summary>
internal sealed class Float64Bridge<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<(InputRing<double> Staging, InputRing<T> Target)> _rings = [];
    private readonly Dictionary<(int Group, string State), double[]> _states = [];
    private readonly Dictionary<int, double[]> _injected = [];

    /// <summary>Whether the engine's numbers are float64, so that its own arrays serve directly.</summary>
    public static bool Direct => typeof(T) == typeof(double);

    /// <summary>The float64 ring a plastic projection transmits into, for the float32 ring <paramref name="target"/> (one per ring).</summary>
    public InputRing<double> RingFor(InputRing<T> target)
    {
        if (Direct) return (InputRing<double>)(object)target;
        foreach (var (staging, t) in _rings)
            if (ReferenceEquals(t, target)) return staging;
        var ring = new InputRing<double>(target.Cells, target.Slots);
        _rings.Add((ring, target));
        return ring;
    }

    /// <summary>Adds what plastic projections queued for step <paramref name="k"/> to the float32 rings, and clears it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MoveArrivals(long k)
    {
        foreach (var (staging, target) in _rings)
        {
            var from = staging.Slot(k);
            var to = target.Slot(k);
            for (int i = 0; i < from.Length; i++)
            {
                if (from[i] == 0) continue;
                to[i] += T.CreateTruncating(from[i]);
                from[i] = 0;
            }
        }
    }

    /// <summary>The float64 form of a cell state for the couplings: the array itself in float64, else a copy taken now.</summary>
    public double[] State(int group, string name, T[] values)
    {
        if (Direct) return (double[])(object)values;
        if (!_states.TryGetValue((group, name), out var copy)) _states[(group, name)] = copy = new double[values.Length];
        for (int i = 0; i < values.Length; i++) copy[i] = double.CreateTruncating(values[i]);
        return copy;
    }

    /// <summary>The float64 array the couplings write group <paramref name="group"/>'s injected current into.</summary>
    public double[] Injected(int group, T[] values)
    {
        if (Direct) return (double[])(object)values;
        if (!_injected.TryGetValue(group, out var array)) _injected[group] = array = new double[values.Length];
        return array;
    }

    /// <summary>Rounds the couplings' injected currents into the cells' float32 arrays (<paramref name="target"/> gives a group's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void StoreInjected(Func<int, T[]> target)
    {
        foreach (var (group, values) in _injected)
        {
            var to = target(group);
            for (int i = 0; i < values.Length; i++) to[i] = T.CreateTruncating(values[i]);
        }
    }

    /// <summary>Clears the staging rings.</summary>
    public void Clear()
    {
        foreach (var (staging, _) in _rings) staging.Clear();
    }
}
