using System.Diagnostics;

namespace Meta.Tests.Distributed;

/// <summary>
/// A theory that runs only where Open MPI is installed (<c>mpirun</c> on the PATH and <c>libmpi.so.40</c> loadable); elsewhere
/// it is skipped with a message naming the Debian packages (.ci/install-debian-packages installs them).
/// </summary>
public sealed class MpiTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Open MPI is missing.</summary>
    public MpiTheoryAttribute()
    {
        if (MpiInstallation.Missing() is { } why) Skip = why;
    }
}

/// <summary>Finds Open MPI's <c>mpirun</c> and library.</summary>
internal static class MpiInstallation
{
    /// <summary>The path of mpirun, or null.</summary>
    public static string? Mpirun { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);

    /// <summary>Why distributed runs cannot be tested here, or null when they can.</summary>
    public static string? Missing()
    {
        if (Mpirun is null) return "Open MPI's mpirun is not installed (Debian packages openmpi-bin and libopenmpi-dev; bash .ci/install-debian-packages)";
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad("libmpi.so.40", out _))
            return "Open MPI's library libmpi.so.40 is not installed (Debian packages openmpi-bin and libopenmpi-dev; bash .ci/install-debian-packages)";
        return null;
    }

    /// <summary>Runs <c>mpirun -np N</c> with <paramref name="arguments"/> and returns its exit code and output.</summary>
    public static (int Exit, string Output) Run(int ranks, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Mpirun!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(arguments))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun -np {ranks} did not finish in {timeout.TotalSeconds} s.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
