namespace Meta;

/// <summary>
/// The fixed assignment of random streams to purposes, so that every backend and every run draws the same numbers
/// for the same seed (docs/semantics.md).
/// </summary>
public static class RandomStreams
{
    /// <summary>Random parameter and initial values, drawn in the order the script sets them.</summary>
    public const ulong Parameters = 1;
    /// <summary>The stream of projection <paramref name="index"/> (connectivity and random synapse values).</summary>
    public static ulong Projection(int index) => 0x1000UL + (ulong)index;
    /// <summary>The stream of Poisson spikes of the cell with global index <paramref name="globalCell"/>; draw k is for step k.</summary>
    public static ulong PoissonCell(int globalCell) => 0x1_0000_0000UL + (ulong)globalCell;
    /// <summary>
    /// The stream of the <paramref name="draw"/>-th <c>uniform()</c> of a model's equations for the cell with global index
    /// <paramref name="globalCell"/> (stochastic neurons such as GIF); draw k is for step k.
    /// </summary>
    public static ulong NeuronDraw(int globalCell, int draw) => 0x2_0000_0000UL + ((ulong)globalCell << 4) + (ulong)draw;
    /// <summary>The stream of the <c>NoisyCurrentSource</c> that was injected <paramref name="sourceIndex"/>-th
    /// (its position in <c>Simulation.CurrentSources</c>); draw j is its j-th noise value.</summary>
    public static ulong NoisyCurrent(int sourceIndex) => 0x10_0000_0000UL + (ulong)sourceIndex;
    /// <summary>
    /// The stream of the <paramref name="noise"/>-th noise term (<c>xi</c>, <c>xi_name</c>) of a model's equations for the cell
    /// with global index <paramref name="globalCell"/>: 2^44 + 16·g + n; draw k (a standard normal, <see cref="Random.Philox.Normal"/>)
    /// is for step k.
    /// </summary>
    public static ulong NeuronNoise(int globalCell, int noise) => 0x1000_0000_0000UL + ((ulong)globalCell << 4) + (ulong)noise;
    /// <summary>
    /// The stream of population <paramref name="index"/>'s random structure (random positions, random grid fill order):
    /// 2^48 + index, above every <see cref="NeuronDraw"/> stream.
    /// </summary>
    public static ulong Structure(int index) => 0x1_0000_0000_0000UL + (ulong)index;
    /// <summary>
    /// The sequential stream of the host-generated spike train (gamma, Poisson with dead time, inhomogeneous gamma) of the cell
    /// with global index <paramref name="globalCell"/>: its intervals are drawn from it in order (docs/semantics.md).
    /// </summary>
    public static ulong SpikeTrainCell(int globalCell) => 0x100_0000_0000UL + (ulong)globalCell;
    /// <summary>
    /// The stream of draw <paramref name="draw"/> (0–15) of synapse <paramref name="synapse"/> (its position in the connection
    /// arrays of step-program projection <paramref name="projection"/>): 2^56 + 2^40·projection + 16·synapse + draw; its
    /// element 2·s is for the synapse's pre event of step s, 2·s + 1 for its post event (docs/semantics.md).
    /// </summary>
    public static ulong SynapseDraw(int projection, int synapse, int draw) =>
        0x100_0000_0000_0000UL + ((ulong)projection << 40) + ((ulong)synapse << 4) + (ulong)draw;
}
