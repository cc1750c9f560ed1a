using Meta.Backends.Programs;
using Meta.Backends.Runtime;

namespace Meta.Backends.Cpu;

/// <summary>
/// Delay ring buffer of one receptor of one population: input arriving at step a is summed in slot a mod Slots
/// and added to the receptor's state variable at the start of step a.
/// </summary>
internal sealed class InputRing(int cells, int slots)
{
    public int Cells { get; } = cells;
    public int Slots { get; } = slots;
    public double[] Buffer { get; } = new double[cells * slots];

    public Span<double> Slot(long step) => Buffer.AsSpan((int)(step % Slots) * Cells, Cells);

    public void Clear() => Array.Clear(Buffer);
}

/// <summary>
/// One projection in compressed sparse row form by presynaptic cell: for pre cell i, synapses
/// <c>RowStart[i] .. RowStart[i+1]</c> hold post index, weight and delay (steps). Per-synapse arrays are
/// indexed by synapse id, so per-synapse state (plasticity) can be added alongside without a rewrite.
/// </summary>
internal sealed class SynapseTable
{
    public SynapseTable(SynapseGroupProgram spec, int preSize, InputRing target)
    {
        Spec = spec;
        Target = target;
        var rows = new ConnectionRows(spec.PreIndices, preSize);
        RowStart = rows.Start;
        SpecToRow = rows.PositionOf;
        Post = rows.ByPosition(spec.PostIndices);
        Weight = rows.ByPosition(spec.Weights);
        Delay = rows.ByPosition(spec.DelaySteps);
    }

    public SynapseGroupProgram Spec { get; }
    public InputRing Target { get; }
    public int[] RowStart { get; }
    public int[] Post { get; }
    public double[] Weight { get; }
    public int[] Delay { get; }
    /// <summary>Position in the CSR arrays of each connection in spec order.</summary>
    public int[] SpecToRow { get; }

    /// <summary>Queues the synapses of pre cell <paramref name="pre"/>, which spiked at time index <paramref name="s"/>.</summary>
    public void Deliver(int pre, long s)
    {
        var buffer = Target.Buffer;
        int cells = Target.Cells, slots = Target.Slots, now = (int)(s % slots);
        for (int k = RowStart[pre], end = RowStart[pre + 1]; k < end; k++)
        {
            int slot = now + Delay[k];
            if (slot >= slots) slot -= slots;
            buffer[slot * cells + Post[k]] += Weight[k];
        }
    }

    public void SetWeights(double[] specOrder)
    {
        for (int k = 0; k < specOrder.Length; k++) Weight[SpecToRow[k]] = specOrder[k];
    }

    public void SetDelays(double[] specOrderSteps)
    {
        for (int k = 0; k < specOrderSteps.Length; k++) Delay[SpecToRow[k]] = (int)specOrderSteps[k];
    }
}
