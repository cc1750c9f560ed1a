using System.Runtime;

namespace Meta;

/// <summary>
/// Full, blocking collections at the points of a large network's build and load where arrays of every connection (or a
/// connector's transients) have just become garbage, so that the next step's arrays reuse their memory instead of adding to the process's resident size
/// (measured at COBA 160k, 12.8 M connections: peak RSS of a 100 ms run 378–390 MiB without them, 326 MiB with them; see
/// docs/benchmarks.md, "The load's peak, projection by projection (loadpeak)"). Before resolving, once per load, the
/// collection is aggressive: it compacts the large object heap too and gives the freed memory back to the system, because the
/// build leaves that heap in holes (the connector's 256 KiB chunks between the projections' arrays) that the next, larger
/// arrays cannot use. Every other collection is only forced, never aggressive: since .NET 9 (dotnet/runtime#98954) an
/// aggressive collection always compacts the large object heap, so one per large projection would copy every earlier
/// projection's arrays each time (quadratic in a network of many large projections). Below <see cref="Threshold"/> connections nothing is collected: a small network's load gains
/// nothing measurable and many are loaded in one process (tests, sweeps).
/// </summary>
internal static class LoadMemory
{
    /// <summary>Connections (of the network, or of one projection) from which a collection is made: 1 Mi, 8 MiB of pre/post arrays.</summary>
    internal const long Threshold = 1 << 20;

    /// <summary>
    /// After a projection is built: its connector's transients (chunks, candidate lists) are garbage, and are collected
    /// before the next projection's build adds its own. Forced, not aggressive: the large object heap, where the built
    /// projections' arrays lie, is not compacted (an aggressive collection would compact it, copying all of them again).
    /// </summary>
    public static void AfterProjectionBuilt(long connections) => Collect(connections, "projection built", compacting: false);

    /// <summary>
    /// Before the network is resolved: the build's transients (the connectors' chunks) are garbage. Once per load, so this one
    /// is aggressive: the large object heap is compacted and the freed memory given back to the system.
    /// </summary>
    public static void BeforeResolve(long connections) => Collect(connections, "before resolving", compacting: true, aggressive: true);

    /// <summary>
    /// After a projection's own arrays were released, its parts made: its arrays are garbage. Collected without compacting
    /// (one per large projection: a compaction's cost grows with the heap, so with projections × heap in all); the next
    /// projection's arrays, no larger, fit the freed holes.
    /// </summary>
    public static void AfterProjectionReleased(long connections) => Collect(connections, "projection released", compacting: false);

    /// <summary>
    /// After the engine is loaded and the program's connection arrays released: they and the load's transients are garbage.
    /// Collected without compacting: compacting here moved the engine's tables (the live large arrays) while the freed ones
    /// were still mapped, and that copy was the load's peak (COBA 160k, 100 ms: the resident set rose from 314 to 325 MiB
    /// inside this collection; docs/benchmarks.md, "The load's last collection (loadmem)"). The freed arrays are whole
    /// large objects, so their space is reused or given back without moving the live ones.
    /// </summary>
    public static void AfterLoad(long connections) => Collect(connections, "after load", compacting: false);

    /// <summary>
    /// A full blocking collection, the large object heap compacted too where <paramref name="compacting"/>; an
    /// <paramref name="aggressive"/> one compacts both heaps whatever <paramref name="compacting"/> says (since .NET 9,
    /// dotnet/runtime#98954) and gives the freed memory back to the system at once (without, the collector keeps it committed
    /// for later allocations, and it stays in the resident set: COBA 160k, 100 ms, the resident set at the collection before
    /// resolving fell from 280 to 192 MiB with it).
    /// </summary>
    private static void Collect(long connections, string where, bool compacting, bool aggressive = false)
    {
        if (connections < Threshold) return;
        if (compacting) GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, aggressive ? GCCollectionMode.Aggressive : GCCollectionMode.Forced, blocking: true, compacting: compacting || aggressive);
        Backends.Runtime.MemoryTrace.Mark("collected " + where);
    }
}
