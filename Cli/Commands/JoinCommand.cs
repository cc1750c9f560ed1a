using System.CommandLine;
using System.Text.Json;

namespace Meta.Cli.Commands;

/// <summary>
/// <c>meta join DIR</c>: puts together the per-rank files that <c>meta run --gather false</c> wrote into DIR
/// (<see cref="RankFiles"/>), writing each recording's <c>LABEL.npz</c> exactly as one process (or <c>--gather true</c>) writes
/// it. The recordings and their rank files are read from DIR/summary.json; the rank files are kept.
/// </summary>
internal sealed class JoinCommand(TextWriter stdout)
{
    /// <summary>The <c>join</c> command.</summary>
    public static Command Define(TextWriter stdout)
    {
        var folder = new Argument<string>("DIR") { Description = "the output folder of 'meta run --gather false' (with its summary.json)" };
        var command = new Command("join", "join the per-rank files of 'meta run --gather false' into the files one process writes") { folder };
        command.SetAction(parsed => new JoinCommand(stdout).Execute(parsed.GetRequiredValue(folder)));
        return command;
    }

    /// <summary>Joins every recording's rank files; prints the files written.</summary>
    public int Execute(string folder)
    {
        string summaryPath = Path.Combine(folder, "summary.json");
        if (!File.Exists(summaryPath)) throw new CliException($"'{summaryPath}' does not exist: DIR must be the output folder of 'meta run --gather false'");
        using var summary = JsonDocument.Parse(File.ReadAllText(summaryPath));
        var root = summary.RootElement;
        if (!root.TryGetProperty("gather", out var gather) || gather.ValueKind != JsonValueKind.False)
            throw new CliException($"'{summaryPath}' is not of a run with --gather false: its recordings are whole files already");
        foreach (var recording in root.GetProperty("recordings").EnumerateArray())
        {
            string target = Path.Combine(folder, recording.GetProperty("file").GetString()!);
            var parts = recording.GetProperty("rank_files").EnumerateArray().Select(f => Path.Combine(folder, f.GetString()!)).ToList();
            RankFileJoin.Join(parts, target);
            stdout.WriteLine($"{Path.GetFullPath(target)} (from {parts.Count} rank file{(parts.Count == 1 ? "" : "s")})");
        }
        return CliApp.Success;
    }
}
