using System.Text.Json;
using Meta.Spatial;

namespace Meta.Cli.Networks;

public static partial class NetworkParser
{
    private static readonly string[] SpaceKeys = ["axes", "scale_factor", "offset", "periodic_boundaries"];

    /// <summary>Structure type names mapped to their keys (besides <c>type</c>).</summary>
    internal static IReadOnlyDictionary<string, string[]> StructureKeys { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Line"] = ["dx", "x0", "y", "z"],
        ["Grid2D"] = ["aspect_ratio", "dx", "dy", "x0", "y0", "z", "fill_order", "seed"],
        ["Grid3D"] = ["aspect_ratioXY", "aspect_ratioXZ", "dx", "dy", "dz", "x0", "y0", "z0", "fill_order", "seed"],
        ["RandomStructure"] = ["boundary", "origin", "seed"],
    };

    private static readonly Dictionary<string, string[]> ShapeKeys = new(StringComparer.Ordinal)
    {
        ["Cuboid"] = ["width", "height", "depth"],
        ["Sphere"] = ["radius"],
    };

    private sealed partial class Reader
    {
        /// <summary>A structure object; grids are checked against the population size here.</summary>
        private static StructureSpec Structure(JsonElement e, string path, int size)
        {
            var o = TypedObject(e, path, "structure", StructureKeys, "{\"type\": \"Grid2D\", \"aspect_ratio\": 1, \"dx\": 10, \"dy\": 10}");
            string type = o.Type;
            double N(string key, double whenAbsent) => o.Reader.OptionalNumber(key, "a number") ?? whenAbsent;
            FillOrder Fill()
            {
                var text = o.Reader.OptionalString("fill_order", "\"sequential\" or \"random\"") ?? "sequential";
                return text switch
                {
                    "sequential" => FillOrder.Sequential,
                    "random" => FillOrder.Random,
                    _ => throw new NetworkFormatException(o.Reader.PathOf("fill_order"), $"unknown fill_order '{text}' (valid: sequential, random)"),
                };
            }
            var seed = o.Reader.OptionalUnsigned("seed", "a non-negative integer seed");
            StructureSpec spec = type switch
            {
                "Line" => LineSpec(),
                "Grid2D" => Grid2DSpec(),
                "Grid3D" => Grid3DSpec(),
                _ => RandomSpec(),
            };
            StructureSpec LineSpec()
            {
                double dx = N("dx", 1), x0 = N("x0", 0), y = N("y", 0), z = N("z", 0);
                return new StructureSpec(path, type, () => new Line(dx, x0, y, z));
            }
            StructureSpec Grid2DSpec()
            {
                double ar = N("aspect_ratio", 1), dx = N("dx", 1), dy = N("dy", 1), x0 = N("x0", 0), y0 = N("y0", 0), z = N("z", 0);
                var fill = Fill();
                return new StructureSpec(path, type, () => new Grid2D(ar, dx, dy, x0, y0, z, fill) { Rng = seed is { } v ? new Random.RandomStream(v) : null });
            }
            StructureSpec Grid3DSpec()
            {
                double a = N("aspect_ratioXY", 1), b = N("aspect_ratioXZ", 1), dx = N("dx", 1), dy = N("dy", 1), dz = N("dz", 1);
                double x0 = N("x0", 0), y0 = N("y0", 0), z0 = N("z0", 0);
                var fill = Fill();
                return new StructureSpec(path, type, () => new Grid3D(a, b, dx, dy, dz, x0, y0, z0, fill) { Rng = seed is { } v ? new Random.RandomStream(v) : null });
            }
            StructureSpec RandomSpec()
            {
                var be = o.Reader.Required("boundary", "a shape: {\"type\": \"Cuboid\", \"width\": ..., \"height\": ..., \"depth\": ...} or {\"type\": \"Sphere\", \"radius\": ...}", out var bp);
                var shape = Shape(be, bp);
                (double, double, double)? origin = null;
                if (o.Reader.TryGet("origin", out var oe, out var op))
                {
                    var xyz = JsonFields.NumberArray(oe, op, "an origin [x, y, z]");
                    if (xyz.Length != 3) throw new NetworkFormatException(op, $"expected an origin [x, y, z], got {xyz.Length} values");
                    origin = (xyz[0], xyz[1], xyz[2]);
                }
                return new StructureSpec(path, type, () => new RandomStructure(shape(), origin) { Rng = seed is { } v ? new Random.RandomStream(v) : null });
            }
            // Build once now: bad values and grids that the population does not fill fail here, at this path.
            try
            {
                var structure = spec.Create();
                switch (structure)
                {
                    case Grid2D g: g.CalculateSize(size); break;
                    case Grid3D g: g.CalculateSize(size); break;
                }
            }
            catch (InvalidParameterValueException ex) { throw new NetworkFormatException(path, ex.Message, ex); }
            return spec;
        }

