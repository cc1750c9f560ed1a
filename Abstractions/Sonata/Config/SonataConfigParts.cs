namespace Meta.Sonata.Config;

/// <summary>One entry of <c>networks.nodes</c>: an HDF5 nodes file and its node types table.</summary>
public sealed record NodeFiles(ConfigPath NodesFile, ConfigPath NodeTypesFile);

/// <summary>One entry of <c>networks.edges</c>: an HDF5 edges file and its edge types table.</summary>
public sealed record EdgeFiles(ConfigPath EdgesFile, ConfigPath EdgeTypesFile);

/// <summary>
/// One entry of <c>inputs</c>. Spike inputs (<c>input_type: spikes</c>, module <c>h5</c>/<c>sonata</c>) name an
/// <see cref="InputFile"/>; current clamps (<c>input_type: current_clamp</c>) give <see cref="Amp"/> (pA, NEST's unit in
/// PointNet), <see cref="Delay"/> and <see cref="Duration"/> (ms), one value or one per step.
/// </summary>
public sealed record SonataInput(string Name, string InputType, string? Module, string? NodeSet, ConfigPath? InputFile,
    IReadOnlyList<double> Amp, IReadOnlyList<double> Delay, IReadOnlyList<double> Duration);

/// <summary>One entry of <c>reports</c>: a variable (e.g. <c>V_m</c>) recorded from a node set.</summary>
public sealed record SonataReport(string Name, string Cells, string VariableName, string? Module, bool Enabled, string? FileName);
