using Meta.Cli.Commands;

namespace Meta.Tests.Cli;

/// <summary>
/// The Open MPI settings <c>meta run</c> makes under mpirun (<see cref="MpiDefaults"/>): set where the user set nothing, in
/// the native environment that <c>MPI_Init</c> reads, and never over the user's own value.
/// </summary>
public class MpiDefaultsTests
{
    [Fact]
    public void Yield_when_idle_is_set_for_native_code_unless_the_user_set_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        string variable = MpiDefaults.YieldVariable;
        string? before = Environment.GetEnvironmentVariable(variable);
        try
        {
            Environment.SetEnvironmentVariable(variable, null);
            Assert.Equal([variable], MpiDefaults.Apply());
            Assert.Equal("1", MpiDefaults.NativeValue(variable));
            Assert.Equal("1", Environment.GetEnvironmentVariable(variable));

            // A value the user gave (mpirun --mca mpi_yield_when_idle 0 arrives as this variable) is kept.
            Environment.SetEnvironmentVariable(variable, "0");
            Assert.Empty(MpiDefaults.Apply());
            Assert.Equal("0", Environment.GetEnvironmentVariable(variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, before);
        }
    }
}