        private static Func<Shape> Shape(JsonElement e, string path)
        {
            var o = TypedObject(e, path, "boundary shape", ShapeKeys, "{\"type\": \"Sphere\", \"radius\": 100}");
            if (o.Type == "Sphere")
            {
                double r = o.Reader.RequiredNumber("radius", "a positive radius");
                Check(() => new Sphere(r), path);
                return () => new Sphere(r);
            }
            double w = o.Reader.RequiredNumber("width", "a positive extent along x");
            double h = o.Reader.RequiredNumber("height", "a positive extent along y");
            double d = o.Reader.RequiredNumber("depth", "a positive extent along z");
            Check(() => new Cuboid(w, h, d), path);
            return () => new Cuboid(w, h, d);
        }

        /// <summary>Explicit positions: an array of 3 arrays (x, y, z) of one number per cell (PyNN's 3 × n <c>positions</c>).</summary>
        private static double[][] Positions(JsonElement e, string path, int size)
        {
            const string expected = "an array of 3 arrays [[x...], [y...], [z...]] with one number per cell";
            var rows = JsonFields.Items(e, path, expected).Select(r => JsonFields.NumberArray(r.Value, r.Path, "an array of numbers, one per cell")).ToArray();
            if (rows.Length != 3) throw new NetworkFormatException(path, $"expected {expected}, got {rows.Length} arrays");
            for (int a = 0; a < 3; a++)
                if (rows[a].Length != size)
                    throw new NetworkFormatException(JsonFields.Item(path, a), $"expected {size} numbers (one per cell), got {rows[a].Length}");
            return rows;
        }

        /// <summary>A projection's <c>space</c> object.</summary>
        private static SpaceSpec SpaceObject(JsonElement e, string path)
        {
            var o = ObjectReader.Open(e, path, "a space", SpaceKeys, "a space object such as {\"axes\": \"xy\", \"periodic_boundaries\": [[-100, 100], [-100, 100], null]}");
            string? axes = o.OptionalString("axes", "the axes that count: \"x\", \"y\", \"z\", \"xy\", \"xz\", \"yz\" or \"xyz\"");
            double scale = o.OptionalNumber("scale_factor") ?? 1;
            double offset = o.OptionalNumber("offset") ?? 0;
            (double, double)?[]? periodic = null;
            if (o.TryGet("periodic_boundaries", out var pe, out var pp))
            {
                const string expected = "an array of 3 entries (x, y, z), each null or [min, max]";
                var items = JsonFields.Items(pe, pp, expected).ToList();
                if (items.Count != 3) throw new NetworkFormatException(pp, $"expected {expected}, got {items.Count} entries");
                periodic = new (double, double)?[3];
                for (int a = 0; a < 3; a++)
                {
                    if (items[a].Value.ValueKind == JsonValueKind.Null) continue;
                    var b = JsonFields.NumberArray(items[a].Value, items[a].Path, "null or [min, max]");
                    if (b.Length != 2) throw new NetworkFormatException(items[a].Path, $"expected null or [min, max], got {b.Length} values");
                    periodic[a] = (b[0], b[1]);
                }
            }
            var spec = new SpaceSpec(path, axes, scale, offset, periodic);
            Check(spec.Create, path);
            return spec;
        }

        private static void Check<T>(Func<T> create, string path)
        {
            try { _ = create(); }
            catch (InvalidParameterValueException ex) { throw new NetworkFormatException(path, ex.Message, ex); }
        }

        private static (string Type, ObjectReader Reader) TypedObject(JsonElement e, string path, string what,
            IReadOnlyDictionary<string, string[]> types, string example)
        {
            if (e.ValueKind != JsonValueKind.Object) throw JsonFields.TypeError(path, $"a {what} object such as {example}", e);
            string typePath = JsonFields.Child(path, "type");
            if (!e.TryGetProperty("type", out var typeElement))
                throw new NetworkFormatException(typePath, $"missing required field 'type' (valid: {JsonFields.List(types.Keys)})");
            string type = JsonFields.String(typeElement, typePath, $"a {what} name (valid: {JsonFields.List(types.Keys)})");
            if (!types.TryGetValue(type, out var keys))
                throw new NetworkFormatException(typePath, $"unknown {what} '{type}' (valid: {JsonFields.List(types.Keys)}){JsonFields.DidYouMean(type, types.Keys)}");
            return (type, ObjectReader.Open(e, path, type, ["type", .. keys]));
        }
    }
}
