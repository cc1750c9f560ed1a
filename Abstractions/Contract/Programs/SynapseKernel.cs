using System.Security.Cryptography;
using System.Text;

namespace Meta.Backends.Programs;

/// <summary>The events on which a synapse kernel runs code (docs/semantics.md, "Synapse dynamics").</summary>
public enum SynapseEvent
{
    /// <summary>A presynaptic spike reaches the synapse: <c>AxonalDelay</c> steps after the presynaptic cell fired.</summary>
    Pre,
    /// <summary>A postsynaptic spike reaches the synapse: <c>delay − AxonalDelay</c> steps (the dendritic delay) after the postsynaptic cell fired.</summary>
    Post,
}

/// <summary>
/// The per-synapse code of a plastic (or stochastic) synapse type, produced once by the lowering for every backend. It runs for
/// one synapse at a time, on its events only: <see cref="OnPre"/> when a presynaptic spike reaches the synapse and
/// <see cref="OnPost"/> when a postsynaptic spike does. Within one step every synapse's pre events run before its post events.
/// Continuous dynamics between events are already folded into the statements (exact, event-driven decays keyed by the
/// buffer <see cref="LastUpdate"/>), so a backend only evaluates statements.
/// <para>
/// Symbols: the synapse's buffers (<see cref="Storage.PerCell"/> means one value per synapse, in the order of
/// <see cref="SynapseGroupProgram"/>'s connections; <see cref="Storage.Uniform"/> one for the projection), locals,
/// <c>t</c> = the event's time at the synapse (its step × dt, ms), <c>dt</c>, and <see cref="KernelSymbols.UniformDraw"/>
/// draws: draw n of synapse k on the event of step s is
/// <c>Philox.Uniform(seed, RandomStreams.SynapseDraw(projection, k, n), 2·s + (post ? 1 : 0))</c>.
/// Statements: <see cref="Let"/>, <see cref="LetMask"/>, <see cref="Assign"/>, <see cref="Store"/> and, in <see cref="OnPre"/>
/// only, <see cref="Transmit"/>.
/// </para>
/// </summary>
public sealed record SynapseKernel
{
    /// <summary>The buffer holding each synapse's time of its last event (ms), when the code needs it.</summary>
    public const string LastUpdate = "__lastupdate";

    /// <summary>The synapse type it was lowered from (messages, generated-code comments).</summary>
    public required string Model { get; init; }
    /// <summary>The buffers the statements read or write, with their storage.</summary>
    public required IReadOnlyList<BufferDeclaration> Buffers { get; init; }
    /// <summary>The synapse's state buffers, readable by name after a run (<c>weight</c> among them for a plastic weight).</summary>
    public IEnumerable<string> States => Buffers.Where(b => b.Role == BufferRole.State).Select(b => b.Name);
    /// <summary>The number of uniform draws per synapse and pre event.</summary>
    public int PreDraws { get; init; }
    /// <summary>The number of uniform draws per synapse and post event.</summary>
    public int PostDraws { get; init; }
    /// <summary>The code run on a presynaptic event; its <see cref="Transmit"/> statements decide what reaches the receptor.</summary>
    public required IReadOnlyList<Statement> OnPre { get; init; }
    /// <summary>The code run on a postsynaptic event (empty when the type does not react to postsynaptic spikes).</summary>
    public required IReadOnlyList<Statement> OnPost { get; init; }

    /// <summary>Whether the kernel has code for postsynaptic events.</summary>
    public bool HasPost => OnPost.Count > 0;

    /// <summary>The declaration of buffer <paramref name="name"/>, or null.</summary>
    public BufferDeclaration? Buffer(string name) => Buffers.FirstOrDefault(b => b.Name == name);

    /// <summary>The structure key: two kernels with the same key compile to the same code, whatever their values.</summary>
    public string Key => _key ??= Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ToText())))[..32];

    private string? _key;

    /// <summary>The kernel as readable text.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append("synapse kernel ").Append(Model).Append(": pre draws ").Append(PreDraws).Append(", post draws ").Append(PostDraws).AppendLine();
        foreach (var b in Buffers) sb.Append("  buffer ").Append(b.Name).Append(' ').Append(b.Role).Append(' ').Append(b.Storage).AppendLine();
        sb.AppendLine("  on pre");
        foreach (var s in OnPre) sb.Append("    ").AppendLine(CellKernel.Describe(s));
        sb.AppendLine("  on post");
        foreach (var s in OnPost) sb.Append("    ").AppendLine(CellKernel.Describe(s));
        return sb.ToString();
    }
}
