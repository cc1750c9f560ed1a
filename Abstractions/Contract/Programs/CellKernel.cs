using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Meta.Expressions;

namespace Meta.Backends.Programs;

/// <summary>What a buffer of a cell group holds.</summary>
public enum BufferRole
{
    /// <summary>A state variable: read at the start of the step, written by <see cref="Store"/>; recordable by name.</summary>
    State,
    /// <summary>A model parameter, as the user set it.</summary>
    Parameter,
    /// <summary>A number the lowering computes from the parameters and dt (propagators, exponential factors, receptor scales, refractory periods).</summary>
    Coefficient,
    /// <summary>A value the lowering folded out of the kernel's expressions: a sub-expression of uniform values, or a reciprocal.</summary>
    Derived,
}

/// <summary>How a buffer is laid out: one value per cell, or one value for the whole group (per batch variant).</summary>
public enum Storage
{
    /// <summary>One value per cell (and per variant of the batch).</summary>
    PerCell,
    /// <summary>One value shared by every cell of the group (per variant of the batch).</summary>
    Uniform,
}

/// <summary>A buffer a kernel reads or writes.</summary>
/// <param name="Name">Its name: a model's state, parameter or array element name, or a reserved <c>__</c> name of the lowering.</param>
/// <param name="Role">What it holds.</param>
/// <param name="Storage">Per cell or uniform.</param>
public sealed record BufferDeclaration(string Name, BufferRole Role, Storage Storage);

/// <summary>The phases of a step, in the documented order (docs/semantics.md). A kernel fills those its model needs.</summary>
public enum Phase
{
    /// <summary>Read the cell's states into locals.</summary>
    Load,
    /// <summary>Take the input arriving in this step from the delay rings into the receptor targets.</summary>
    ReceiveEvents,
    /// <summary>
    /// Continuous coupling summed into a target variable (gap junctions, graded synapses, axial currents); designed for, not
    /// produced yet: a backend that meets statements here it cannot run refuses the program.
    /// </summary>
    Coupling,
    /// <summary>Advance the states over the step (the integration plan: exact propagators, the chosen scheme, noise terms).</summary>
    Integrate,
    /// <summary>Hold clamped states of refractory cells.</summary>
    Clamp,
    /// <summary>Test the threshold.</summary>
    Threshold,
    /// <summary>Reset the cells that spiked, restart their refractory counters, emit their spikes.</summary>
    Reset,
    /// <summary>Write the states back.</summary>
    Store,
}

/// <summary>The statements of one phase.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Statements">Its statements, in order.</param>
public sealed record KernelPhase(Phase Phase, IReadOnlyList<Statement> Statements);

/// <summary>
/// The per-cell body of one step of a neuron group, produced once by the lowering for every backend: what to compute,
/// never how to loop, store or synchronise. It holds no parameter value: values live in buffers
/// (<see cref="NeuronGroupProgram.Values"/>), so a kernel is keyed by its structure (<see cref="Key"/>) and changing a
/// value, between runs or across networks, never needs a new kernel.
/// </summary>
public sealed record CellKernel
{
    /// <summary>The model it was lowered from (for messages and generated-code comments).</summary>
    public required string Model { get; init; }
    /// <summary>The buffers the statements read or write, with their storage; per-cell and uniform ones in this order.</summary>
    public required IReadOnlyList<BufferDeclaration> Buffers { get; init; }
    /// <summary>The number of receptors (delay rings) the kernel reads with <see cref="ReceiveInput"/>.</summary>
    public required int Receptors { get; init; }
    /// <summary>The number of uniform draws per cell and step (<see cref="KernelSymbols.UniformDraw"/> 0, 1, ...).</summary>
    public int UniformDraws { get; init; }
    /// <summary>The number of standard normal draws per cell and step (<see cref="KernelSymbols.NormalDraw"/> 0, 1, ...).</summary>
    public int NormalDraws { get; init; }
    /// <summary>Whether cells have a refractory counter (<see cref="ReadRefractory"/>, <see cref="CountDown"/>).</summary>
    public bool Refractory { get; init; }
    /// <summary>
    /// The <see cref="BufferRole.State"/> buffer that holds, for a cell that spiked in this step, its spike time minus the
    /// end of the step (ms, in (−dt, 0]): set by kernels lowered with precise spike times (docs/semantics.md, "Precise spike
    /// times"), whose recorders add it to the grid time of each spike. Null where spikes are on the grid.
    /// </summary>
    public string? SpikeOffset { get; init; }
    /// <summary>The phases, in step order.</summary>
    public required IReadOnlyList<KernelPhase> Phases { get; init; }
    /// <summary>A one-line description of the integration for generated-code comments (scheme, exactly integrated states).</summary>
    public string Summary { get; init; } = "";

    /// <summary>Every statement, phase after phase.</summary>
    public IEnumerable<Statement> Statements => Phases.SelectMany(p => p.Statements);

    /// <summary>The declaration of buffer <paramref name="name"/>, or null.</summary>
    public BufferDeclaration? Buffer(string name) => Buffers.FirstOrDefault(b => b.Name == name);

    /// <summary>
    /// The structure key: a hash of everything an emitter reads (statements, buffers and their storage, counts). Two
    /// kernels with the same key compile to the same code, whatever their values.
    /// </summary>
    public string Key => s_keys.GetValue(this, k => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(k.ToText())))[..32]);

    // Cached per instance outside the record, so that `kernel with { ... }` never carries the key of the kernel it copies
    // and the key takes no part in the record's equality.
    private static readonly ConditionalWeakTable<CellKernel, string> s_keys = new();

    /// <summary>The kernel as readable text (the input of <see cref="Key"/>; shown by <c>meta</c> tools and tests).</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append("kernel ").Append(Model).Append(": receptors ").Append(Receptors).Append(", uniform draws ").Append(UniformDraws)
            .Append(", normal draws ").Append(NormalDraws).Append(", refractory ").Append(Refractory);
        if (SpikeOffset is not null) sb.Append(", spike offset ").Append(SpikeOffset);
        sb.AppendLine();
        foreach (var b in Buffers) sb.Append("  buffer ").Append(b.Name).Append(' ').Append(b.Role).Append(' ').Append(b.Storage).AppendLine();
        foreach (var phase in Phases)
        {
            sb.Append("  phase ").Append(phase.Phase).AppendLine();
            foreach (var s in phase.Statements) sb.Append("    ").AppendLine(Describe(s));
        }
        return sb.ToString();
    }

    /// <summary>One statement as text.</summary>
    public static string Describe(Statement statement) => statement switch
    {
        Let l => $"{l.Name} = {Print(l.Value)}",
        LetMask m => $"{m.Name} = mask {Print(m.Condition)}",
        Assign a => a.Where is null ? $"{a.Name} := {Print(a.Value)}" : $"{a.Name} := {Print(a.Value)} where {a.Where}",
        Store s => $"store {s.Buffer} = {Print(s.Value)}",
        ReceiveInput r => $"{r.Name} = input {r.Receptor}",
        ReadRefractory r => $"{r.Name} = refractory",
        CountDown c => $"count down where {c.Active}, restart at {Print(c.Period)} where {c.Restart}",
        EmitSpikes e => $"emit where {e.Mask}",
        Transmit x => $"transmit {Print(x.Value)}",
        _ => statement.ToString() ?? "",
    };

    /// <summary>An expression with every literal in round-trip form (the printer's own form).</summary>
    private static string Print(Expr e) => e.ToString();
}
