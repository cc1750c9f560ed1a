using System.Globalization;

namespace Meta.Recording;

/// <summary>What a run will record as analog signals: per population and variable, and in all (see <see cref="RecorderRegistry.Estimate"/>).</summary>
/// <param name="Parts">One entry per recorded (population, variable).</param>
public sealed record RecordingEstimate(IReadOnlyList<RecordingEstimate.Part> Parts)
{
    /// <summary>One recorded variable of one population.</summary>
    /// <param name="Population">The population's label.</param>
    /// <param name="Variable">The variable.</param>
    /// <param name="Cells">The number of recorded cells.</param>
    /// <param name="Samples">Samples × cells over the run (a double, as it may exceed any integer type for absurd runs).</param>
    public sealed record Part(string Population, string Variable, int Cells, double Samples)
    {
        /// <summary>The bytes of these samples as doubles.</summary>
        public double Bytes => Samples * sizeof(double);
    }

    /// <summary>The bytes of all samples as doubles.</summary>
    public double Bytes => Parts.Sum(p => p.Bytes);

    /// <summary>The largest parts, in words, e.g. <c>v of 4000 cells in 'exc' (3.2 GB)</c>.</summary>
    public string Describe(int largest = 3) => string.Join(", ", Parts.OrderByDescending(p => p.Bytes).Take(largest)
        .Select(p => $"{p.Variable} of {p.Cells} cell{(p.Cells == 1 ? "" : "s")} in '{p.Population}' ({Size(p.Bytes)})"));

    /// <summary>A byte count in decimal units (kB, MB, GB, TB, PB), or in bytes with an exponent beyond.</summary>
    public static string Size(double bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        int u = 0;
        while (bytes >= 1000 && u < units.Length - 1) { bytes /= 1000; u++; }
        return bytes >= 1000 ? $"{bytes.ToString("0.#e0", CultureInfo.InvariantCulture)} {units[u]}" : $"{bytes.ToString(bytes < 10 ? "0.##" : "0.#", CultureInfo.InvariantCulture)} {units[u]}";
    }
}
