using System.Globalization;
using Meta.Random;

namespace Meta.Spatial;

/// <summary>
/// How a population's cells are placed in space (PyNN's structures): <see cref="GeneratePositions"/> returns a
/// 3 × n array of (x, y, z) per cell.
/// </summary>
public abstract class Structure
{
    /// <summary>
    /// The structure's own random stream, or null: then positions that need random numbers are drawn from the stream the
    /// caller passes (a population passes <see cref="RandomStreams.Structure"/> of its index, from the simulation seed).
    /// </summary>
    public RandomStream? Rng { get; init; }

    /// <summary>
    /// The positions of <paramref name="n"/> cells, 3 × n. Random structures draw from <see cref="Rng"/> when set,
    /// else from <paramref name="fallback"/>, else from stream <see cref="RandomStreams.Structure"/>(0) of seed 0.
    /// </summary>
    /// <exception cref="InvalidParameterValueException">n does not fit the structure (e.g. not a full grid).</exception>
    public abstract double[,] GeneratePositions(int n, RandomStream? fallback = null);

    /// <summary>The stream random draws come from.</summary>
    protected RandomStream StreamFor(RandomStream? fallback) => Rng ?? fallback ?? new RandomStream(0, RandomStreams.Structure(0));

    /// <summary>Formats a number for <see cref="object.ToString"/>.</summary>
    protected static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Shuffles the columns of a 3 × n array with the stream's <see cref="RandomStream.Permutation"/> (column k moves from <c>perm[k]</c>).</summary>
    protected static double[,] PermuteColumns(double[,] positions, RandomStream rng)
    {
        int n = positions.GetLength(1);
        var perm = rng.Permutation(n);
        var result = new double[3, n];
        for (int k = 0; k < n; k++)
            for (int a = 0; a < 3; a++) result[a, k] = positions[a, perm[k]];
        return result;
    }

    /// <summary>Checks a finite argument.</summary>
    protected static double Finite(double v, string structure, string name) =>
        double.IsFinite(v) ? v : throw new InvalidParameterValueException($"{structure}: {name} must be finite, got {v}.");

    /// <summary>Checks a positive argument.</summary>
    protected static double Positive(double v, string structure, string name) =>
        double.IsFinite(v) && v > 0 ? v : throw new InvalidParameterValueException($"{structure}: {name} must be a positive number, got {v}.");

    internal static int CheckedCount(double value, int n, string structure, string what)
    {
        double rounded = Math.Round(value);
        if (Math.Abs(value - rounded) > 1e-9 * Math.Max(1, Math.Abs(value)) || rounded < 1)
            throw new InvalidParameterValueException(
                $"{structure}: a population of {n} cells does not fill the grid: {what} would be {value.ToString("G6", CultureInfo.InvariantCulture)}, not a whole number.");
        return (int)rounded;
    }
}

/// <summary>How grid positions are assigned to cells.</summary>
public enum FillOrder
{
    /// <summary>In grid order (PyNN's <c>'sequential'</c>).</summary>
    Sequential,
    /// <summary>A random permutation of the grid order (PyNN's <c>'random'</c>).</summary>
    Random,
}

/// <summary>Cells on a line along x (PyNN's <c>Line</c>, the default structure): cell i at (x0 + dx·i, y, z).</summary>
public sealed class Line : Structure
{
    /// <summary>Creates a line.</summary>
    public Line(double dx = 1.0, double x0 = 0.0, double y = 0.0, double z = 0.0)
    {
        Dx = Finite(dx, nameof(Line), "dx");
        X0 = Finite(x0, nameof(Line), "x0");
        Y = Finite(y, nameof(Line), "y");
        Z = Finite(z, nameof(Line), "z");
    }

    /// <summary>The spacing.</summary>
    public double Dx { get; }
    /// <summary>The x of the first cell.</summary>
    public double X0 { get; }
    /// <summary>The y of every cell.</summary>
    public double Y { get; }
    /// <summary>The z of every cell.</summary>
    public double Z { get; }

    /// <inheritdoc />
    public override double[,] GeneratePositions(int n, RandomStream? fallback = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var p = new double[3, n];
        for (int i = 0; i < n; i++)
        {
            p[0, i] = X0 + Dx * i;
            p[1, i] = Y;
            p[2, i] = Z;
        }
        return p;
    }

