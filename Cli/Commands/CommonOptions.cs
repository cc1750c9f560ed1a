using System.CommandLine;

namespace Meta.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary><c>--plugins DIR</c>, repeatable; each folder must exist.</summary>
    public static Option<string[]> Plugins()
    {
        var option = new Option<string[]>("--plugins")
        {
            Description = "a further folder to search for backend plugins (repeatable)",
            HelpName = "DIR",
            DefaultValueFactory = _ => [],
        };
        option.Validators.Add(result =>
        {
            foreach (var folder in result.GetValueOrDefault<string[]>() ?? [])
                if (!Directory.Exists(folder)) result.AddError($"plugin folder '{folder}' does not exist (--plugins)");
        });
        return option;
    }

    /// <summary>
    /// An option taking a finite number (invariant culture) that <paramref name="accept"/> (default: any) accepts; otherwise the
    /// error says the option needs <paramref name="expected"/>.
    /// </summary>
    public static Option<T?> Number<T>(string name, string helpName, string description, string expected, Func<T, bool>? accept = null)
        where T : struct, ISpanParsable<T> => new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (T.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && IsFinite(value) && (accept?.Invoke(value) ?? true)) return value;
                r.AddError($"option {name} needs {expected}, got '{text}'");
                return null;
            },
        };

    private static bool IsFinite<T>(T value) => value is not double d || double.IsFinite(d);

    /// <summary><c>--verbose</c>: print the stack trace of an error.</summary>
    public static Option<bool> Verbose() => new("--verbose") { Description = "print the stack trace of an error" };
}
