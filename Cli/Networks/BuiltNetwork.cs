using Meta.Populations;

namespace Meta.Cli.Networks;

/// <summary>Settings that override the file when building (from the command line).</summary>
public sealed record BuildOptions
{
    /// <summary>The seed, overriding <c>simulation.seed</c>.</summary>
    public ulong? Seed { get; init; }
    /// <summary>Backend worker threads; 0 lets the backend decide.</summary>
    public int Threads { get; init; }
    /// <summary>The ranks of a distributed run (under mpirun), or null for one process.</summary>
    public Meta.Distributed.ICommunicator? Communicator { get; init; }
}

/// <summary>What is recorded under one label: a population, view or assembly and the variables asked for.</summary>
/// <param name="Label">The label in the file (also the output file's name).</param>
/// <param name="Cells">The cells.</param>
/// <param name="Variables">The variables, in the order first asked for.</param>
public sealed record RecordingTarget(string Label, CellCollection Cells, IReadOnlyList<string> Variables);

/// <summary>A network built from a <see cref="NetworkDocument"/>: the simulation and its labelled parts. Dispose to release the backend.</summary>
public sealed class BuiltNetwork : IDisposable
{
    internal BuiltNetwork(NetworkDocument document, Simulation simulation, IReadOnlyDictionary<string, CellCollection> collections,
        IReadOnlyList<RecordingTarget> recordings)
    {
        Document = document;
        Simulation = simulation;
        Collections = collections;
        Recordings = recordings;
    }

    /// <summary>The document it was built from.</summary>
    public NetworkDocument Document { get; }
    /// <summary>The simulation, not yet run.</summary>
    public Simulation Simulation { get; }
    /// <summary>Every population, view and assembly by label.</summary>
    public IReadOnlyDictionary<string, CellCollection> Collections { get; }
    /// <summary>What is recorded, by label, in file order.</summary>
    public IReadOnlyList<RecordingTarget> Recordings { get; }

    /// <summary>The current sources whose current is recorded (<c>"record": true</c>), in file order; each has its label.</summary>
    public IReadOnlyList<CurrentSources.CurrentSource> RecordedCurrentSources { get; init; } = [];

    /// <summary>The populations in creation order.</summary>
    public IReadOnlyList<Population> Populations => Simulation.Populations;

    /// <summary>The total number of connections.</summary>
    public long ConnectionCount => Simulation.Projections.Sum(p => p.TotalSize);

    /// <summary>Releases the simulation's backend engine.</summary>
    public void Dispose() => Simulation.Dispose();
}
