namespace Meta.Sweeps;

/// <summary>A file of parameter sets that cannot be read; the message names the file, line and column.</summary>
public sealed class SweepFormatException(string message, Exception? inner = null) : MetaException(message, inner);
