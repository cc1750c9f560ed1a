using System.Diagnostics;
using Meta.Tests.Cli;
using Xunit.Abstractions;

namespace Meta.Tests.PyNN;

/// <summary>
/// Runs Python scripts with pyNN.meta: Debian's /usr/bin/python3 with python3-pynn, python3-neo and python3-numpy, this
/// repository's <c>python/</c> folder and the built <c>meta</c> command line. Tests that need them are skipped with a message
/// naming what is missing (CI installs the packages with <c>.ci/install-debian-packages</c>).
/// </summary>
internal static class PythonSupport
{
    public const string Python = "/usr/bin/python3";

    /// <summary>This repository's Python folder (pynn_meta_hook.py, pyNN_meta/, pynn_scenarios.py).</summary>
    public static string PythonFolder => Path.Combine(CliTestSupport.RepoRoot, "python");

    /// <summary>The Meta.Cli.dll that <c>meta serve</c> runs from (the Cli project's build, with its plugins folder).</summary>
    public static string CliDll => Path.Combine(CliTestSupport.RepoRoot, "Cli", "bin", CliTestSupport.Configuration, "net10.0", "Meta.Cli.dll");

    /// <summary>PyNN 0.10.1's test/system and examples folders, read in place.</summary>
    public static string? PyNNFixtures { get; } = FindFixtures();

    private static readonly Lazy<string?> s_missing = new(FindMissing);

    /// <summary>What is missing for the Python tests (python3, PyNN, Neo, NumPy, the CLI build, the fixtures), or null.</summary>
    public static string? Missing => s_missing.Value;

    private static string? FindMissing()
    {
        if (!File.Exists(Python)) return $"{Python} was not found (install python3, python3-pynn, python3-neo, python3-numpy).";
        var (code, text) = Run(["-c", "import pyNN, neo, numpy; print(pyNN.__version__)"], TimeSpan.FromMinutes(2));
        if (code != 0) return $"python3-pynn, python3-neo or python3-numpy is not installed ({text.Trim().Split('\n')[^1]}); run .ci/install-debian-packages.";
        if (!File.Exists(CliDll)) return $"{CliDll} was not built (dotnet build Cli -c {CliTestSupport.Configuration}).";
        if (PyNNFixtures is null) return "shared/fixtures/pynn was not found (set META_FIXTURES_DIR to the folder holding pynn/).";
        return null;
    }

    private static string? FindFixtures()
    {
        var env = Environment.GetEnvironmentVariable("META_FIXTURES_DIR");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(Path.Combine(env, "pynn")) ? Path.Combine(env, "pynn") : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "pynn");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Runs python3 with <paramref name="arguments"/> in <paramref name="workingDirectory"/>; returns the exit code and stdout + stderr.</summary>
    public static (int ExitCode, string Output) Run(IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["META_CLI"] = CliDll;
        info.Environment["MPLBACKEND"] = "Agg";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {string.Join(' ', arguments)} ran longer than {timeout.TotalSeconds} s:\n{stdout.Result}\n{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
