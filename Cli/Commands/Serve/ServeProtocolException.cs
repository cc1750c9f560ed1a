namespace Meta.Cli.Commands.Serve;

/// <summary>A request that does not follow the <c>meta serve</c> protocol: unknown command, missing or mistyped field.</summary>
public sealed class ServeProtocolException(string message) : Exception(message);
