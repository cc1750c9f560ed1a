using Meta.Backends.Programs;

namespace Meta.Backends.CSharp;

/// <summary>
/// Where the code of one connection of a <see cref="CouplingKernel"/> finds its symbols, shared by every C# emitter: <c>dt</c>,
/// the pre and post cells' states (<c>NAME_pre</c>, <c>NAME_post</c>) and the connection's buffers; a backend says where each
/// lives. A <see cref="Store"/> is deferred (docs/semantics.md, "Continuous coupling": every statement sees the start-of-step
/// values): it declares a local, and <see cref="Commit"/> writes the locals into the buffers after the last statement.
/// </summary>
/// <param name="backend">The backend's name, for messages.</param>
/// <param name="kernel">The coupling kernel.</param>
/// <param name="numberType">The C# type of the locals of stored values.</param>
public abstract class CouplingBinding(string backend, CouplingKernel kernel, string numberType) : IKernelBinding
{
    private readonly List<(string Buffer, string Local)> _pending = [];

    /// <summary>The C# expression of the pre cell's state number <paramref name="index"/> of <see cref="CouplingKernel.PreStates"/>.</summary>
    protected abstract string PreState(int index);

    /// <summary>The C# expression of the post cell's state number <paramref name="index"/> of <see cref="CouplingKernel.PostStates"/>.</summary>
    protected abstract string PostState(int index);

    /// <summary>The C# expression (assignable) of the connection's buffer number <paramref name="index"/> of <see cref="CouplingKernel.Buffers"/>.</summary>
    protected abstract string Buffer(int index);

    /// <inheritdoc />
    public string Read(string symbol)
    {
        if (symbol == KernelSymbols.Timestep) return "dt";
        for (int p = 0; p < kernel.PreStates.Count; p++)
            if (CouplingKernel.PreSymbol(kernel.PreStates[p]) == symbol) return PreState(p);
        for (int p = 0; p < kernel.PostStates.Count; p++)
            if (CouplingKernel.PostSymbol(kernel.PostStates[p]) == symbol) return PostState(p);
        for (int b = 0; b < kernel.Buffers.Count; b++)
            if (kernel.Buffers[b].Name == symbol) return Buffer(b);
        throw new InvalidModelException($"The {backend} coupling kernel of '{kernel.Model}' has no symbol '{symbol}'.");
    }

    /// <inheritdoc />
    public IEnumerable<string> Store(string buffer, string value)
    {
        _ = Read(buffer);
        string local = $"N{_pending.Count}_{KernelBodyWriter.Sanitize(buffer)}";
        _pending.Add((buffer, local));
        return [$"{numberType} {local} = {value};"];
    }

    /// <summary>The lines writing the stored values into their buffers, in statement order.</summary>
    public IEnumerable<string> Commit() => _pending.Select(p => $"{Read(p.Buffer)} = {p.Local};");

    /// <inheritdoc />
    public IEnumerable<string> ReceiveInput(string local, int receptor) => throw new NotSupportedException("ReceiveInput in a coupling kernel.");
    /// <inheritdoc />
    public IEnumerable<string> ReadRefractory(string local) => throw new NotSupportedException("ReadRefractory in a coupling kernel.");
    /// <inheritdoc />
    public IEnumerable<string> CountDown(string active, string restart, string period) => throw new NotSupportedException("CountDown in a coupling kernel.");
    /// <inheritdoc />
    public IEnumerable<string> EmitSpikes(string mask) => throw new NotSupportedException("EmitSpikes in a coupling kernel.");
}

/// <summary>
/// The C# body of one connection of a <see cref="CouplingKernel"/> (docs/semantics.md, "Continuous coupling"), around which a
/// backend writes its loop: the current into the post cell, the reverse current of a bidirectional coupling, then the update
/// of the connection's states with every store deferred to the end. Translated node for node by <see cref="KernelBodyWriter"/>.
/// </summary>
public static class CouplingBodyWriter
{
    /// <summary>
    /// The lines of the body, indented by <paramref name="indent"/>: <c>postTerm = current;</c>, <c>preTerm = reverse;</c> (a
    /// bidirectional kernel), then the update.
    /// </summary>
    public static string Write(CouplingKernel kernel, CSharpDialect dialect, CouplingBinding binding, string postTerm, string preTerm, string indent)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var writer = new KernelBodyWriter(dialect, binding);
        var sb = new System.Text.StringBuilder();
        sb.Append(indent).Append(postTerm).Append(" = ").Append(writer.Number(kernel.PostCurrent)).AppendLine(";");
        if (kernel.PreCurrent is { } reverse) sb.Append(indent).Append(preTerm).Append(" = ").Append(writer.Number(reverse)).AppendLine(";");
        sb.Append(writer.Write(kernel.Update, indent));
        foreach (var line in binding.Commit()) sb.Append(indent).AppendLine(line);
        return sb.ToString();
    }
}
