using System.Runtime.InteropServices;
using Meta.Cli.Commands;

namespace Meta.Tests.Cli;

/// <summary>
/// The Open MPI settings <c>meta run</c> makes under mpirun (<see cref="MpiDefaults"/>): set where the user set nothing, in
/// the native environment that <c>MPI_Init</c> reads, and never over the user's own value; and who set it, as
/// <c>summary.json</c> records it (<see cref="MpiDefaults.Origin"/>). The tests change the process's environment natively,
/// so they run alone (<see cref="ProcessEnvironmentCollection"/>) and restore it, native side included.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public class MpiDefaultsTests
{
    [LinuxFact]
    public void Yield_when_idle_is_set_for_native_code_unless_the_user_set_it_on_Linux()
    {
        string variable = MpiDefaults.YieldVariable;
        string? before = Environment.GetEnvironmentVariable(variable), nativeBefore = MpiDefaults.NativeValue(variable);
        try
        {
            Unset(variable);
            MpiDefaults.Origin(variable, []).Should().Be(new MpiDefaultOrigin(null, "open mpi"));

            var set = MpiDefaults.Apply();
            set.Should().Equal(variable);
            MpiDefaults.NativeValue(variable).Should().Be("1");
            Environment.GetEnvironmentVariable(variable).Should().Be("1");
            MpiDefaults.Origin(variable, set).Should().Be(new MpiDefaultOrigin("1", "meta"));

            // A value the user gave (mpirun --mca mpi_yield_when_idle 0 arrives as this variable) is kept.
            Environment.SetEnvironmentVariable(variable, "0");
            set = MpiDefaults.Apply();
            set.Should().BeEmpty();
            Environment.GetEnvironmentVariable(variable).Should().Be("0");
            MpiDefaults.Origin(variable, set).Should().Be(new MpiDefaultOrigin("0", "user"));
        }
        finally
        {
            if (nativeBefore is null) UnsetNative(variable);
            else SetNative(variable, nativeBefore, 1);
            Environment.SetEnvironmentVariable(variable, before);
        }
    }

    /// <summary>Removes <paramref name="name"/> from the native environment and from .NET's view of it.</summary>
    private static void Unset(string name)
    {
        UnsetNative(name);
        Environment.SetEnvironmentVariable(name, null);
    }

#pragma warning disable SYSLIB1054 // as MpiDefaults: plain DllImport, strings marshalled as UTF-8.
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNative([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "unsetenv")]
    private static extern int UnsetNative([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
#pragma warning restore SYSLIB1054
}
