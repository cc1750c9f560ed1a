namespace Meta.Backends.Cpu;

/// <summary>
/// Delay ring buffer of one receptor of one population: input arriving at step a is summed in slot a mod Slots
/// and added to the receptor's state variable at the start of step a. <typeparamref name="T"/> is the engine's number
/// type (double, or float in float32).
/// </summary>
internal sealed class InputRing<T>(int cells, int slots) where T : unmanaged
{
    public int Cells { get; } = cells;
    public int Slots { get; } = slots;
    public T[] Buffer { get; } = new T[cells * slots];

    public Span<T> Slot(long step) => Buffer.AsSpan((int)(step % Slots) * Cells, Cells);

    public void Clear() => Array.Clear(Buffer);
}
