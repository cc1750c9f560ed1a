namespace Meta.Backends.CSharp;

/// <summary>
/// The choice between a backend's IL kernel emitter and its C# (Roslyn) one, read from an environment variable
/// (<c>META_CPU_KERNEL_EMITTER</c>, <c>META_ILGPU_KERNEL_EMITTER</c>): one parser for every backend that has both.
/// </summary>
public static class KernelEmitterChoice
{
    /// <summary>
    /// Whether <paramref name="choice"/> (the variable's value) asks for IL: unset, empty or <c>il</c> yes, <c>roslyn</c> no.
    /// </summary>
    /// <exception cref="ArgumentException">Any other value; the message names <paramref name="variable"/>, the backend and the valid values.</exception>
    public static bool IsIl(string variable, string backend, string? choice) => choice?.Trim().ToLowerInvariant() switch
    {
        null or "" or "il" => true,
        "roslyn" => false,
        _ => throw new ArgumentException($"{variable}='{choice}' names no {backend} kernel emitter; valid values: il (the default), roslyn."),
    };
}
