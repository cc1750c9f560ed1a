namespace Meta.Cli.Output;

/// <summary>An opaque 8-bit RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb White => new(255, 255, 255);
    public static Rgb Black => new(0, 0, 0);
    public static Rgb DarkGray => new(64, 64, 64);
    public static Rgb Gray => new(128, 128, 128);
    public static Rgb LightGray => new(220, 220, 220);
    public static Rgb Red => new(214, 39, 40);
    public static Rgb Green => new(44, 160, 44);
    public static Rgb Blue => new(31, 119, 180);
    public static Rgb Orange => new(255, 127, 14);
    public static Rgb Purple => new(148, 103, 189);
    public static Rgb Brown => new(140, 86, 75);
    public static Rgb Pink => new(227, 119, 194);
    public static Rgb Olive => new(188, 189, 34);
    public static Rgb Cyan => new(23, 190, 207);

    /// <summary>Ten distinct colours (matplotlib's "tab10" cycle) for series and groups.</summary>
    public static IReadOnlyList<Rgb> Palette { get; } =
        [Blue, Orange, Green, Red, Purple, Brown, Pink, Gray, Olive, Cyan];

    /// <summary>The palette colour for series <paramref name="index"/> (cycling).</summary>
    public static Rgb PaletteColor(int index) => Palette[((index % Palette.Count) + Palette.Count) % Palette.Count];

    /// <summary>Linear blend: <paramref name="t"/> = 0 gives this colour, 1 gives <paramref name="other"/>.</summary>
    public Rgb Blend(Rgb other, double t)
    {
        t = Math.Clamp(t, 0, 1);
        return new Rgb(Mix(R, other.R, t), Mix(G, other.G, t), Mix(B, other.B, t));
    }

    /// <summary>This colour darkened towards black by <paramref name="amount"/> (0..1).</summary>
    public Rgb Darken(double amount) => Blend(Black, amount);

    /// <summary>This colour lightened towards white by <paramref name="amount"/> (0..1).</summary>
    public Rgb Lighten(double amount) => Blend(White, amount);

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + ((b - a) * t));
}
