using System.Diagnostics;
using System.Globalization;
using System.Text;
using Meta.Tests.Cli;
using Xunit.Abstractions;

namespace Meta.Tests.Fuzz;

/// <summary>
/// Fuzzes the network file format: mutated versions of every example network are parsed and built on the CPU backend
/// within a fixed time budget. Every case must end in success or a documented error (see <see cref="NetworkFuzzHarness"/>).
/// The mutation stream is deterministic: case <c>i</c> of seed <c>s</c> is always the same document, so a failure
/// reproduces with <c>META_FUZZ_SEED=s META_FUZZ_CASE=i</c>. <c>META_FUZZ_SECONDS</c> sets the budget (default 20).
/// </summary>
public class NetworkFuzzTests(ITestOutputHelper output)
{
    private const ulong DefaultSeed = 20261206;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Every example network in the repository: examples/*.json and examples/*/*.json.</summary>
    internal static IReadOnlyList<string> ExampleFiles()
    {
        string root = Path.Combine(CliTestSupport.RepoRoot, "examples");
        return Directory.GetFiles(root, "*.json").Concat(Directory.GetDirectories(root).SelectMany(d => Directory.GetFiles(d, "*.json")))
            .Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Mutated_example_networks_give_only_documented_errors()
    {
        var examples = ExampleFiles();
        examples.Should().NotBeEmpty();
        var texts = examples.Select(File.ReadAllText).ToArray();
        ulong seed = Environment.GetEnvironmentVariable("META_FUZZ_SEED") is { } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : DefaultSeed;
        double seconds = Environment.GetEnvironmentVariable("META_FUZZ_SECONDS") is { } b ? double.Parse(b, CultureInfo.InvariantCulture) : 20;
        int? only = Environment.GetEnvironmentVariable("META_FUZZ_CASE") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : null;

        var findings = new List<string>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        int cases = 0, accepted = 0;
        var perExample = new (int Cases, long Ms)[examples.Count];
        var outcomes = new Dictionary<NetworkFuzzHarness.Outcome, int>();
        for (int i = only ?? 0; only is null ? clock.Elapsed.TotalSeconds < seconds : i == only; i++)
        {
            var rng = new System.Random(unchecked((int)(seed * 1_000_003UL + (ulong)i)));
            int which = rng.Next(texts.Length);
            var mutant = JsonMutator.Mutate(texts[which], rng);
            bool run = rng.Next(8) == 0; // running costs an engine build: one case in eight
            cases++;
            long started = clock.ElapsedMilliseconds;
            var (outcome, finding) = NetworkFuzzHarness.Check(mutant, Path.GetDirectoryName(examples[which])!, run, CaseTimeout);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            perExample[which] = (perExample[which].Cases + 1, perExample[which].Ms + clock.ElapsedMilliseconds - started);
            if (finding is null)
            {
                accepted++;
                continue;
            }
            string kind = finding.Split('\n')[0];
            if (kind.Length > 120) kind = kind[..120];
            if (!distinct.Add(kind)) continue;
            findings.Add(Report(seed, i, examples[which], mutant, finding));
            if (findings.Count >= 10 || finding.Contains("(hang)", StringComparison.Ordinal)) break;
        }
        output.WriteLine($"seed {seed}: {cases} cases in {clock.Elapsed.TotalSeconds:0.0} s over {examples.Count} examples; {findings.Count} distinct findings");
        for (int k = 0; k < examples.Count; k++)
            output.WriteLine($"  {Path.GetFileName(examples[k])}: {perExample[k].Cases} cases, {perExample[k].Ms} ms");
        output.WriteLine($"{accepted} cases ended in success or a documented error; outcomes: " +
                         string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        foreach (var f in findings) output.WriteLine(f);
        findings.Should().BeEmpty($"every mutated network must parse and build or fail with a documented error (seed {seed})");
        cases.Should().BePositive();
        if (only is null && cases >= 200)
        {
            // The mutations must reach the builder and the run, not only the parser's first checks.
            outcomes.GetValueOrDefault(NetworkFuzzHarness.Outcome.BuildError).Should().BePositive();
            outcomes.GetValueOrDefault(NetworkFuzzHarness.Outcome.Built).Should().BePositive();
            outcomes.GetValueOrDefault(NetworkFuzzHarness.Outcome.Ran).Should().BePositive();
        }
    }

    private static string Report(ulong seed, int index, string example, JsonMutator.Mutant mutant, string finding)
    {
        string saved = Path.Combine(Path.GetTempPath(), $"meta-fuzz-seed{seed}-case{index}.json");
        File.WriteAllBytes(saved, mutant.Bytes ?? Encoding.UTF8.GetBytes(mutant.Text));
        string doc = mutant.Text.Length <= 3000 ? mutant.Text : mutant.Text[..3000] + $"... ({mutant.Text.Length} characters; whole file in {saved})";
        return $"--- seed {seed} case {index} (META_FUZZ_SEED={seed} META_FUZZ_CASE={index}): {Path.GetFileName(example)}, {mutant.Description}\n" +
               $"{finding}\nmutated document (also saved as {saved}):\n{doc}\n";
    }
}