    /// <inheritdoc />
    public override string ToString() => $"Line(dx={F(Dx)}, x0={F(X0)}, y={F(Y)}, z={F(Z)})";
}

/// <summary>
/// Cells on a 2D grid in the plane z (PyNN's <c>Grid2D</c>). For n cells, <c>nx = √(n·aspectRatio)</c> and
/// <c>ny = n / nx</c> must be whole numbers. Cell k sits at (x0 + dx·(k / ny), y0 + dy·(k mod ny), z): the grid is
/// filled along y first (NumPy's <c>indices</c> order), then shuffled when the fill order is random.
/// </summary>
public sealed class Grid2D : Structure
{
    /// <summary>Creates a 2D grid.</summary>
    /// <param name="aspectRatio">nx / ny.</param>
    /// <param name="dx">Spacing along x.</param>
    /// <param name="dy">Spacing along y.</param>
    /// <param name="x0">x of the first column.</param>
    /// <param name="y0">y of the first row.</param>
    /// <param name="z">z of every cell.</param>
    /// <param name="fillOrder">Sequential or random.</param>
    public Grid2D(double aspectRatio = 1.0, double dx = 1.0, double dy = 1.0, double x0 = 0.0, double y0 = 0.0, double z = 0.0,
        FillOrder fillOrder = FillOrder.Sequential)
    {
        AspectRatio = Positive(aspectRatio, nameof(Grid2D), "aspect_ratio");
        Dx = Finite(dx, nameof(Grid2D), "dx");
        Dy = Finite(dy, nameof(Grid2D), "dy");
        X0 = Finite(x0, nameof(Grid2D), "x0");
        Y0 = Finite(y0, nameof(Grid2D), "y0");
        Z = Finite(z, nameof(Grid2D), "z");
        FillOrder = fillOrder;
    }

    /// <summary>nx / ny.</summary>
    public double AspectRatio { get; }
    /// <summary>Spacing along x.</summary>
    public double Dx { get; }
    /// <summary>Spacing along y.</summary>
    public double Dy { get; }
    /// <summary>x of the first column.</summary>
    public double X0 { get; }
    /// <summary>y of the first row.</summary>
    public double Y0 { get; }
    /// <summary>z of every cell.</summary>
    public double Z { get; }
    /// <summary>The fill order.</summary>
    public FillOrder FillOrder { get; }

    /// <summary>(nx, ny) for <paramref name="n"/> cells; throws <see cref="InvalidParameterValueException"/> when they are not whole.</summary>
    public (int Nx, int Ny) CalculateSize(int n)
    {
        int nx = CheckedCount(Math.Sqrt(n * AspectRatio), n, $"Grid2D(aspect_ratio={F(AspectRatio)})", "nx = √(n·aspect_ratio)");
        int ny = CheckedCount((double)n / nx, n, $"Grid2D(aspect_ratio={F(AspectRatio)})", "ny = n / nx");
        return (nx, ny);
    }

    /// <inheritdoc />
    public override double[,] GeneratePositions(int n, RandomStream? fallback = null)
    {
        var (_, ny) = CalculateSize(n);
        var p = new double[3, n];
        for (int k = 0; k < n; k++)
        {
            p[0, k] = X0 + Dx * (k / ny);
            p[1, k] = Y0 + Dy * (k % ny);
            p[2, k] = Z;
        }
        return FillOrder == FillOrder.Random ? PermuteColumns(p, StreamFor(fallback)) : p;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Grid2D(aspect_ratio={F(AspectRatio)}, dx={F(Dx)}, dy={F(Dy)}, x0={F(X0)}, y0={F(Y0)}, z={F(Z)}, fill_order='{FillOrder.ToString().ToLowerInvariant()}')";
}

/// <summary>
/// Cells on a 3D grid (PyNN's <c>Grid3D</c>). For n cells, <c>nx = ∛(n·aspectRatioXY·aspectRatioXZ)</c>,
/// <c>ny = nx / aspectRatioXY</c>, <c>nz = nx / aspectRatioXZ</c> (rounded) and nx·ny·nz must equal n. The grid is filled
/// z first, then y, then x: cell k sits at (x0 + dx·(k / (ny·nz)), y0 + dy·((k / nz) mod ny), z0 + dz·(k mod nz)).
/// </summary>
public sealed class Grid3D : Structure
{
    /// <summary>Creates a 3D grid.</summary>
    /// <param name="aspectRatioXY">nx / ny.</param>
    /// <param name="aspectRatioXZ">nx / nz.</param>
    /// <param name="dx">Spacing along x.</param>
    /// <param name="dy">Spacing along y.</param>
    /// <param name="dz">Spacing along z.</param>
    /// <param name="x0">x of the first cell.</param>
    /// <param name="y0">y of the first cell.</param>
    /// <param name="z0">z of the first cell.</param>
    /// <param name="fillOrder">Sequential or random.</param>
    public Grid3D(double aspectRatioXY = 1.0, double aspectRatioXZ = 1.0, double dx = 1.0, double dy = 1.0, double dz = 1.0,
        double x0 = 0.0, double y0 = 0.0, double z0 = 0.0, FillOrder fillOrder = FillOrder.Sequential)
    {
        AspectRatioXY = Positive(aspectRatioXY, nameof(Grid3D), "aspect_ratioXY");
        AspectRatioXZ = Positive(aspectRatioXZ, nameof(Grid3D), "aspect_ratioXZ");
        Dx = Finite(dx, nameof(Grid3D), "dx");
        Dy = Finite(dy, nameof(Grid3D), "dy");
        Dz = Finite(dz, nameof(Grid3D), "dz");
        X0 = Finite(x0, nameof(Grid3D), "x0");
        Y0 = Finite(y0, nameof(Grid3D), "y0");
        Z0 = Finite(z0, nameof(Grid3D), "z0");
        FillOrder = fillOrder;
    }

