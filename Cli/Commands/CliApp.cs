using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Reflection;
using Meta.Cli.Networks;
using Meta.Plugins;

namespace Meta.Cli.Commands;

/// <summary>
/// The <c>meta</c> command line (System.CommandLine), callable in-process: <see cref="Execute"/> takes the arguments and
/// the two output streams and returns the exit code (0 success, 1 error, 2 wrong command line). A wrong command line is
/// reported as one <c>error: ...</c> line followed by the command's help on stderr; other errors as one <c>error: ...</c>
/// line, and <c>--verbose</c> adds the stack trace.
/// </summary>
public sealed class CliApp
{
    /// <summary>Exit code of a successful command.</summary>
    public const int Success = 0;
    /// <summary>Exit code of a failed command.</summary>
    public const int Failure = 1;
    /// <summary>Exit code of a wrong command line.</summary>
    public const int UsageError = 2;
    /// <summary>Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it); its data are written.</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Loads the plugins, given the <c>--plugins</c> folders. The default searches like <see cref="PluginHost.Load"/>
    /// with the folders added; tests may supply a catalog of their own.
    /// </summary>
    public Func<IReadOnlyList<string>, PluginCatalog> LoadPlugins { get; init; } =
        folders => PluginHost.Load(new PluginHostOptions { AdditionalFolders = folders });

    /// <summary>Whether stderr is a terminal (then progress is drawn as a live bar).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Whether stdout is a terminal (then the summary table is drawn with colours).</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>Stops a run between steps when cancelled (Ctrl-C); what was recorded until then is still written.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The request stream of <c>meta serve</c> (null: the console's stdin); tests supply their own.</summary>
    public TextReader? ServeInput { get; init; }

    /// <summary>Told the fraction of the simulation done, after the progress display (tests use it to interrupt a run).</summary>
    internal Action<double>? ProgressObserver { get; init; }

    /// <summary>Runs a command line with the default settings.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => new CliApp().Execute(args, stdout, stderr);

    /// <summary>Runs a command line.</summary>
    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        bool verbose = args.Contains("--verbose");
        var root = Define(stdout, stderr);
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && parsed.Action is not HelpWithEpilogue)
            {
                stderr.WriteLine($"error: {Describe(parsed)}");
                stderr.WriteLine();
                ShowHelp(root, parsed.CommandResult.Command, new InvocationConfiguration { Output = stderr, Error = stderr });
                return UsageError;
            }
            return parsed.Invoke(configuration);
        }
#pragma warning disable CA1031 // The command line reports every failure as one line and an exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            bool expected = e is NetworkFormatException or MetaException or CliException or IOException or UnauthorizedAccessException;
            string message = expected ? e.Message : $"{e.GetType().Name}: {e.Message}";
            stderr.WriteLine($"error: {OneLine(message)}");
            if (verbose) stderr.WriteLine(e);
            else if (!expected) stderr.WriteLine("(run with --verbose for the stack trace)");
            return Failure;
        }
    }

    /// <summary>The tool's version.</summary>
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(CliApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The command tree: run, sweep, backends, conformance and help, each with its help text.</summary>
    private Command Define(TextWriter stdout, TextWriter stderr)
    {
        // A plain command named "meta" rather than a RootCommand, which would take the executable's name (Meta.Cli).
        var root = new Command("meta", "run spiking neural networks described in PyNN's vocabulary on pluggable backends");
        var helpOption = new HelpOption();
        var version = new VersionOption();
        version.Action = new PrintVersion();
        root.Options.Add(helpOption);
        root.Options.Add(version);
        var run = RunCommand.Define(this, stdout, stderr);
        var sweep = SweepCommand.Define(this, stdout, stderr);
        var backends = BackendsCommand.Define(this, stdout, stderr);
        var conformance = ConformanceCommand.Define(this, stdout, stderr);
        var exportSonata = ExportSonataCommand.Define(this, stdout);
        var serve = ServeCommand.Define(this, stdout, stderr);
        var join = JoinCommand.Define(stdout);
        var help = new Command("help", "show the help of meta or of a command");
        var topic = new Argument<string?>("COMMAND") { Description = "the command", Arity = ArgumentArity.ZeroOrOne };
        topic.AcceptOnlyFromAmong("run", "sweep", "backends", "conformance", "export-sonata", "serve", "join");
        help.Arguments.Add(topic);
        help.SetAction(parsed => ShowHelp(root, parsed.GetValue(topic) is { } name ? root.Subcommands.First(c => c.Name == name) : root,
            parsed.InvocationConfiguration));
        root.Subcommands.Add(run);
        root.Subcommands.Add(sweep);
        root.Subcommands.Add(backends);
        root.Subcommands.Add(conformance);
        root.Subcommands.Add(exportSonata);
        root.Subcommands.Add(serve);
        root.Subcommands.Add(join);
        root.Subcommands.Add(help);

        helpOption.Action = new HelpWithEpilogue((HelpAction)helpOption.Action!, new Dictionary<Command, string>
        {
            [root] = HelpTexts.Main, [run] = HelpTexts.Run, [sweep] = HelpTexts.Sweep, [backends] = HelpTexts.Backends, [conformance] = HelpTexts.Conformance,
        });
        return root;
    }

    /// <summary>Prints the help of <paramref name="command"/> (a subcommand of <paramref name="root"/>, or the root).</summary>
    private static int ShowHelp(Command root, Command command, InvocationConfiguration configuration)
    {
        string[] args = command == root ? ["--help"] : [command.Name, "--help"];
        return root.Parse(args).Invoke(configuration);
    }

    /// <summary>The first parse error, with a suggestion for a mistyped command or option.</summary>
    private static string Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        bool atRoot = command.Parents.FirstOrDefault() is null;
        if (atRoot && parsed.Tokens.Count == 0) return "no command given";
        if (parsed.UnmatchedTokens.Count == 0) return OneLine(parsed.Errors[0].Message);
        string token = parsed.UnmatchedTokens[0];
        string message = atRoot && !token.StartsWith('-') ? $"unknown command '{token}'"
            : token.StartsWith('-') ? $"unknown option '{token}'" : $"unexpected argument '{token}'";
        var names = command.Subcommands.Select(c => c.Name).Concat(command.Options.SelectMany(o => o.Aliases.Append(o.Name)));
        return JsonFields.Suggest(token, names) is { } s ? $"{message} (did you mean '{s}'?)" : message;
    }

    /// <summary>Prints <c>meta VERSION</c>.</summary>
    private sealed class PrintVersion : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"meta {Version}");
            return Success;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
