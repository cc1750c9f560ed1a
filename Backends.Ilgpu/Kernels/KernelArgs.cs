using System.Runtime.InteropServices;
using ILGPU;

namespace Meta.Backends.Ilgpu.Kernels;

/// <summary>
/// Where a population's spikes of one time index go on the device: the step's spike list (read by the delivery
/// kernels), when the population records spikes the run's spike log (copied back in blocks), and when synapse kernels
/// read its spikes its spike history.
/// <para>
/// The list's length lives in <c>Count[Parity]</c>, with <c>Parity = s mod 2</c> for time index s. The emitting kernel
/// clears the other entry, the one used for index s − 1, whose delivery kernels have already run; so no launch is
/// needed to reset the counter.
/// </para>
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct SpikeOutput
{
    /// <summary>The cells (population indices) that spiked at this index, in no particular order.</summary>
    public ArrayView<int> List;
    /// <summary>Two counters; <c>Count[Parity]</c> is this index's list length.</summary>
    public ArrayView<int> Count;
    /// <summary>The time index modulo 2.</summary>
    public int Parity;
    /// <summary>Whether spikes are logged for recording (1) or not (0).</summary>
    public int LogEnabled;
    /// <summary>The log: global cell index per entry.</summary>
    public ArrayView<int> LogCells;
    /// <summary>The log: time index minus <see cref="LogOrigin"/> per entry (kept as int).</summary>
    public ArrayView<int> LogSteps;
    /// <summary>Whether the log carries offsets (1: a logged population has precise spike times) or not (0).</summary>
    public int LogOffsetsEnabled;
    /// <summary>The log: the spike's offset from the grid per entry (ms; precise spike times), written by <see cref="Emit(int, double)"/>.</summary>
    public ArrayView<double> LogOffsets;
    /// <summary>The log's length (one counter).</summary>
    public ArrayView<int> LogCount;
    /// <summary>The global index of the population's first cell.</summary>
    public int LogCellBase;
    /// <summary>The value written to <see cref="LogSteps"/> for this index.</summary>
    public int LogStep;
    /// <summary>Whether spikes are stamped into the population's spike history (1) or not (0).</summary>
    public int HistoryEnabled;
    /// <summary>The population's spike history (<see cref="HistoryArgs.History"/>).</summary>
    public ArrayView<long> History;
    /// <summary>The offset of this index's slot in <see cref="History"/>: (s mod slots)·size.</summary>
    public long HistoryOffset;
    /// <summary>The stamp of one spike at this index (<see cref="HistoryArgs.Stamp"/> with a count of 1).</summary>
    public long HistoryStamp;

    /// <summary>Clears the counter of the previous index (once per launch).</summary>
    public readonly void Begin()
    {
        if (Grid.GlobalIndex.X == 0) Count[1 - Parity] = 0;
    }

    /// <summary>Appends a spike of <paramref name="cell"/>.</summary>
    public readonly void Emit(int cell) => Emit(cell, 0);

    /// <summary>Appends a spike of <paramref name="cell"/> whose time is <paramref name="offset"/> ms from the grid (precise spike times).</summary>
    public readonly void Emit(int cell, double offset)
    {
        int at = Atomic.Add(ref Count[Parity], 1);
        List[at] = cell;
        if (HistoryEnabled != 0) History[HistoryOffset + cell] = HistoryStamp;
        if (LogEnabled != 0)
        {
            int l = Atomic.Add(ref LogCount[0], 1);
            LogCells[l] = LogCellBase + cell;
            LogSteps[l] = LogStep;
            if (LogOffsetsEnabled != 0) LogOffsets[l] = offset;
        }
    }
}

/// <summary>
/// The arguments of a generated cell kernel (one group, one step). Per-cell arrays are flattened with the cell index
/// fastest: element (k, j) of an array of K rows is at <c>k·N + j</c>.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
[StructLayout(LayoutKind.Sequential)]
public struct NeuronArgs<T> where T : unmanaged
{
    /// <summary>The number of cells.</summary>
    public int N;
    /// <summary>The time step in ms.</summary>
    public T Dt;
    /// <summary>The time at the start of the step, ms.</summary>
    public T Time;
    /// <summary>The state buffers, one row per state in the kernel's declaration order (the group's rows of the network's state buffer).</summary>
    public ArrayView<T> State;
    /// <summary>The other per-cell buffers, one row each in declaration order.</summary>
    public ArrayView<T> Cells;
    /// <summary>The uniform buffers, one value each in declaration order.</summary>
    public ArrayView<T> Uniforms;
    /// <summary>The injected current of the step (nA).</summary>
    public ArrayView<T> Injected;
    /// <summary>Remaining refractory steps.</summary>
    public ArrayView<int> Refractory;
    /// <summary>The delay rings: receptor r, slot q, cell j at <c>r·RingStride + q·N + j</c>.</summary>
    public ArrayView<T> Ring;
    /// <summary>Slots × N.</summary>
    public int RingStride;
    /// <summary>The slot of this step times N.</summary>
    public int RingOffset;
    /// <summary>Where spikes go.</summary>
    public SpikeOutput Output;
    /// <summary>The step index k (the counter of the kernel's draws).</summary>
    public long Step;
    /// <summary>The simulation seed (the Philox key of the draws).</summary>
    public ulong Seed;
    /// <summary>The global index of the group's first cell (the draws' streams are per global cell).</summary>
    public int FirstGlobalIndex;
}

