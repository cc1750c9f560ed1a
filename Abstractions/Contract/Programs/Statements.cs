using Meta.Expressions;

namespace Meta.Backends.Programs;

/// <summary>
/// One statement of a <see cref="CellKernel"/>: the body run for every cell of a group in every step. Statements read and
/// write named <b>locals</b> (declared by <see cref="Let"/>, <see cref="LetMask"/>, <see cref="ReceiveInput"/> and
/// <see cref="ReadRefractory"/>) and the cell's <b>buffers</b> (<see cref="BufferDeclaration"/>); expressions are
/// <see cref="Expr"/> trees whose symbols are locals, buffers or the <see cref="KernelSymbols"/>. An emitter translates
/// each statement as it stands: the lowering has already simplified, folded and strength-reduced every expression, so
/// an emitter adds no arithmetic of its own (docs/architecture.md).
/// </summary>
public abstract record Statement;

/// <summary>Declares the number local <paramref name="Name"/> and sets it: <c>Name = Value</c>.</summary>
/// <param name="Name">The local (see <see cref="KernelSymbols.IsLocal"/>).</param>
/// <param name="Value">Its value.</param>
public sealed record Let(string Name, Expr Value) : Statement;

/// <summary>Declares the condition local <paramref name="Name"/> (a lane mask, a bool, a bool tensor): <c>Name = Condition</c>.</summary>
/// <param name="Name">The local.</param>
/// <param name="Condition">A condition: comparisons, <c>and</c>, <c>or</c>, <c>not</c> of conditions and condition locals.</param>
public sealed record LetMask(string Name, Expr Condition) : Statement;

/// <summary>
/// Assigns an existing number local: <c>Name = Value</c>, or, with <paramref name="Where"/>, only where that condition
/// local holds (<c>Name = Where ? Value : Name</c>).
/// </summary>
/// <param name="Name">The number local.</param>
/// <param name="Value">The new value.</param>
/// <param name="Where">A condition local, or null for every cell.</param>
public sealed record Assign(string Name, Expr Value, string? Where = null) : Statement;

/// <summary>Writes a state buffer of the cell: <c>Buffer[cell] = Value</c>.</summary>
/// <param name="Buffer">A <see cref="BufferRole.State"/> buffer.</param>
/// <param name="Value">The value.</param>
public sealed record Store(string Buffer, Expr Value) : Statement;

/// <summary>
/// Declares the number local <paramref name="Name"/> as the input arriving at the cell in this step on receptor
/// <paramref name="Receptor"/> (the sum of the weights the delay ring holds for this step), and clears that ring slot.
/// </summary>
/// <param name="Name">The local.</param>
/// <param name="Receptor">The receptor's position in <see cref="NeuronGroupProgram.Receptors"/>.</param>
public sealed record ReceiveInput(string Name, int Receptor) : Statement;

/// <summary>Declares the condition local <paramref name="Name"/>: the cell is refractory (its counter is above zero).</summary>
/// <param name="Name">The local.</param>
public sealed record ReadRefractory(string Name) : Statement;

/// <summary>
/// Updates the refractory counter: <c>counter = Active ? counter − 1 : (Restart ? Period : counter)</c>, where the
/// counter is a whole number of steps.
/// </summary>
/// <param name="Active">The condition local read by <see cref="ReadRefractory"/>.</param>
/// <param name="Restart">The condition local of the cells that spiked.</param>
/// <param name="Period">The refractory period in steps (an integer-valued buffer symbol).</param>
public sealed record CountDown(string Active, string Restart, Expr Period) : Statement;

/// <summary>Emits a spike of every cell where the condition local <paramref name="Mask"/> holds.</summary>
/// <param name="Mask">The condition local.</param>
public sealed record EmitSpikes(string Mask) : Statement;

/// <summary>
/// In a <see cref="SynapseKernel.OnPre"/>: adds <paramref name="Value"/> to the postsynaptic cell's receptor input of the step
/// at which the spike arrives (the synapse's dendritic delay after the pre event). A pre event that runs no
/// <see cref="Transmit"/> delivers nothing (a failed release).
/// </summary>
/// <param name="Value">The amount, in the receptor's unit.</param>
public sealed record Transmit(Expr Value) : Statement;

/// <summary>Helpers over statements.</summary>
public static class StatementExtensions
{
    /// <summary>The expressions a statement evaluates.</summary>
    public static IEnumerable<Expr> Expressions(this Statement statement) => statement switch
    {
        Let l => [l.Value],
        LetMask m => [m.Condition],
        Assign a => [a.Value],
        Store s => [s.Value],
        CountDown c => [c.Period],
        Transmit x => [x.Value],
        _ => [],
    };

    /// <summary>Whether any statement reads <paramref name="symbol"/>.</summary>
    public static bool Reads(this IEnumerable<Statement> statements, string symbol) =>
        statements.Any(s => s.Expressions().Any(e => e.Symbols().Contains(symbol)));
}