    /// <summary>nx / ny.</summary>
    public double AspectRatioXY { get; }
    /// <summary>nx / nz.</summary>
    public double AspectRatioXZ { get; }
    /// <summary>Spacing along x.</summary>
    public double Dx { get; }
    /// <summary>Spacing along y.</summary>
    public double Dy { get; }
    /// <summary>Spacing along z.</summary>
    public double Dz { get; }
    /// <summary>x of the first cell.</summary>
    public double X0 { get; }
    /// <summary>y of the first cell.</summary>
    public double Y0 { get; }
    /// <summary>z of the first cell.</summary>
    public double Z0 { get; }
    /// <summary>The fill order.</summary>
    public FillOrder FillOrder { get; }

    /// <summary>(nx, ny, nz) for <paramref name="n"/> cells; throws <see cref="InvalidParameterValueException"/> when they do not make n.</summary>
    public (int Nx, int Ny, int Nz) CalculateSize(int n)
    {
        int nx = (int)Math.Round(Math.Cbrt(n * AspectRatioXY * AspectRatioXZ));
        int ny = (int)Math.Round(nx / AspectRatioXY);
        int nz = (int)Math.Round(nx / AspectRatioXZ);
        if ((long)nx * ny * nz != n || nx < 1 || ny < 1 || nz < 1)
            throw new InvalidParameterValueException(
                $"Grid3D(aspect_ratioXY={F(AspectRatioXY)}, aspect_ratioXZ={F(AspectRatioXZ)}): a population of {n} cells does not fill the grid " +
                $"(nx = {nx}, ny = {ny}, nz = {nz} make {(long)nx * ny * nz}).");
        return (nx, ny, nz);
    }

