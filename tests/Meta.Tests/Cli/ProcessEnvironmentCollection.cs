namespace Meta.Tests.Cli;

/// <summary>
/// Tests that change the process's environment, natively too (libc's <c>setenv</c>): glibc's <c>setenv</c> is not safe
/// while other threads call <c>getenv</c>, and a child process started meanwhile (the <c>mpirun</c> of the distributed
/// tests) would inherit the changed value. The collection runs on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process environment (native setenv)";
}
