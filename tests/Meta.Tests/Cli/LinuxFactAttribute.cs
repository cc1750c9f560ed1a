namespace Meta.Tests.Cli;

/// <summary>A fact that runs on Linux only; elsewhere it is skipped, saying so (what it tests is Linux's libc environment).</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> off Linux.</summary>
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux only: the test reads the native environment through glibc's getenv";
    }
}
