using Meta.Random;

namespace Meta.Backends.Ilgpu.Kernels;

/// <summary>
/// The counter-based draws of the device kernels, one definition for all of them: Philox4x32-10 (<see cref="Philox.Generate"/>)
/// at key = seed, counter = (index, stream), reduced to the top 53 bits of words 0 and 1 exactly as <see cref="Philox.Uniform"/>
/// does on the host (docs/semantics.md). Integer arithmetic only (plus one exact conversion and a multiplication by 2^-53),
/// so every ILGPU target, PTX included, gives the host's bits.
/// </summary>
public static class DeviceRandom
{
    /// <summary>
    /// The 53-bit integer behind <see cref="Philox.Uniform"/>(seed, stream, index): <c>Uniform = Bits53 · 2^-53</c>.
    /// Comparing it with an integer threshold avoids any floating-point step (the Poisson kernel does).
    /// </summary>
    public static ulong Bits53(ulong seed, ulong stream, ulong index)
    {
        Philox.Generate((uint)seed, (uint)(seed >> 32), (uint)index, (uint)(index >> 32), (uint)stream, (uint)(stream >> 32),
            out uint r0, out uint r1, out _, out _);
        return ((ulong)r0 << 21) | (r1 >> 11);
    }

    /// <summary>
    /// <see cref="Philox.Uniform"/>(seed, stream, index), bit for bit: a value below 2^53 converts to double exactly and
    /// the scaling by 2^-53 is exact.
    /// </summary>
    public static double Uniform(ulong seed, ulong stream, ulong index) => Bits53(seed, stream, index) * Philox.UnitDoubleEpsilon;

    /// <summary>
    /// The <paramref name="draw"/>-th <c>uniform()</c> of a model's equations for the cell with global index
    /// <paramref name="globalCell"/> in step <paramref name="step"/>: <c>Philox.Uniform(seed, RandomStreams.NeuronDraw(g, n), k)</c>,
    /// as the CPU backend draws it.
    /// </summary>
    public static double NeuronDraw(ulong seed, int globalCell, int draw, long step) =>
        Uniform(seed, RandomStreams.NeuronDraw(globalCell, draw), (ulong)step);

    /// <summary>
    /// The <paramref name="noise"/>-th normal draw of the cell with global index <paramref name="globalCell"/> in step
    /// <paramref name="step"/>: <c>Philox.Normal(seed, RandomStreams.NeuronNoise(g, n), k)</c>, the Box–Muller transform of the
    /// block's two 53-bit uniforms. The uniforms are the host's bits; the logarithm and cosine are <see cref="DeviceMath"/>'s,
    /// within a few ulp of the host's.
    /// </summary>
    public static double NeuronNoise(ulong seed, int globalCell, int noise, long step)
    {
        ulong stream = RandomStreams.NeuronNoise(globalCell, noise);
        ulong index = (ulong)step;
        Philox.Generate((uint)seed, (uint)(seed >> 32), (uint)index, (uint)(index >> 32), (uint)stream, (uint)(stream >> 32),
            out uint r0, out uint r1, out uint r2, out uint r3);
        double u1 = Philox.ToUnitDouble(r0, r1), u2 = Philox.ToUnitDouble(r2, r3);
        return DeviceMath.Sqrt(-2.0 * DeviceMath.Log(1.0 - u1)) * DeviceMath.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// Draw <paramref name="draw"/> of synapse <paramref name="synapse"/> (its position in the connection arrays of
    /// step-program projection <paramref name="projection"/>) at element <paramref name="index"/> (2·s for the pre event of
    /// step s, 2·s + 1 for the post event): <c>Philox.Uniform(seed, RandomStreams.SynapseDraw(projection, synapse, draw), index)</c>,
    /// as the CPU backend draws it.
    /// </summary>
    public static double SynapseDraw(ulong seed, int projection, int synapse, int draw, long index) =>
        Uniform(seed, RandomStreams.SynapseDraw(projection, synapse, draw), (ulong)index);
}
