using System.Reflection;
using Meta.Cli.Networks;
using Meta.Plugins;

namespace Meta.Cli.Commands;

/// <summary>
/// The <c>meta</c> command line, callable in-process: <see cref="Run"/> takes the arguments and the two output
/// streams and returns the exit code (0 success, 1 error, 2 wrong command line). Errors are printed as one
/// <c>error: ...</c> line on stderr; <c>--verbose</c> adds the stack trace.
/// </summary>
public sealed class CliApp
{
    /// <summary>Exit code of a successful command.</summary>
    public const int Success = 0;
    /// <summary>Exit code of a failed command.</summary>
    public const int Failure = 1;
    /// <summary>Exit code of a wrong command line.</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Loads the plugins, given the <c>--plugins</c> folders. The default searches like <see cref="PluginHost.Load"/>
    /// with the folders added; tests may supply a catalog of their own.
    /// </summary>
    public Func<IReadOnlyList<string>, PluginCatalog> LoadPlugins { get; init; } =
        folders => PluginHost.Load(new PluginHostOptions { AdditionalFolders = folders });

    /// <summary>Whether stderr is a terminal (then progress is drawn as an updating bar).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Runs a command line with the default settings.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => new CliApp().Execute(args, stdout, stderr);

    /// <summary>Runs a command line.</summary>
    public int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        bool verbose = args.Contains("--verbose");
        try
        {
            if (args.Length == 0) throw new UsageException("no command given", Usage.Main);
            var rest = args[1..];
            switch (args[0])
            {
                case "-h" or "--help":
                    stdout.Write(Usage.Main);
                    return Success;
                case "help":
                    stdout.Write(rest.Length == 0 ? Usage.Main : HelpOf(rest[0]));
                    return Success;
                case "--version":
                    stdout.WriteLine($"meta {Version}");
                    return Success;
                case "run":
                    return new RunCommand(this, stdout, stderr).Execute(rest);
                case "backends":
                    return new BackendsCommand(this, stdout, stderr).Execute(rest);
                case "conformance":
                    return new ConformanceCommand(this, stdout, stderr).Execute(rest);
                default:
                    string hint = JsonFields.Suggest(args[0], ["run", "backends", "conformance", "help"]) is { } s ? $" (did you mean '{s}'?)" : "";
                    throw new UsageException($"unknown command '{args[0]}'{hint}", Usage.Main);
            }
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {OneLine(e.Message)}");
            stderr.WriteLine();
            stderr.Write(e.Help);
            return UsageError;
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

    private static string HelpOf(string command) => command switch
    {
        "run" => Usage.Run,
        "backends" => Usage.Backends,
        "conformance" => Usage.Conformance,
        _ => throw new UsageException($"unknown command '{command}'", Usage.Main),
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