/// <summary>Arguments of the Poisson source kernel (one population, one time index).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PoissonArgs
{
    /// <summary>The number of cells.</summary>
    public int N;
    /// <summary>The time index s.</summary>
    public long Step;
    /// <summary>The simulation seed (Philox key).</summary>
    public ulong Seed;
    /// <summary>The global index of the first cell (its Philox stream is 2^32 + global index).</summary>
    public int FirstGlobalIndex;
    /// <summary>
    /// Per cell, ⌈p·2^53⌉ with p = 1 − exp(−rate·dt/1000): the 53-bit draw b spikes when b &lt; threshold, which is
    /// exactly <c>Philox.Uniform(...) &lt; p</c>. Zero where the rate is not positive.
    /// </summary>
    public ArrayView<ulong> Threshold;
    /// <summary>Per cell, the first index with start ≤ s·dt.</summary>
    public ArrayView<long> FirstStep;
    /// <summary>Per cell, the first index with s·dt ≥ start + duration.</summary>
    public ArrayView<long> EndStep;
    /// <summary>Where spikes go.</summary>
    public SpikeOutput Output;
}

/// <summary>Arguments of the spike delivery kernel (one projection, one time index).</summary>
/// <typeparam name="T">float or double.</typeparam>
[StructLayout(LayoutKind.Sequential)]
public struct DeliveryArgs<T> where T : unmanaged
{
    /// <summary>The presynaptic cells that spiked.</summary>
    public ArrayView<int> Spikes;
    /// <summary>The device counters of <see cref="SpikeOutput"/> (read when <see cref="HostCount"/> &lt; 0).</summary>
    public ArrayView<int> Count;
    /// <summary>Which counter.</summary>
    public int Parity;
    /// <summary>The number of spikes when the host knows it (spike arrays), else −1.</summary>
    public int HostCount;
    /// <summary>CSR rows by presynaptic cell.</summary>
    public ArrayView<int> RowStart;
    /// <summary>Postsynaptic cell per synapse.</summary>
    public ArrayView<int> Post;
    /// <summary>Delay in steps per synapse.</summary>
    public ArrayView<int> Delay;
    /// <summary>Weight per synapse.</summary>
    public ArrayView<T> Weight;
    /// <summary>The receptor's ring of the postsynaptic population: slot q, cell j at <c>q·PostSize + j</c>.</summary>
    public ArrayView<T> Ring;
    /// <summary>The postsynaptic population size.</summary>
    public int PostSize;
    /// <summary>The number of ring slots.</summary>
    public int Slots;
    /// <summary>s mod Slots.</summary>
    public int Now;
}

/// <summary>
/// Arguments of delivery with exact off-grid spikes (one projection, one time index):
/// <see cref="StaticKernels.DeliverOffGridFloat64"/>. The arguments of plain delivery plus the offsets, decay rates and
/// second ring of the off-grid part.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
[StructLayout(LayoutKind.Sequential)]
public struct OffGridArgs<T> where T : unmanaged
{
    /// <summary>What plain delivery reads: the spikes, the synapse rows and the receptor's ring.</summary>
    public DeliveryArgs<T> Delivery;
    /// <summary>Each spike's offset from the grid (ms, ≤ 0): by spike position, or by cell when <see cref="OffsetByCell"/> is 1.</summary>
    public ArrayView<T> Offsets;
    /// <summary>1 when <see cref="Offsets"/> is indexed by cell (a neuron group's offset state), 0 by spike position.</summary>
    public int OffsetByCell;
    /// <summary>Decay rate per post cell (1/ms), read at each synapse's post index when <see cref="RatePerCell"/> is 1.</summary>
    public ArrayView<double> Rate;
    /// <summary>1 when the rates differ per post cell, 0 when <see cref="SharedRate"/> serves all.</summary>
    public int RatePerCell;
    /// <summary>The rate of every synapse when they share one.</summary>
    public double SharedRate;
    /// <summary>The receptor's second ring (the layout of <see cref="DeliveryArgs{T}.Ring"/>), which takes the off-grid parts.</summary>
    public ArrayView<T> SecondRing;
}

