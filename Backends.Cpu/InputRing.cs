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
