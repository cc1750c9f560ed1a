using System.Diagnostics;
using System.Globalization;
using Meta.Nestml;
using Meta.Tests.Nestml;
using Xunit.Abstractions;

namespace Meta.Tests.Fuzz;

/// <summary>
/// Fuzzes the NESTML importer: mutated versions of every fixture model (<c>shared/fixtures/nestml</c>) are parsed and
/// compiled within a fixed time budget. Every case must compile or fail with a <see cref="NestmlException"/> (file, line,
/// construct); any other exception, or a case running longer than <see cref="CaseTimeout"/>, is a finding. Mutations:
/// truncation, a deleted, duplicated or swapped line, a token replaced by another of the file's tokens, a number replaced
/// by a huge, tiny, negative or non-finite one, a unit or type replaced, stray characters. Case <c>i</c> of seed <c>s</c>
/// is always the same text (<c>META_FUZZ_SEED</c>, <c>META_FUZZ_CASE</c>); <c>META_FUZZ_SECONDS</c> sets the budget
/// (default 5).
/// </summary>
public class NestmlFuzzTests(ITestOutputHelper output)
{
    private const ulong DefaultSeed = 20261206;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    [NestmlFact]
    public async Task Mutated_nestml_fixtures_compile_or_give_a_NestmlException()
    {
        var files = Directory.GetFiles(NestmlFixtures.Folder!, "*.nestml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        files.Should().NotBeEmpty();
        var texts = files.Select(File.ReadAllText).ToArray();
        ulong seed = Environment.GetEnvironmentVariable("META_FUZZ_SEED") is { } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : DefaultSeed;
        double seconds = Environment.GetEnvironmentVariable("META_FUZZ_SECONDS") is { } b ? double.Parse(b, CultureInfo.InvariantCulture) : 5;
        int? only = Environment.GetEnvironmentVariable("META_FUZZ_CASE") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : null;

        var findings = new List<string>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        int cases = 0, compiled = 0, rejected = 0, ran = 0;
        var clock = Stopwatch.StartNew();
        for (int i = only ?? 0; only is null ? clock.Elapsed.TotalSeconds < seconds : i == only; i++)
        {
            var rng = new System.Random(unchecked((int)(seed * 1_000_003UL + (ulong)i)));
            int which = rng.Next(texts.Length);
            var (mutant, description) = NestmlMutator.Mutate(texts[which], rng);
            cases++;
            string name = Path.GetFileName(files[which]);
            bool run = rng.Next(8) == 0; // one compiled case in eight is also built and run for 1 ms on the CPU backend
            var task = Task.Run(() =>
            {
                var model = NestmlModel.Parse(mutant, name);
                return run ? RunBriefly(model) : null;
            });
            string? finding = null;
            if (await Task.WhenAny(task, Task.Delay(CaseTimeout)) != task) finding = $"(hang) no result after {CaseTimeout.TotalSeconds} s";
            else if (task.IsCompletedSuccessfully)
            {
                compiled++;
                if (await task is { } runFinding) finding = runFinding;
                else if (run) ran++;
            }
            else if (task.Exception!.InnerException is NestmlException) rejected++;
            else
            {
                var e = task.Exception.InnerException!;
                finding = $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}";
            }
            if (finding is null) continue;
            if (!distinct.Add(finding.Split('\n')[0])) continue;
            findings.Add($"--- seed {seed} case {i} (META_FUZZ_SEED={seed} META_FUZZ_CASE={i}): {name}, {description}\n{finding}\n" +
                         $"mutated text:\n{(mutant.Length <= 3000 ? mutant : mutant[..3000] + "...")}\n");
            if (findings.Count >= 10 || finding.StartsWith("(hang)", StringComparison.Ordinal)) break;
        }
        output.WriteLine($"seed {seed}: {cases} cases in {clock.Elapsed.TotalSeconds:0.0} s over {files.Length} fixtures: {compiled} compiled ({ran} of them run or refused with a documented error), {rejected} NestmlExceptions, {findings.Count} distinct findings");
        foreach (var f in findings) output.WriteLine(f);
        findings.Should().BeEmpty($"every mutated NESTML file must compile or fail with a NestmlException (seed {seed})");
        cases.Should().BePositive();
        if (only is null && cases >= 200)
        {
            rejected.Should().BePositive("the mutations must break files");
            ran.Should().BePositive("compiled mutants must reach the lowering and the engine");
        }
    }

    /// <summary>
    /// Builds two cells of <paramref name="model"/> with its defaults and runs 1 ms: null when that works or ends in one of
    /// Meta's documented errors (invalid model, parameter outside its domain, divergence), else the finding.
    /// </summary>
    private static string? RunBriefly(Meta.Models.ModelDefinition model)
    {
        try
        {
            using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1, MinDelay = 0.1, MaxDelay = 1.0, Seed = 1 });
            var cells = sim.CreatePopulation(2, new CellType(model), "cells");
            cells.Record(["spikes"]);
            sim.Run(1.0);
            return null;
        }
        catch (Exception e)
        {
            return NetworkFuzzHarness.Judge(e);
        }
    }
}
