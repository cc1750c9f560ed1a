using Meta.Backends.Cpu;
using Meta.Cli.Networks;

namespace Meta.Tests.Fuzz;

/// <summary>
/// Feeds one network document to <see cref="NetworkParser"/> and <see cref="NetworkBuilder"/> on the CPU backend (and runs
/// a few steps when the network is small), and says whether what happened is acceptable: success, or one of Meta's
/// documented errors with a clear message. Anything else (another exception type, a documented error wrapping a
/// programming error, a message carrying a stack trace, a hang) is a finding.
/// </summary>
internal static class NetworkFuzzHarness
{
    /// <summary>Networks up to this many cells and connections also run a few steps after building.</summary>
    private const int RunCellLimit = 400;
    private const long RunConnectionLimit = 20_000;
    /// <summary>Documents with more cells in all are parsed but not built.</summary>
    private const long BuildCellLimit = 20_000;

    /// <summary>Exception types that mean a bug in Meta wherever they appear, even wrapped in a documented error.</summary>
    private static readonly Type[] ProgrammingErrors =
    [
        typeof(NullReferenceException), typeof(IndexOutOfRangeException), typeof(InvalidCastException), typeof(OverflowException),
        typeof(KeyNotFoundException), typeof(OutOfMemoryException), typeof(DivideByZeroException), typeof(FormatException),
        typeof(ArgumentOutOfRangeException), typeof(ArgumentNullException), typeof(NotImplementedException), typeof(StackOverflowException),
        typeof(InsufficientExecutionStackException),
    ];

    /// <summary>How far a case got.</summary>
    public enum Outcome { ParseError, BuildError, Built, Ran, TooLargeToBuild, Finding }

    /// <summary>
    /// Parses, builds and (if small and <paramref name="run"/>) runs a few steps. The finding is null when what happened is
    /// acceptable, else what went wrong.
    /// </summary>
    public static (Outcome Outcome, string? Finding) Check(JsonMutator.Mutant mutant, string baseDirectory, bool run, TimeSpan timeout)
    {
        (Outcome, string?) result = (Outcome.Finding, null);
        var worker = new Thread(() => result = CheckNow(mutant, baseDirectory, run), 16 * 1024 * 1024) { IsBackground = true };
        worker.Start();
        if (!worker.Join(timeout)) return (Outcome.Finding, $"no answer within {timeout.TotalSeconds:0} s (hang)");
        return result;
    }

    private static (Outcome, string?) CheckNow(JsonMutator.Mutant mutant, string baseDirectory, bool run)
    {
        bool parsed = false;
        try
        {
            NetworkDocument document;
            if (mutant.Bytes is { } bytes)
            {
                string file = Path.Combine(Path.GetTempPath(), $"meta-fuzz-{Environment.CurrentManagedThreadId}-{Guid.NewGuid():N}.json");
                File.WriteAllBytes(file, bytes);
                try { document = NetworkParser.ParseFile(file); }
                finally { File.Delete(file); }
            }
            else
            {
                document = NetworkParser.Parse(mutant.Text, "fuzz", baseDirectory);
            }
            parsed = true;
            // Large networks that are valid take long to build; the fuzz budget goes to many small cases instead.
            if (document.Populations.Sum(p => (long)p.Size) > BuildCellLimit) return (Outcome.TooLargeToBuild, null);
            using var built = NetworkBuilder.Build(document, new CpuBackend());
            if (!run || built.Populations.Sum(p => (long)p.Size) > RunCellLimit || built.ConnectionCount > RunConnectionLimit) return (Outcome.Built, null);
            built.Simulation.Run(built.Simulation.Timestep * 3);
            return (Outcome.Ran, null);
        }
        catch (Exception e)
        {
            return Judge(e) is { } finding ? (Outcome.Finding, finding) : (parsed ? Outcome.BuildError : Outcome.ParseError, null);
        }
    }

    /// <summary>Null when <paramref name="e"/> is a documented error with a clear message; otherwise why not.</summary>
    public static string? Judge(Exception e)
    {
        bool documented = e is NetworkFormatException or MetaException;
        if (!documented) return $"undocumented exception {e.GetType().FullName}: {e.Message}\n{e}";
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (ProgrammingErrors.Any(t => t.IsInstanceOfType(inner)))
                return $"{e.GetType().Name} wraps a programming error {inner.GetType().FullName}: {e.Message}\n{inner}";
        if (e.Message.Contains("   at ", StringComparison.Ordinal) || e.Message.Trim().Length == 0)
            return $"unclear message from {e.GetType().Name}: '{e.Message}'";
        if (e is NetworkFormatException nf && nf.JsonPath.Length == 0 && !nf.Message.StartsWith("invalid JSON", StringComparison.Ordinal)
            && !nf.Message.Contains("JSON object", StringComparison.Ordinal))
            return $"NetworkFormatException without a JSON path: '{e.Message}'";
        return null;
    }
}