/// <summary>
/// Arguments of the sampling kernel: one entry per recorded (recorder, cell); all analog recorders of the network at
/// once. Recorder r's rows of the current block start at <c>Base[r]</c>; row i holds the sample of index
/// <c>(⌈BlockStart/m⌉ + i)·m</c>, m its interval.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
[StructLayout(LayoutKind.Sequential)]
public struct RecordArgs<T> where T : unmanaged
{
    /// <summary>The time index sampled.</summary>
    public long Step;
    /// <summary>The first time index of the block.</summary>
    public long BlockStart;
    /// <summary>The number of entries.</summary>
    public int Entries;
    /// <summary>Recorder per entry.</summary>
    public ArrayView<int> Recorder;
    /// <summary>Index into the network's state buffer per entry.</summary>
    public ArrayView<int> Source;
    /// <summary>Column (position among the recorder's cells) per entry.</summary>
    public ArrayView<int> Column;
    /// <summary>Sampling interval in steps per recorder.</summary>
    public ArrayView<int> Interval;
    /// <summary>Number of recorded cells per recorder.</summary>
    public ArrayView<int> Width;
    /// <summary>Offset of the block's first row per recorder.</summary>
    public ArrayView<long> Base;
    /// <summary>The state of every neuron population.</summary>
    public ArrayView<T> State;
    /// <summary>The block's samples.</summary>
    public ArrayView<T> Output;
}

/// <summary>
/// Arguments of the spike-history kernel (one host-scheduled population, one time index). A population's spike history
/// holds, in ring slot <c>s mod Slots</c> for cell i, <c>(s + 1)·2^20 + n</c> when the cell spiked n times (1 ≤ n &lt; 2^20) at
/// index s, so that a synapse event delayed by up to <c>Slots − 1</c> steps finds them (an older stamp, or 0, means no
/// spike at that index). Neuron and Poisson kernels stamp their own spikes, once each (<see cref="SpikeOutput"/>); this
/// kernel stamps a host-scheduled source's list, sorted by cell, counting each cell's repeats.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct HistoryArgs
{
    /// <summary>The cells that spiked.</summary>
    public ArrayView<int> Spikes;
    /// <summary>The number of spikes (the list is sorted by cell).</summary>
    public int Count;
    /// <summary>The history: slot q, cell i at <c>q·Size + i</c>.</summary>
    public ArrayView<long> History;
    /// <summary>The population size.</summary>
    public int Size;
    /// <summary>s mod slots.</summary>
    public int Slot;
    /// <summary>(s + 1)·2^20.</summary>
    public long Stamp;
}

/// <summary>
/// Arguments of a generated synapse kernel (one projection with synapse dynamics, the pre and post events of one time index).
/// Synapses are in the connection order of the step program's projection; per-synapse buffers are flattened with the synapse
/// fastest: element (b, k) of buffer row b is at <c>b·N + k</c>.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
[StructLayout(LayoutKind.Sequential)]
public struct SynapseArgs<T> where T : unmanaged
{
    /// <summary>The number of synapses.</summary>
    public int N;
    /// <summary>The time index s of the events.</summary>
    public long Step;
    /// <summary>The time step in ms.</summary>
    public T Dt;
    /// <summary>The events' time s·dt (ms).</summary>
    public T Time;
    /// <summary>The simulation seed (the Philox key of the draws).</summary>
    public ulong Seed;
    /// <summary>The projection's index in the step program (the draws' streams are per projection and synapse).</summary>
    public int Projection;
    /// <summary>The per-synapse buffers, one row each in declaration order.</summary>
    public ArrayView<T> Buffers;
    /// <summary>The uniform buffers, one value each in declaration order.</summary>
    public ArrayView<T> Uniforms;
    /// <summary>Presynaptic cell per synapse.</summary>
    public ArrayView<int> PreCell;
    /// <summary>Postsynaptic cell per synapse.</summary>
    public ArrayView<int> PostCell;
    /// <summary>The axonal part of the delay, in steps, per synapse.</summary>
    public ArrayView<int> Axonal;
    /// <summary>The dendritic part of the delay, in steps, per synapse.</summary>
    public ArrayView<int> Dendritic;
    /// <summary>The presynaptic population's spike history (<see cref="HistoryArgs"/>).</summary>
    public ArrayView<long> PreHistory;
    /// <summary>The presynaptic population size.</summary>
    public int PreSize;
    /// <summary>The postsynaptic population's spike history (only read for post events).</summary>
    public ArrayView<long> PostHistory;
    /// <summary>The postsynaptic population size.</summary>
    public int PostSize;
    /// <summary>The receptor's ring of the postsynaptic population: slot q, cell j at <c>q·PostSize + j</c>.</summary>
    public ArrayView<T> Ring;
    /// <summary>The number of ring slots (also the history's).</summary>
    public int Slots;
    /// <summary>s mod Slots.</summary>
    public int Now;
}
