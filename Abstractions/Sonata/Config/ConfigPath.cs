namespace Meta.Sonata.Config;

/// <summary>
/// A path from a SONATA config, resolved, with where it came from: the key and raw text in which config file, and the
/// manifest variable it used, so a missing file can be reported in terms the user can fix.
/// </summary>
/// <param name="Path">The resolved absolute path.</param>
/// <param name="Raw">The text in the config (e.g. <c>$NETWORK_DIR/nodes.h5</c>).</param>
/// <param name="Key">The config key that held it (e.g. <c>nodes_file</c>).</param>
/// <param name="ConfigFile">The config file that held it.</param>
/// <param name="Variable">The manifest variable the text starts from, or null.</param>
/// <param name="VariableValue">That variable's resolved value, or null.</param>
public sealed record ConfigPath(string Path, string Raw, string Key, string ConfigFile, string? Variable, string? VariableValue)
{
    /// <summary>Whether a file or folder exists at <see cref="Path"/>.</summary>
    public bool Exists => File.Exists(Path) || Directory.Exists(Path);

    /// <summary>Returns <see cref="Path"/>, or throws naming the file, the key, the manifest variable and the fix.</summary>
    /// <exception cref="SonataException">Nothing exists at the path.</exception>
    public string Require(string? hint = null)
    {
        if (Exists) return Path;
        throw new SonataException($"{Describe()}{(hint is null ? "" : $"; {hint}")}.");
    }

    /// <summary>"file not found" with where the path came from and how to point it elsewhere.</summary>
    public string Describe()
    {
        string origin = $"{Key} = '{Raw}' in {ConfigFile}";
        string variable = Variable is null ? "" : $"; {Variable} = '{VariableValue}'";
        string fix = Variable is null ? "" : $"; point {Variable} elsewhere with --manifest {Variable}=DIR";
        return $"file not found: {Path} ({origin}{variable}){fix}";
    }
}