    /// <inheritdoc />
    public override double[,] GeneratePositions(int n, RandomStream? fallback = null)
    {
        var (_, ny, nz) = CalculateSize(n);
        var p = new double[3, n];
        for (int k = 0; k < n; k++)
        {
            p[0, k] = X0 + Dx * (k / (ny * nz));
            p[1, k] = Y0 + Dy * (k / nz % ny);
            p[2, k] = Z0 + Dz * (k % nz);
        }
        return FillOrder == FillOrder.Random ? PermuteColumns(p, StreamFor(fallback)) : p;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Grid3D(aspect_ratioXY={F(AspectRatioXY)}, aspect_ratioXZ={F(AspectRatioXZ)}, dx={F(Dx)}, dy={F(Dy)}, dz={F(Dz)}, " +
        $"x0={F(X0)}, y0={F(Y0)}, z0={F(Z0)}, fill_order='{FillOrder.ToString().ToLowerInvariant()}')";
}

/// <summary>A region that random positions are drawn from (PyNN's <c>Shape</c>), centred on the origin.</summary>
public abstract class Shape
{
    /// <summary>Draws <paramref name="n"/> points uniformly in the shape, 3 × n (x, y, z per point, drawn in that order).</summary>
    public abstract double[,] Sample(int n, RandomStream rng);
}

/// <summary>A box of width (x), height (y) and depth (z) centred on the origin (PyNN's <c>Cuboid</c>).</summary>
public sealed class Cuboid : Shape
{
    /// <summary>Creates a cuboid; the sides must be positive.</summary>
    public Cuboid(double width, double height, double depth)
    {
        Width = Check(width, "width");
        Height = Check(height, "height");
        Depth = Check(depth, "depth");
    }

    /// <summary>Extent along x.</summary>
    public double Width { get; }
    /// <summary>Extent along y.</summary>
    public double Height { get; }
    /// <summary>Extent along z.</summary>
    public double Depth { get; }

    /// <summary>Per point: x = width·(u − ½), y = height·(u − ½), z = depth·(u − ½), with u uniform in [0, 1) drawn in that order.</summary>
    public override double[,] Sample(int n, RandomStream rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var p = new double[3, n];
        for (int k = 0; k < n; k++)
        {
            p[0, k] = Width * (rng.NextDouble() - 0.5);
            p[1, k] = Height * (rng.NextDouble() - 0.5);
            p[2, k] = Depth * (rng.NextDouble() - 0.5);
        }
        return p;
    }

    private static double Check(double v, string name) =>
        double.IsFinite(v) && v > 0 ? v : throw new InvalidParameterValueException($"Cuboid: {name} must be a positive number, got {v}.");

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"Cuboid(width={Width}, height={Height}, depth={Depth})");
}

/// <summary>A ball of the given radius centred on the origin (PyNN's <c>Sphere</c>).</summary>
public sealed class Sphere : Shape
{
    /// <summary>Creates a sphere; the radius must be positive.</summary>
    public Sphere(double radius)
    {
        Radius = double.IsFinite(radius) && radius > 0 ? radius
            : throw new InvalidParameterValueException($"Sphere: radius must be a positive number, got {radius}.");
    }

    /// <summary>The radius.</summary>
    public double Radius { get; }

    /// <summary>
    /// Rejection sampling: per point, x, y, z = radius·(2u − 1) with u uniform in [0, 1) drawn in that order, until
    /// x² + y² + z² ≤ radius² (on average 1.9 tries).
    /// </summary>
    public override double[,] Sample(int n, RandomStream rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var p = new double[3, n];
        double r2 = Radius * Radius;
        for (int k = 0; k < n; k++)
        {
            double x, y, z;
            do
            {
                x = Radius * (2 * rng.NextDouble() - 1);
                y = Radius * (2 * rng.NextDouble() - 1);
                z = Radius * (2 * rng.NextDouble() - 1);
            } while (x * x + y * y + z * z > r2);
            (p[0, k], p[1, k], p[2, k]) = (x, y, z);
        }
        return p;
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"Sphere(radius={Radius})");
}

/// <summary>Cells placed uniformly at random in a <see cref="Shape"/> around an origin (PyNN's <c>RandomStructure</c>).</summary>
public sealed class RandomStructure : Structure
{
    /// <summary>Creates a random structure.</summary>
    /// <param name="boundary">The shape positions are drawn in.</param>
    /// <param name="origin">The shape's centre (default (0, 0, 0)).</param>
    public RandomStructure(Shape boundary, (double X, double Y, double Z)? origin = null)
    {
        Boundary = boundary ?? throw new ArgumentNullException(nameof(boundary));
        Origin = origin ?? (0, 0, 0);
        if (!double.IsFinite(Origin.X) || !double.IsFinite(Origin.Y) || !double.IsFinite(Origin.Z))
            throw new InvalidParameterValueException($"RandomStructure: origin must be finite, got {Origin}.");
    }

    /// <summary>The shape.</summary>
    public Shape Boundary { get; }
    /// <summary>The shape's centre.</summary>
    public (double X, double Y, double Z) Origin { get; }

    /// <inheritdoc />
    public override double[,] GeneratePositions(int n, RandomStream? fallback = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var p = Boundary.Sample(n, StreamFor(fallback));
        for (int k = 0; k < n; k++)
        {
            p[0, k] += Origin.X;
            p[1, k] += Origin.Y;
            p[2, k] += Origin.Z;
        }
        return p;
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"RandomStructure(boundary={Boundary}, origin=({Origin.X}, {Origin.Y}, {Origin.Z}))");
}
