using System.Text.RegularExpressions;

namespace Meta.Tests.Fuzz;

/// <summary>Seeded text mutations of a NESTML file for <see cref="NestmlFuzzTests"/>: one to three per case.</summary>
internal static partial class NestmlMutator
{
    private static readonly string[] Numbers = ["1e308", "-1e308", "1e-320", "0", "-0", "NaN", "inf", "-inf", "1e400", "99999999999999999999", "0.0000", "-1"];
    private static readonly string[] Words = ["ms", "mV", "pA", "nS", "real", "integer", "boolean", "true", "inf", "e", "t", "V_m", "refr_t", "steps(1 ms)",
        "resolution()", "integrate_odes()", "emit_spike()", "convolve(K, spikes)", "random_normal(0, 1)", "if", "else:", "elif", ":", "=", "'", "(", ")",
        "**", "/", "and", "not", "->", "<-", "spike", "continuous", "kernel", "inline", "$", "[", "]", "@"];

    [GeneratedRegex(@"[A-Za-z_][A-Za-z_0-9$']*|\d+(\.\d*)?([eE][-+]?\d+)?|\*\*|[-+*/=<>!:()\[\],.]")]
    private static partial Regex Token();

    [GeneratedRegex(@"\d+(\.\d*)?([eE][-+]?\d+)?")]
    private static partial Regex Number();

    /// <summary>A mutant of <paramref name="text"/> and what was done.</summary>
    public static (string Text, string Description) Mutate(string text, System.Random rng)
    {
        var done = new List<string>();
        int count = 1 + rng.Next(3);
        for (int k = 0; k < count; k++) text = MutateOnce(text, rng, done);
        return (text, string.Join("; ", done));
    }

    private static string MutateOnce(string text, System.Random rng, List<string> done)
    {
        var lines = text.Split('\n').ToList();
        switch (rng.Next(9))
        {
            case 0:
            {
                int at = rng.Next(text.Length + 1);
                done.Add($"truncated at {at}");
                return text[..at];
            }
            case 1 when lines.Count > 1:
            {
                int at = rng.Next(lines.Count);
                done.Add($"deleted line {at + 1}");
                lines.RemoveAt(at);
                return string.Join('\n', lines);
            }
            case 2:
            {
                int at = rng.Next(lines.Count);
                done.Add($"duplicated line {at + 1}");
                lines.Insert(at, lines[at]);
                return string.Join('\n', lines);
            }
            case 3 when lines.Count > 1:
            {
                int a = rng.Next(lines.Count), b = rng.Next(lines.Count);
                done.Add($"swapped lines {a + 1} and {b + 1}");
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join('\n', lines);
            }
            case 4:
            {
                var tokens = Token().Matches(text);
                if (tokens.Count < 2) break;
                var target = tokens[rng.Next(tokens.Count)];
                string replacement = tokens[rng.Next(tokens.Count)].Value;
                done.Add($"token '{target.Value}' at {target.Index} replaced by '{replacement}'");
                return text[..target.Index] + replacement + text[(target.Index + target.Length)..];
            }
            case 5:
            {
                var numbers = Number().Matches(text);
                if (numbers.Count == 0) break;
                var target = numbers[rng.Next(numbers.Count)];
                string replacement = Numbers[rng.Next(Numbers.Length)];
                done.Add($"number '{target.Value}' at {target.Index} replaced by '{replacement}'");
                return text[..target.Index] + replacement + text[(target.Index + target.Length)..];
            }
            case 6:
            {
                var tokens = Token().Matches(text);
                if (tokens.Count == 0) break;
                var target = tokens[rng.Next(tokens.Count)];
                string replacement = Words[rng.Next(Words.Length)];
                done.Add($"token '{target.Value}' at {target.Index} replaced by '{replacement}'");
                return text[..target.Index] + replacement + text[(target.Index + target.Length)..];
            }
            case 7:
            {
                int at = rng.Next(text.Length + 1);
                string stray = new[] { "\t", " ", "\r", "\0", "\"", "#", "\\", "`", "é", "\u2028", ";", "\n    ", "\n" }[rng.Next(13)];
                done.Add($"inserted {stray.Replace("\n", "\\n").Replace("\0", "\\0").Replace("\t", "\\t").Replace("\r", "\\r")} at {at}");
                return text[..at] + stray + text[at..];
            }
            default:
            {
                // Indentation changed on one line.
                int at = rng.Next(lines.Count);
                int shift = rng.Next(-4, 5);
                done.Add($"line {at + 1} indented by {shift}");
                lines[at] = shift >= 0 ? new string(' ', shift) + lines[at] : lines[at].TrimStart().PadLeft(Math.Max(0, lines[at].Length + shift));
                return string.Join('\n', lines);
            }
        }
        done.Add("no change");
        return text;
    }
}
