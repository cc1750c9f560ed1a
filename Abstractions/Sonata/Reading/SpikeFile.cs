using PureHDF;

namespace Meta.Sonata.Reading;

/// <summary>
/// Spike trains from a SONATA spike file, in either layout: the current one, <c>/spikes/&lt;population&gt;/timestamps</c> and
/// <c>node_ids</c>, or the old one, <c>/spikes/gids</c> and <c>/spikes/timestamps</c> (any <c>sorting</c>).
/// </summary>
public static class SpikeFile
{
    /// <summary>
    /// The spike times of each node of <paramref name="population"/> (<paramref name="count"/> nodes), sorted. In the current
    /// layout the file's group for the population is used (or its only group); the old layout has no population and is
    /// taken as is. A node id out of range is an error naming the file.
    /// </summary>
    public static double[][] Read(string file, string population, int count)
    {
        if (!File.Exists(file)) throw new SonataException($"spike file not found: {file}");
        return H5Groups.Reading(file, () => ReadChecked(file, population, count));
    }

    private static double[][] ReadChecked(string file, string population, int count)
    {
        using var h5 = H5File.OpenRead(file);
        var spikes = H5Groups.OptionalGroup(h5, "spikes") ?? throw new SonataException($"{file}: no '/spikes' group; is this a SONATA spike file?");
        IH5Dataset times, ids;
        string where;
        if (H5Groups.OptionalDataset(spikes, "timestamps") is { } oldTimes)
        {
            times = oldTimes;
            ids = H5Groups.OptionalDataset(spikes, "gids") ?? H5Groups.OptionalDataset(spikes, "node_ids")
                ?? throw new SonataException($"{file}: '/spikes/timestamps' without '/spikes/gids'.");
            where = $"{file}: /spikes";
        }
        else
        {
            var groups = H5Groups.Subgroups(spikes).ToList();
            var group = groups.FirstOrDefault(g => H5Groups.ShortName(g) == population) ?? (groups.Count == 1 ? groups[0] : null)
                ?? throw new SonataException($"{file}: no spikes for population '{population}' (populations: {string.Join(", ", groups.Select(H5Groups.ShortName))}).");
            where = $"{file}: /spikes/{H5Groups.ShortName(group)}";
            times = H5Groups.Dataset(group, "timestamps", file);
            ids = H5Groups.OptionalDataset(group, "node_ids") ?? H5Groups.Dataset(group, "gids", file);
        }
        var t = H5Columns.ReadDoubles(times, $"{where}/timestamps");
        var n = H5Columns.ReadInts(ids, $"{where}/node_ids");
        if (t.Length != n.Length) throw new SonataException($"{where}: {t.Length} timestamps for {n.Length} node ids.");
        var lists = new List<double>[count];
        for (int i = 0; i < count; i++) lists[i] = [];
        for (int k = 0; k < t.Length; k++)
        {
            if (n[k] < 0 || n[k] >= count) throw new SonataException($"{where}: node id {n[k]} is out of range for population '{population}' of {count} nodes.");
            lists[n[k]].Add(t[k]);
        }
        return lists.Select(l => { l.Sort(); return l.ToArray(); }).ToArray();
    }
}
