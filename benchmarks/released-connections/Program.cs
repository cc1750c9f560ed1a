// Times ReleasedConnections.TryCreate and Rebuild (internal, reached through reflection so that the same program runs
// against an older Meta.dll) on each projection of COBA 40k after its load; checks Rebuild gives the positions back.
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Meta;
using Meta.Backends.Programs;
using Meta.Examples;

const BindingFlags F = BindingFlags.NonPublic | BindingFlags.Instance;
using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), VogelsAbbott.Options());
VogelsAbbott.Build(sim, coba: true, n: 40000);
sim.Run(0.1);
Console.WriteLine($"load {sim.LoadSeconds:0.000} s, Meta.dll {typeof(Simulation).Assembly.Location} {typeof(Simulation).Assembly.ManifestModule.ModuleVersionId}");
var partsOfLoad = (Array)typeof(Simulation).GetField("_partsOfLoad", F)!.GetValue(sim)!;
var releasedType = typeof(Simulation).Assembly.GetType("Meta.Projections.ReleasedConnections")!;
var tryCreate = releasedType.GetMethod("TryCreate", BindingFlags.Public | BindingFlags.Static)!;
var rebuild = releasedType.GetMethod("Rebuild")!;
double create = 0, rebuilt = 0;
const int Repeats = 5;
foreach (var prj in sim.Projections)
{
    var released = typeof(Meta.Projections.Projection).GetField("_released", F)!.GetValue(prj);
    if (released is null) { Console.WriteLine($"{prj.Label}: not released"); continue; }
    var parts = partsOfLoad.Cast<ITuple>().Where(t => ReferenceEquals(t[1], prj)).Select(t => (SynapseGroupProgram)t[0]!).ToArray();
    (int[] pre, int[] post) = ((int[], int[]))rebuild.Invoke(released, null)!;
    double bestCreate = double.MaxValue, bestRebuild = double.MaxValue;
    for (int r = 0; r < Repeats; r++)
    {
        long t0 = Stopwatch.GetTimestamp();
        var again = tryCreate.Invoke(null, [prj.Pre, prj.Post, pre, post, parts]);
        bestCreate = Math.Min(bestCreate, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        if (again is null) throw new InvalidOperationException("TryCreate refused");
        t0 = Stopwatch.GetTimestamp();
        var (p2, q2) = ((int[], int[]))rebuild.Invoke(again, null)!;
        bestRebuild = Math.Min(bestRebuild, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        if (!p2.AsSpan().SequenceEqual(pre) || !q2.AsSpan().SequenceEqual(post)) throw new InvalidOperationException("Rebuild differs");
    }
    Console.WriteLine($"{prj.Label}: {pre.Length} connections, {parts.Length} parts: TryCreate best {bestCreate * 1000:0.0} ms, Rebuild best {bestRebuild * 1000:0.0} ms (of {Repeats})");
    create += bestCreate; rebuilt += bestRebuild;
}
Console.WriteLine($"sum of bests: TryCreate {create * 1000:0.0} ms, Rebuild {rebuilt * 1000:0.0} ms");
