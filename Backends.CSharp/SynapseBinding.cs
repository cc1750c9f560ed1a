using Meta.Backends.Programs;

namespace Meta.Backends.CSharp;

/// <summary>
/// The part of a synapse kernel's binding that every C# emitter shares: <c>t</c>, <c>dt</c>, draws as locals <c>d0</c>,
/// <c>d1</c>, … and uniform buffers in <c>U</c>; a backend says where a per-synapse buffer lives and how a transmitted amount
/// reaches the ring. Cell-only statements are refused.
/// </summary>
/// <param name="backend">The backend's name, for messages.</param>
/// <param name="perSynapse">The per-synapse buffers, in the order the emitter lays them out.</param>
/// <param name="uniform">The uniform buffers, in the order of <c>U</c>.</param>
public abstract class SynapseBinding(string backend, IReadOnlyList<string> perSynapse, IReadOnlyList<string> uniform) : IKernelBinding
{
    /// <summary>The C# expression of per-synapse buffer number <paramref name="buffer"/> of the current synapse.</summary>
    protected abstract string PerSynapse(int buffer);

    /// <inheritdoc />
    public abstract IEnumerable<string> Transmit(string value);

    /// <inheritdoc />
    public string Read(string symbol)
    {
        if (symbol == KernelSymbols.Timestep) return "dt";
        if (symbol == KernelSymbols.Time) return "t";
        if (KernelSymbols.TryUniformDraw(symbol, out int u)) return $"d{u}";
        int b = IndexOf(perSynapse, symbol);
        if (b >= 0) return PerSynapse(b);
        b = IndexOf(uniform, symbol);
        if (b >= 0) return $"U[{b}]";
        throw new InvalidModelException($"The {backend} synapse kernel has no buffer '{symbol}'.");
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }

    /// <inheritdoc />
    public IEnumerable<string> Store(string buffer, string value) => [$"{Read(buffer)} = {value};"];

    /// <inheritdoc />
    public IEnumerable<string> ReceiveInput(string local, int receptor) => throw new NotSupportedException("ReceiveInput in a synapse kernel.");
    /// <inheritdoc />
    public IEnumerable<string> ReadRefractory(string local) => throw new NotSupportedException("ReadRefractory in a synapse kernel.");
    /// <inheritdoc />
    public IEnumerable<string> CountDown(string active, string restart, string period) => throw new NotSupportedException("CountDown in a synapse kernel.");
    /// <inheritdoc />
    public IEnumerable<string> EmitSpikes(string mask) => throw new NotSupportedException("EmitSpikes in a synapse kernel.");
}
