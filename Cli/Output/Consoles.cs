using Spectre.Console;

namespace Meta.Cli.Output;

/// <summary>Spectre.Console consoles over the command's writers.</summary>
public static class Consoles
{
    /// <summary>Lines as wide as this when the output is not a terminal (logs, files), so that tables are not wrapped.</summary>
    public const int RedirectedWidth = 160;

    /// <summary>
    /// A console writing to <paramref name="writer"/>: with colours and live rendering when <paramref name="terminal"/>,
    /// else plain text, <see cref="RedirectedWidth"/> columns wide.
    /// </summary>
    public static IAnsiConsole Over(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
