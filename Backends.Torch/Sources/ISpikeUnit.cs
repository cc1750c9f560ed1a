using Meta.Backends.Torch.Delivery;
using static TorchSharp.torch;

namespace Meta.Backends.Torch.Sources;

/// <summary>Cells that emit spikes as one block of indices: a neuron group (one or more populations), or one spike source population.</summary>
internal interface ISpikeUnit : IDisposable
{
    /// <summary>The number of cells.</summary>
    int Size { get; }
    /// <summary>The populations in the unit, in order.</summary>
    IReadOnlyList<int> Populations { get; }
    /// <summary>The first unit cell of each population.</summary>
    int[] PopulationOffsets { get; }
    /// <summary>The tables of synapses leaving the unit, in the order they are delivered.</summary>
    List<SynapseTable> Outgoing { get; }
    /// <summary>The unit cells emitting at time index <paramref name="s"/> (int64, ascending, a cell repeated per spike), or null for none.</summary>
    Tensor? Emit(long s);
}

/// <summary>A spike source population, whose parameters change between runs.</summary>
internal interface ISourceUnit : ISpikeUnit
{
    /// <summary>The last index of the current run (no spike is produced beyond it before parameters may change).</summary>
    long LastIndex { set { } }
    /// <summary>Sets a scalar parameter, one value per cell.</summary>
    void SetParameter(string name, double[] values);
    /// <summary>Sets a sequence parameter, one sequence per cell.</summary>
    void SetSequence(string name, double[][] values);
    /// <summary>Returns to index 0: the trains start over.</summary>
    void Reset();
}
