namespace Meta;

/// <summary>The base of Meta's errors, mirroring PyNN's <c>pyNN.errors</c>.</summary>
public class MetaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An unknown parameter name (PyNN's <c>NonExistentParameterError</c>); the message lists the valid names.</summary>
public sealed class NonExistentParameterException(string parameterName, string modelName, IEnumerable<string> validNames)
    : MetaException($"{parameterName} (valid parameters for {modelName} are: {string.Join(", ", validNames)})")
{
    /// <summary>The unknown name.</summary>
    public string ParameterName { get; } = parameterName;
    /// <summary>The model or object the name was looked up in.</summary>
    public string ModelName { get; } = modelName;
}

/// <summary>A value of the wrong kind or out of range (PyNN's <c>InvalidParameterValueError</c>).</summary>
public sealed class InvalidParameterValueException(string message, Exception? inner = null) : MetaException(message, inner);

/// <summary>An array of the wrong shape (PyNN's <c>InvalidDimensionsError</c>).</summary>
public sealed class InvalidDimensionsException(string message) : MetaException(message);

/// <summary>A connection that cannot be made: bad receptor, weight sign, index out of range (PyNN's <c>ConnectionError</c>).</summary>
public sealed class ConnectionException(string message) : MetaException(message);

/// <summary>A variable that the cell type cannot record (PyNN's <c>RecordingError</c>).</summary>
public sealed class RecordingException(string variable, string cellType, IEnumerable<string> available)
    : MetaException($"Cannot record {variable} from cell type {cellType}. Available variables are {string.Join(", ", available)}.")
{
    /// <summary>The variable asked for.</summary>
    public string Variable { get; } = variable;
}

/// <summary>A model definition that is inconsistent (PyNN's <c>InvalidModelError</c>).</summary>
public sealed class InvalidModelException(string message) : MetaException(message);

/// <summary>A feature that the chosen backend does not provide; the message names the backend and the feature.</summary>
public sealed class NotSupportedByBackendException(string backend, string feature)
    : MetaException($"{feature} is not supported by backend '{backend}'.")
{
    /// <summary>The backend's name.</summary>
    public string Backend { get; } = backend;
    /// <summary>What was asked for.</summary>
    public string Feature { get; } = feature;
}

/// <summary>
/// A backend name that no loaded plugin provides. When the folders searched are given, the message lists them and says
/// how a backend reaches a program (a backend package, a plugin folder under <c>plugins/</c>, <c>META_PLUGIN_PATH</c>).
/// </summary>
public sealed class BackendNotFoundException(string name, IEnumerable<string> available, IEnumerable<string>? searched = null)
    : MetaException(Describe(name, available, searched))
{
    private static string Describe(string name, IEnumerable<string> available, IEnumerable<string>? searched)
    {
        var text = $"No backend named '{name}' is loaded (available: {(available.Any() ? string.Join(", ", available) : "none")}).";
        if (searched is null) return text;
        var folders = searched.ToList();
        return text + $" Searched: {(folders.Count > 0 ? string.Join(", ", folders) : "no folder")}."
            + " Reference a backend package (Meta.Backends.Cpu, Meta.Backends.Ilgpu, Meta.Backends.Torch), which puts its plugin in"
            + " plugins/<name>/ next to the program, or name plugin folders in META_PLUGIN_PATH or PluginHostOptions.AdditionalFolders.";
    }
}

/// <summary>A combination of model components that no model implements (PyNN's <c>NoModelAvailableError</c>).</summary>
public sealed class NoModelAvailableException(string message) : MetaException(message);

/// <summary>
/// A state that became NaN or infinite, or a membrane potential that ran away (beyond ±10⁴ mV), during a run. The run stops
/// at the end of the run call that found it; everything recorded until then is kept. The message names the population,
/// the cell, the variable, the time and the value.
/// </summary>
public sealed class SimulationDivergedException(string message, string population, int cell, string variable, double timeMs, double value)
    : MetaException(message)
{
    /// <summary>The population's label.</summary>
    public string Population { get; } = population;
    /// <summary>The cell's index in its population.</summary>
    public int Cell { get; } = cell;
    /// <summary>The state variable.</summary>
    public string Variable { get; } = variable;
    /// <summary>The time (ms) of the first sample found diverged.</summary>
    public double TimeMs { get; } = timeMs;
    /// <summary>The value found.</summary>
    public double Value { get; } = value;
}
