using System.Globalization;

namespace Meta.Cli.Commands;

/// <summary>A wrong command line: the message is printed with <see cref="Help"/> and the exit code is 2.</summary>
internal sealed class UsageException(string message, string help) : Exception(message)
{
    /// <summary>The help text of the command concerned.</summary>
    public string Help { get; } = help;
}

/// <summary>An error to report as one line (exit code 1) without a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>
/// A parsed command line: positional arguments and options. Options are <c>--name value</c>, <c>--name=value</c>
/// or flags; <c>--</c> ends the options.
/// </summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly string _help;

    private ParsedArguments(string help) => _help = help;

    /// <summary>The positional arguments.</summary>
    public List<string> Positionals { get; } = [];

    /// <summary>
    /// Parses <paramref name="args"/>. <paramref name="valueOptions"/> take a value, <paramref name="flags"/> do not;
    /// <paramref name="aliases"/> maps short forms (<c>-o</c>) to long ones. Anything else starting with <c>-</c> is a usage error.
    /// </summary>
    public static ParsedArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags,
        IReadOnlyDictionary<string, string> aliases, string help)
    {
        var result = new ParsedArguments(help);
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                result.Positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }
            string name = arg;
            string? inlineValue = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inlineValue = arg[(eq + 1)..];
            }
            if (aliases.TryGetValue(name, out var longName)) name = longName;
            if (flags.Contains(name))
            {
                if (inlineValue is not null) throw new UsageException($"option {name} takes no value", help);
                result.Add(name, "");
            }
            else if (valueOptions.Contains(name))
            {
                string? value = inlineValue;
                if (value is null)
                {
                    if (i + 1 >= args.Count) throw new UsageException($"option {name} needs a value", help);
                    value = args[++i];
                }
                result.Add(name, value);
            }
            else
            {
                var known = valueOptions.Concat(flags).ToArray();
                string hint = Networks.JsonFields.Suggest(name, known) is { } s ? $" (did you mean {s}?)" : "";
                throw new UsageException($"unknown option '{arg}'{hint}", help);
            }
        }
        return result;
    }

    private void Add(string name, string value)
    {
        if (!_options.TryGetValue(name, out var list)) _options[name] = list = [];
        list.Add(value);
    }

    /// <summary>Whether a flag (or option) was given.</summary>
    public bool Flag(string name) => _options.ContainsKey(name);

    /// <summary>The last value of an option, or null.</summary>
    public string? Value(string name) => _options.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>Every value of a repeatable option.</summary>
    public IReadOnlyList<string> Values(string name) => _options.TryGetValue(name, out var list) ? list : [];

    /// <summary>A number option, or null when absent.</summary>
    public double? Double(string name)
    {
        var v = Value(name);
        if (v is null) return null;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
            throw new UsageException($"option {name} needs a number, got '{v}'", _help);
        return d;
    }

    /// <summary>A non-negative integer option, or null when absent.</summary>
    public ulong? UnsignedInteger(string name)
    {
        var v = Value(name);
        if (v is null) return null;
        if (!ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u))
            throw new UsageException($"option {name} needs a non-negative integer, got '{v}'", _help);
        return u;
    }

    /// <summary>A non-negative int option, or null when absent.</summary>
    public int? Count(string name)
    {
        var u = UnsignedInteger(name);
        if (u is > int.MaxValue) throw new UsageException($"option {name} is too large: {u}", _help);
        return (int?)u;
    }
}
