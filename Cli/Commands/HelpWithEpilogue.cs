using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Meta.Cli.Commands;

/// <summary>System.CommandLine's help, followed by the command's own text (<see cref="HelpTexts"/>).</summary>
internal sealed class HelpWithEpilogue(HelpAction help, IReadOnlyDictionary<Command, string> epilogues) : SynchronousCommandLineAction
{
    /// <inheritdoc/>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        int exit = help.Invoke(parseResult);
        if (epilogues.TryGetValue(parseResult.CommandResult.Command, out var text)) parseResult.InvocationConfiguration.Output.Write(text);
        return exit;
    }
}
