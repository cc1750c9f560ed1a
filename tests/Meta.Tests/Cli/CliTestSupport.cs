using System.Runtime.CompilerServices;
using Meta.Backends;
using Meta.Backends.Cpu;
using Meta.Cli.Commands;
using Meta.Plugins;

namespace Meta.Tests.Cli;

/// <summary>Paths, temporary folders and a CLI wired to an in-process CPU backend.</summary>
internal static class CliTestSupport
{
    /// <summary>The repository root (the folder holding Meta.sln), found upwards from the test output.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Example(string name) => Path.Combine(RepoRoot, "examples", name);

    /// <summary>The build configuration of this test run (Debug/Release), read from the output path.</summary>
    public static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The plugins folder the Cli project's build deploys the CPU backend into.</summary>
    public static string CliPluginsFolder => Path.Combine(RepoRoot, "Cli", "bin", Configuration, "net10.0", "plugins");

    /// <summary>A catalog holding a CPU backend constructed in-process (no plugin loading).</summary>
    public static PluginCatalog CpuCatalog()
    {
        var backend = new CpuBackend();
        return new PluginCatalog([new LoadedBackend(backend, backend.Descriptor, "(in-process)", typeof(CpuBackend).Assembly.Location)]);
    }

    /// <summary>A CLI whose plugin loading returns <see cref="CpuCatalog"/>.</summary>
    public static CliApp AppWithCpu() => new() { LoadPlugins = _ => CpuCatalog() };

    /// <summary>Runs the CLI in-process and captures its output.</summary>
    public static (int Exit, string Out, string Err) Run(CliApp app, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = app.Execute(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string FindRepoRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Meta.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Meta.sln not found above {AppContext.BaseDirectory} or {sourceFile}");
    }
}

/// <summary>A temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "meta-cli-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes <paramref name="text"/> to a file in the folder and returns its path.</summary>
    public string File(string name, string text)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A backend that loads but supports only what it is given; creating an engine fails.</summary>
internal sealed class LimitedBackend(BackendCapabilities capabilities) : IBackend
{
    public BackendDescriptor Descriptor { get; } = new("limited", "1.0", Contract.Version, "test backend", capabilities);
    public IReadOnlyList<string> Devices { get; } = ["nothing"];
    public ISimulationEngine CreateEngine(EngineOptions options) => throw new NotSupportedByBackendException("limited", "simulation");
}
