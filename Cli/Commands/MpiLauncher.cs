using System.Diagnostics;
using System.Globalization;

namespace Meta.Cli.Commands;

/// <summary>
/// <c>meta run --ranks N</c> outside mpirun: starts this same command line (without <c>--ranks</c>) under Open MPI's
/// <c>mpirun -np N</c> on this machine and waits for it. On a cluster, call <c>mpirun</c> yourself with a hostfile
/// (docs/architecture.md, "Distributed runs").
/// </summary>
internal static class MpiLauncher
{
    /// <summary>Runs the current command line on <paramref name="ranks"/> ranks; returns mpirun's exit code.</summary>
    public static int Relaunch(int ranks, TextWriter stderr)
    {
        var args = Environment.GetCommandLineArgs().ToList();
        string process = Environment.ProcessPath ?? throw new CliException("--ranks: the path of this program is unknown; start it with mpirun -np N instead");
        var command = new List<string>();
        if (Path.GetFileNameWithoutExtension(process) == "dotnet") command.AddRange([process, args[0]]);
        else command.Add(process);
        for (int i = 1; i < args.Count; i++)
        {
            if (args[i] == "--ranks") { i++; continue; }
            if (args[i].StartsWith("--ranks=", StringComparison.Ordinal)) continue;
            command.Add(args[i]);
        }
        var start = new ProcessStartInfo("mpirun") { UseShellExecute = false };
        if (Environment.UserName == "root") start.ArgumentList.Add("--allow-run-as-root");
        if (ranks > Environment.ProcessorCount) start.ArgumentList.Add("--oversubscribe");
        start.ArgumentList.Add("-np");
        start.ArgumentList.Add(ranks.ToString(CultureInfo.InvariantCulture));
        foreach (var a in command) start.ArgumentList.Add(a);
        try
        {
            using var mpirun = Process.Start(start)!;
            mpirun.WaitForExit();
            return mpirun.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            stderr.WriteLine($"error: --ranks needs Open MPI's mpirun (Debian packages openmpi-bin and libopenmpi-dev): {e.Message}");
            return 1;
        }
    }
}
