using System.Diagnostics;
using System.Globalization;
using System.Text;
using Meta.Backends.Cpu;
using Meta.Sonata.Building;
using Meta.Sonata.Config;
using Meta.Sonata.Reading;
using Meta.Tests.Sonata;
using Xunit.Abstractions;

namespace Meta.Tests.Fuzz;

/// <summary>
/// Fuzzes the SONATA reader: a copy of the 300-cell fixture network with one file mutated (the JSON configs and node
/// sets as JSON, the type tables' CSV with cells, columns and lines changed, the HDF5 files truncated or with bytes
/// flipped) is loaded, its nodes and edges read, and one case in eight built and run for 1 ms on the CPU backend. Every
/// case must succeed or end in one of Meta's documented errors (<see cref="NetworkFuzzHarness.Judge"/>); another
/// exception or a case running past <see cref="CaseTimeout"/> is a finding. Seeded like the other fuzzers
/// (<c>META_FUZZ_SEED</c>, <c>META_FUZZ_CASE</c>, <c>META_FUZZ_SECONDS</c>, default 5).
/// </summary>
public class SonataFuzzTests(ITestOutputHelper output)
{
    private const ulong DefaultSeed = 20261206;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    [SonataFact]
    public async Task Mutated_sonata_files_load_or_give_a_documented_error()
    {
        string source = SonataFixtures.Path300;
        var files = Directory.GetFiles(source, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(source, f))
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal) || f.EndsWith(".h5", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        ulong seed = Environment.GetEnvironmentVariable("META_FUZZ_SEED") is { } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : DefaultSeed;
        double seconds = Environment.GetEnvironmentVariable("META_FUZZ_SECONDS") is { } b ? double.Parse(b, CultureInfo.InvariantCulture) : 5;
        int? only = Environment.GetEnvironmentVariable("META_FUZZ_CASE") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : null;
        string work = Path.Combine(Path.GetTempPath(), $"meta-sonata-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var findings = new List<string>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        int cases = 0, loaded = 0, refused = 0, built = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int i = only ?? 0; only is null ? clock.Elapsed.TotalSeconds < seconds : i == only; i++)
            {
                var rng = new System.Random(unchecked((int)(seed * 1_000_003UL + (ulong)i)));
                string folder = Path.Combine(work, $"case{i}");
                foreach (var f in files)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, f))!);
                    File.Copy(Path.Combine(source, f), Path.Combine(folder, f), overwrite: true);
                }
                string target = files[rng.Next(files.Length)];
                string description = Mutate(Path.Combine(folder, target), rng);
                bool build = rng.Next(8) == 0;
                cases++;
                var task = Task.Run(() => Check(Path.Combine(folder, "config.json"), build));
                string? finding;
                if (await Task.WhenAny(task, Task.Delay(CaseTimeout)) != task) finding = $"(hang) no result after {CaseTimeout.TotalSeconds} s";
                else
                {
                    var (ok, f) = await task;
                    finding = f;
                    if (f is null && ok) { loaded++; if (build) built++; }
                    else if (f is null) refused++;
                }
                if (only is null) Directory.Delete(folder, recursive: true);
                if (finding is null || !distinct.Add(finding.Split('\n')[0])) continue;
                findings.Add($"--- seed {seed} case {i} (META_FUZZ_SEED={seed} META_FUZZ_CASE={i}): {target}, {description}\n{finding}\n");
                if (findings.Count >= 10 || finding.StartsWith("(hang)", StringComparison.Ordinal)) break;
            }
        }
        finally
        {
            if (only is null && Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
        output.WriteLine($"seed {seed}: {cases} cases in {clock.Elapsed.TotalSeconds:0.0} s: {loaded} loaded ({built} built and run), {refused} documented errors, {findings.Count} distinct findings");
        foreach (var f in findings) output.WriteLine(f);
        findings.Should().BeEmpty($"every mutated SONATA network must load or fail with a documented error (seed {seed})");
        cases.Should().BePositive();
    }

    /// <summary>Loads, reads every node and edge population, and optionally builds and runs 1 ms: (success, finding).</summary>
    private static (bool Ok, string? Finding) Check(string config, bool build)
    {
        try
        {
            var loaded = SonataConfig.Load(config);
            foreach (var p in loaded.Nodes.SelectMany(SonataNodePopulation.Read)) _ = p.Count;
            foreach (var p in loaded.Edges.SelectMany(SonataEdgePopulation.Read)) _ = p.Count;
            if (build)
            {
                using var network = SonataNetworkBuilder.Build(config, new CpuBackend());
                network.Simulation.Run(1.0);
            }
            return (true, null);
        }
        catch (Exception e)
        {
            return (false, NetworkFuzzHarness.Judge(e));
        }
    }

    private static string Mutate(string file, System.Random rng)
    {
        if (file.EndsWith(".h5", StringComparison.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            if (rng.Next(2) == 0)
            {
                int at = rng.Next(bytes.Length);
                File.WriteAllBytes(file, bytes[..at]);
                return $"truncated to {at} of {bytes.Length} bytes";
            }
            int flips = 1 + rng.Next(8);
            var where = new List<int>();
            for (int k = 0; k < flips; k++)
            {
                int at = rng.Next(bytes.Length);
                bytes[at] ^= (byte)(1 << rng.Next(8));
                where.Add(at);
            }
            File.WriteAllBytes(file, bytes);
            return $"bits flipped at {string.Join(", ", where)}";
        }
        string text = File.ReadAllText(file);
        if (file.EndsWith(".json", StringComparison.Ordinal))
        {
            var mutant = JsonMutator.Mutate(text, rng);
            if (mutant.Bytes is { } raw) File.WriteAllBytes(file, raw);
            else File.WriteAllText(file, mutant.Text);
            return mutant.Description;
        }
        // CSV type tables (space separated): a cell replaced, a column or a line dropped, the file truncated.
        var lines = text.Split('\n').ToList();
        string[] values = ["", "nan", "1e308", "-1", "abc", "nest:no_such_model", "nestml:missing", "virtual", "\"", "0x10", "2147483648"];
        switch (rng.Next(4))
        {
            case 0:
            {
                int line = rng.Next(lines.Count);
                var cells = lines[line].Split(' ');
                int cell = rng.Next(cells.Length);
                string value = values[rng.Next(values.Length)];
                cells[cell] = value;
                lines[line] = string.Join(' ', cells);
                File.WriteAllText(file, string.Join('\n', lines));
                return $"line {line + 1} cell {cell + 1} set to '{value}'";
            }
            case 1:
            {
                int column = rng.Next(Math.Max(1, lines[0].Split(' ').Length));
                File.WriteAllText(file, string.Join('\n', lines.Select(l => string.Join(' ', l.Split(' ').Where((_, k) => k != column)))));
                return $"column {column + 1} dropped";
            }
            case 2:
            {
                int line = rng.Next(lines.Count);
                lines.RemoveAt(line);
                File.WriteAllText(file, string.Join('\n', lines));
                return $"line {line + 1} dropped";
            }
            default:
            {
                int at = rng.Next(text.Length + 1);
                File.WriteAllText(file, text[..at], Encoding.UTF8);
                return $"truncated at {at}";
            }
        }
    }
}
