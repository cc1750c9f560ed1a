using System.Globalization;

namespace Meta.Spatial;

/// <summary>
/// How distances between cells are measured (PyNN's <c>Space</c>): which axes count, a scale factor and offset applied
/// to the postsynaptic positions, and optional periodic boundaries per axis.
/// </summary>
/// <remarks>
/// For a presynaptic position <c>A</c> and a postsynaptic position <c>B</c>, the post position is first transformed to
/// <c>B' = scaleFactor · (B + offset)</c>. Per selected axis the difference is <c>diff = A − B'</c>, or
/// <c>min(|diff|, range − |diff|)</c> when the axis has periodic boundaries <c>(min, max)</c> with
/// <c>range = max − min</c>. The distance is the Euclidean norm over the selected axes; unselected axes do not count.
/// </remarks>
public sealed class Space
{
    private readonly bool[] _axisUsed = new bool[3];
    private readonly double[] _range = new double[3];

    /// <summary>Creates a space.</summary>
    /// <param name="axes">The axes that count: null (all three), or a non-empty combination of <c>x</c>, <c>y</c>, <c>z</c> such as <c>"xy"</c>.</param>
    /// <param name="scaleFactor">Multiplies the postsynaptic positions (after the offset is added).</param>
    /// <param name="offset">Added to the postsynaptic positions before scaling.</param>
    /// <param name="periodicBoundaries">Null (none), or three entries (x, y, z), each null or a (min, max) with max &gt; min.</param>
    /// <exception cref="InvalidParameterValueException">An argument is invalid.</exception>
    public Space(string? axes = null, double scaleFactor = 1.0, double offset = 0.0, IReadOnlyList<(double Min, double Max)?>? periodicBoundaries = null)
    {
        Axes = axes ?? "xyz";
        if (Axes.Length == 0 || Axes.Length > 3)
            throw new InvalidParameterValueException($"Space: axes must be a non-empty combination of x, y and z such as \"xy\", got \"{Axes}\".");
        foreach (char c in Axes)
        {
            int a = c switch { 'x' => 0, 'y' => 1, 'z' => 2, _ => -1 };
            if (a < 0 || _axisUsed[a])
                throw new InvalidParameterValueException($"Space: axes must be a combination of distinct letters x, y and z such as \"xy\", got \"{Axes}\".");
            _axisUsed[a] = true;
        }
        if (!double.IsFinite(scaleFactor)) throw new InvalidParameterValueException($"Space: scale_factor must be finite, got {scaleFactor}.");
        if (!double.IsFinite(offset)) throw new InvalidParameterValueException($"Space: offset must be finite, got {offset}.");
        ScaleFactor = scaleFactor;
        Offset = offset;
        var periodic = new (double Min, double Max)?[3];
        if (periodicBoundaries is not null)
        {
            if (periodicBoundaries.Count != 3)
                throw new InvalidParameterValueException($"Space: periodic_boundaries needs 3 entries (x, y, z; each null or (min, max)), got {periodicBoundaries.Count}.");
            for (int a = 0; a < 3; a++)
            {
                if (periodicBoundaries[a] is not { } b) continue;
                if (!(double.IsFinite(b.Min) && double.IsFinite(b.Max) && b.Max > b.Min))
                    throw new InvalidParameterValueException(
                        $"Space: the periodic boundaries of axis {"xyz"[a]} must be finite with max > min, got ({b.Min}, {b.Max}).");
                periodic[a] = b;
                _range[a] = b.Max - b.Min;
            }
        }
        PeriodicBoundaries = periodic;
    }

    /// <summary>The axes that count, e.g. <c>"xyz"</c> (the default) or <c>"xy"</c>.</summary>
    public string Axes { get; }
    /// <summary>The factor applied to postsynaptic positions.</summary>
    public double ScaleFactor { get; }
    /// <summary>The offset added to postsynaptic positions before scaling.</summary>
    public double Offset { get; }
    /// <summary>Per axis (x, y, z): the periodic boundaries (min, max), or null.</summary>
    public IReadOnlyList<(double Min, double Max)?> PeriodicBoundaries { get; }

    /// <summary>Whether axis <paramref name="axis"/> (0 = x, 1 = y, 2 = z) counts.</summary>
    public bool UsesAxis(int axis) => _axisUsed[axis];

    /// <summary>The distance from presynaptic position <paramref name="a"/> to postsynaptic position <paramref name="b"/> (each x, y, z).</summary>
    public double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != 3 || b.Length != 3) throw new InvalidDimensionsException("Space.Distance needs two positions of 3 coordinates.");
        return Distance(a[0], a[1], a[2], b[0], b[1], b[2]);
    }

    /// <summary>The distance from presynaptic position (ax, ay, az) to postsynaptic position (bx, by, bz).</summary>
    public double Distance(double ax, double ay, double az, double bx, double by, double bz)
    {
        double sum = 0;
        for (int axis = 0; axis < 3; axis++)
        {
            if (!_axisUsed[axis]) continue;
            double a = axis == 0 ? ax : axis == 1 ? ay : az;
            double b = axis == 0 ? bx : axis == 1 ? by : bz;
            double diff = a - ScaleFactor * (b + Offset);
            if (PeriodicBoundaries[axis] is not null)
            {
                double abs = Math.Abs(diff);
                diff = Math.Min(abs, _range[axis] - abs);
            }
            sum += diff * diff;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// The displacement from presynaptic position (ax, ay, az) to the transformed postsynaptic position:
    /// per axis <c>scaleFactor·(b + offset) − a</c> (with the default space, PyNN's <c>post.position − pre.position</c>).
    /// On a periodic axis the shorter way round is taken (the result's magnitude is the one <see cref="Distance(double, double, double, double, double, double)"/>
    /// uses); unselected axes give 0.
    /// </summary>
    public (double Dx, double Dy, double Dz) Displacement(double ax, double ay, double az, double bx, double by, double bz)
    {
        double Axis(int axis, double a, double b)
        {
            if (!_axisUsed[axis]) return 0;
            double diff = ScaleFactor * (b + Offset) - a;
            if (PeriodicBoundaries[axis] is not null)
            {
                double abs = Math.Abs(diff), wrapped = _range[axis] - abs;
                if (wrapped < abs) diff = -Math.Sign(diff) * wrapped;
            }
            return diff;
        }
        return (Axis(0, ax, bx), Axis(1, ay, by), Axis(2, az, bz));
    }

    /// <summary>
    /// The distances between every presynaptic position in <paramref name="a"/> (3 × m) and every postsynaptic
    /// position in <paramref name="b"/> (3 × n), as an m × n array (PyNN's <c>distances(A, B)</c>).
    /// </summary>
    public double[,] Distances(double[,] a, double[,] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.GetLength(0) != 3 || b.GetLength(0) != 3)
            throw new InvalidDimensionsException($"Space.Distances needs 3 × n position arrays, got {a.GetLength(0)} × {a.GetLength(1)} and {b.GetLength(0)} × {b.GetLength(1)}.");
        int m = a.GetLength(1), n = b.GetLength(1);
        var result = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                result[i, j] = Distance(a[0, i], a[1, i], a[2, i], b[0, j], b[1, j], b[2, j]);
        return result;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var periodic = PeriodicBoundaries.Any(p => p is not null)
            ? ", periodic_boundaries=(" + string.Join(", ", PeriodicBoundaries.Select(p => p is { } b ? $"({F(b.Min)}, {F(b.Max)})" : "None")) + ")"
            : "";
        return $"Space(axes='{Axes}', scale_factor={F(ScaleFactor)}, offset={F(Offset)}{periodic})";
    }
}
