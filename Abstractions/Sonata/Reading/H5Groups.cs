using Meta.Sonata.Config;
using PureHDF;

namespace Meta.Sonata.Reading;

/// <summary>Small helpers over PureHDF's groups: optional members, the numeric and text datasets of a group.</summary>
internal static class H5Groups
{
    /// <summary>The dataset at <paramref name="path"/> under <paramref name="group"/>, or null.</summary>
    public static IH5Dataset? OptionalDataset(IH5Group group, string path) =>
        group.LinkExists(path) && group.Get(path) is IH5Dataset d ? d : null;

    /// <summary>The dataset at <paramref name="path"/>, or an error naming the file and the path.</summary>
    public static IH5Dataset Dataset(IH5Group group, string path, string file) =>
        OptionalDataset(group, path) ?? throw new SonataException($"{file}: no dataset '{group.Name.TrimEnd('/')}/{path}'.");

    /// <summary>The subgroup at <paramref name="path"/>, or null.</summary>
    public static IH5Group? OptionalGroup(IH5Group group, string path) =>
        group.LinkExists(path) && group.Get(path) is IH5Group g ? g : null;

    /// <summary>The groups directly under <paramref name="group"/>, by name.</summary>
    public static IEnumerable<IH5Group> Subgroups(IH5Group group) => group.Children().OfType<IH5Group>();

    /// <summary>Whether a dataset holds numbers (integers or floats).</summary>
    public static bool IsNumeric(IH5Dataset d) => d.Type.Class is H5DataTypeClass.FixedPoint or H5DataTypeClass.FloatingPoint;

    /// <summary>Whether a dataset holds text.</summary>
    public static bool IsText(IH5Dataset d) => d.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength;

    /// <summary>A text attribute, or null.</summary>
    public static string? TextAttribute(IH5Object o, string name) =>
        o.AttributeExists(name) ? o.Attribute(name).Read<string>() : null;

    /// <summary>The last part of an object's name (<c>/nodes/internal</c> → <c>internal</c>).</summary>
    public static string ShortName(IH5Object o) => o.Name.TrimEnd('/').Split('/')[^1];

    /// <summary>
    /// Opens a SONATA nodes or edges file and its types table and makes one population of each group under
    /// <c>/&lt;root&gt;</c> (<c>nodes</c> or <c>edges</c>); missing files are reported with where their paths came from.
    /// </summary>
    public static IReadOnlyList<T> ReadPopulations<T>(ConfigPath h5File, ConfigPath typesFile, string idColumn, string root,
        Func<string, string, TypeTable, IH5Group, T> make)
    {
        string file = h5File.Require();
        var types = TypeTable.Read(typesFile.Require(), idColumn);
        return Reading(file, () =>
        {
            using var h5 = H5File.OpenRead(file);
            var top = OptionalGroup(h5, root) ?? throw new SonataException($"{file}: no '/{root}' group; is this a SONATA {root} file?");
            return Subgroups(top).Select(g => make(ShortName(g), file, types, g)).ToList();
        });
    }

    /// <summary>
    /// Runs <paramref name="read"/> on HDF5 file <paramref name="file"/>; what the HDF5 library throws for a damaged or
    /// truncated file (plain exceptions such as "The file is too small") becomes a <see cref="SonataException"/> naming it.
    /// </summary>
    public static T Reading<T>(string file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not MetaException && e.GetType() == typeof(Exception) || e is EndOfStreamException or NotSupportedException)
        {
            throw new SonataException($"{file}: cannot read the HDF5 file ({e.Message}); is it damaged or truncated?", e);
        }
    }
}
