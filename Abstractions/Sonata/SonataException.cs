namespace Meta.Sonata;

/// <summary>
/// A SONATA network that cannot be read or built: a missing file (named, with the manifest variable it came from and how
/// to point it elsewhere), a missing dataset or column, an unknown model template.
/// </summary>
public sealed class SonataException(string message, Exception? inner = null) : MetaException(message, inner);
