using System.Security.Cryptography;
using System.Text;
using Meta.Expressions;

namespace Meta.Backends.Programs;

/// <summary>
/// The per-connection code of a continuous coupling (a gap junction, a graded synapse), produced once by the lowering for
/// every backend (docs/semantics.md, "Continuous coupling"). In every step, from the start-of-step values of the pre and
/// post cells' states (symbols <c>NAME_pre</c>, <c>NAME_post</c>) and of the connection's buffers, it computes the current
/// <see cref="PostCurrent"/> injected into the post cell (and, for a bidirectional coupling, <see cref="PreCurrent"/> into
/// the pre cell), then advances the connection's own states with <see cref="Update"/> (<see cref="Let"/> and
/// <see cref="Store"/> statements over the same symbols and <see cref="KernelSymbols.Timestep"/>).
/// </summary>
public sealed record CouplingKernel
{
    /// <summary>The coupling model it was lowered from (for messages).</summary>
    public required string Model { get; init; }
    /// <summary>The per-connection (<see cref="Storage.PerCell"/>) and shared (<see cref="Storage.Uniform"/>) buffers: parameters and states.</summary>
    public required IReadOnlyList<BufferDeclaration> Buffers { get; init; }
    /// <summary>The presynaptic cell states read, by their name in the cell (the kernel reads them as <c>NAME_pre</c>).</summary>
    public required IReadOnlyList<string> PreStates { get; init; }
    /// <summary>The postsynaptic cell states read, by their name in the cell (the kernel reads them as <c>NAME_post</c>).</summary>
    public required IReadOnlyList<string> PostStates { get; init; }
    /// <summary>The current injected into the post cell (nA), added to its <see cref="KernelSymbols.InjectedCurrent"/> for the step.</summary>
    public required Expr PostCurrent { get; init; }
    /// <summary>For a bidirectional coupling, the current injected into the pre cell (nA); null otherwise.</summary>
    public Expr? PreCurrent { get; init; }
    /// <summary>The update of the connection's states over the step, run after the currents: locals, then stores.</summary>
    public IReadOnlyList<Statement> Update { get; init; } = [];

    /// <summary>The symbol by which the kernel reads presynaptic cell state <paramref name="state"/>.</summary>
    public static string PreSymbol(string state) => state + "_pre";

    /// <summary>The symbol by which the kernel reads postsynaptic cell state <paramref name="state"/>.</summary>
    public static string PostSymbol(string state) => state + "_post";

    /// <summary>The declaration of buffer <paramref name="name"/>, or null.</summary>
    public BufferDeclaration? Buffer(string name) => Buffers.FirstOrDefault(b => b.Name == name);

    /// <summary>The names of the state buffers.</summary>
    public IEnumerable<string> States => Buffers.Where(b => b.Role == BufferRole.State).Select(b => b.Name);

    /// <summary>The structure key: a hash of <see cref="ToText"/>.</summary>
    public string Key => _key ??= Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ToText())))[..32];

    private string? _key;

    /// <summary>The kernel as readable text.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append("coupling ").Append(Model).Append(": pre ").Append(string.Join(",", PreStates))
            .Append(", post ").Append(string.Join(",", PostStates)).AppendLine();
        foreach (var b in Buffers) sb.Append("  buffer ").Append(b.Name).Append(' ').Append(b.Role).Append(' ').Append(b.Storage).AppendLine();
        sb.Append("  post current ").AppendLine(PostCurrent.ToString());
        if (PreCurrent is not null) sb.Append("  pre current ").AppendLine(PreCurrent.ToString());
        foreach (var s in Update) sb.Append("    ").AppendLine(CellKernel.Describe(s));
        return sb.ToString();
    }
}

/// <summary>
/// One continuous coupling between two neuron groups as explicit connection arrays (connection order) and its kernel: no
/// delay, no receptor; its currents reach the cells' injected current in the step they are computed.
/// </summary>
public sealed record CouplingProgram
{
    /// <summary>Position in <see cref="StepProgram.Couplings"/>.</summary>
    public required int Index { get; init; }
    /// <summary>The label (for messages).</summary>
    public required string Label { get; init; }
    /// <summary>The coupling type's PyNN name (<c>ElectricalSynapse</c>, <c>GradedSynapse</c>).</summary>
    public required string Type { get; init; }
    /// <summary>The presynaptic neuron group.</summary>
    public required int PreGroup { get; init; }
    /// <summary>The postsynaptic neuron group.</summary>
    public required int PostGroup { get; init; }
    /// <summary>Presynaptic cell (within the pre group) per connection.</summary>
    public required int[] PreIndices { get; init; }
    /// <summary>Postsynaptic cell (within the post group) per connection.</summary>
    public required int[] PostIndices { get; init; }
    /// <summary>The code of a connection.</summary>
    public required CouplingKernel Kernel { get; init; }
    /// <summary>
    /// The values of every buffer of <see cref="Kernel"/>: per-connection ones have <see cref="Count"/> values, uniform ones 1.
    /// State values are the initial values.
    /// </summary>
    public required IReadOnlyDictionary<string, double[]> Values { get; init; }
    /// <summary>The number of connections.</summary>
    public int Count => PreIndices.Length;
}
