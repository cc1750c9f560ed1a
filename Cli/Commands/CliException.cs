namespace Meta.Cli.Commands;

/// <summary>An error to report as one line (exit code 1) without a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
