using System.Runtime.InteropServices;

namespace Meta.Cli.Commands;

/// <summary>
/// The Open MPI settings <c>meta run</c> makes under <c>mpirun</c> before MPI starts, each only where the user has not set
/// it (an <c>OMPI_MCA_…</c> variable or <c>mpirun --mca</c>, which reaches the process as that variable):
/// <list type="bullet">
/// <item><c>mpi_yield_when_idle = 1</c>: a rank waiting in a collective gives its core up (<c>sched_yield</c>) between polls
/// instead of spinning on it. Open MPI turns this on by itself only when it knows the machine is oversubscribed; a rank
/// waits in every exchange (5 000 a simulated second with 0.2 ms delays), and while it spins the other ranks, the runtime's
/// own threads and anything else on the machine get its core only when the scheduler takes it. Measured on 2 cores with
/// COBA 40k on 2 ranks: docs/benchmarks.md, "Where a rank's time went".</item>
/// </list>
/// Open MPI ranks an environment variable above its parameter files (<c>mca-params.conf</c>, <c>mpirun --tune</c> files),
/// so a value set only in such a file is overridden by Meta's: set it with <c>mpirun --mca mpi_yield_when_idle 0</c> or
/// <c>-x OMPI_MCA_mpi_yield_when_idle=0</c> to keep your value. <c>summary.json</c> records the value each distributed run
/// had and who set it (<see cref="Origin"/>).
/// </summary>
internal static class MpiDefaults
{
    /// <summary>The variable of Open MPI's <c>mpi_yield_when_idle</c>.</summary>
    public const string YieldVariable = "OMPI_MCA_mpi_yield_when_idle";

    /// <summary>
    /// Sets each default that is not set yet, in the process's native environment (which <c>MPI_Init</c> reads) and in .NET's
    /// view of it; call it before MPI starts. Returns the variables it set.
    /// </summary>
    public static IReadOnlyList<string> Apply()
    {
        var set = new List<string>();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(YieldVariable)) && Set(YieldVariable, "1")) set.Add(YieldVariable);
        return set;
    }

    /// <summary>
    /// The value of <paramref name="variable"/> after <see cref="Apply"/> returned <paramref name="setByMeta"/>, and who set
    /// it: <c>meta</c> (Apply set it), <c>user</c> (set before Apply: <c>mpirun --mca</c>, <c>-x</c> or the shell), or
    /// <c>open mpi</c> (no variable: Open MPI's own default or its parameter files decide).
    /// </summary>
    public static MpiDefaultOrigin Origin(string variable, IReadOnlyList<string> setByMeta)
    {
        ArgumentNullException.ThrowIfNull(setByMeta);
        string? value = Environment.GetEnvironmentVariable(variable);
        string by = setByMeta.Contains(variable) ? "meta" : string.IsNullOrEmpty(value) ? "open mpi" : "user";
        return new MpiDefaultOrigin(value, by);
    }

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/> for native code too (.NET's own setter does not, on Unix).</summary>
    private static bool Set(string name, string value)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        if (SetNative(name, value, 1) != 0) return false;
        Environment.SetEnvironmentVariable(name, value);
        return true;
    }

    /// <summary>The variable as native code sees it (libc's <c>getenv</c>), or null.</summary>
    internal static string? NativeValue(string name) => Marshal.PtrToStringUTF8(GetNative(name));

    [DllImport("libc", EntryPoint = "setenv")]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which this assembly does not allow; strings are marshalled as UTF-8.
    private static extern int SetNative([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetNative([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
#pragma warning restore SYSLIB1054
}

/// <summary>An Open MPI setting of a run (<see cref="MpiDefaults.Origin"/>): its <paramref name="Value"/> (null: not set as a variable) and who set it.</summary>
/// <param name="Value">The variable's value, or null when it is not set.</param>
/// <param name="SetBy"><c>meta</c>, <c>user</c> or <c>open mpi</c>.</param>
internal sealed record MpiDefaultOrigin(string? Value, string SetBy);
