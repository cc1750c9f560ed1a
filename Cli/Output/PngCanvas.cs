using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Meta.Cli.Output;

/// <summary>
/// A small 8-bit RGB raster (no anti-aliasing) with lines, rectangles and a built-in bitmap font, saved as PNG.
/// Coordinates are pixels with (0, 0) at the top-left; drawing outside the canvas (or the clip rectangle) is ignored.
/// </summary>
public sealed class PngCanvas
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _pixels;
    private int _clipX0;
    private int _clipY0;
    private int _clipX1; // exclusive
    private int _clipY1; // exclusive

    /// <summary>Creates a canvas filled with <paramref name="background"/>.</summary>
    public PngCanvas(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if ((long)width * height * 3 > Array.MaxLength)
        {
            throw new ArgumentException("The canvas is too large.", nameof(width));
        }
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        ResetClip();
        Clear(background);
    }

    /// <summary>Creates a white canvas.</summary>
    public PngCanvas(int width, int height) : this(width, height, Rgb.White)
    {
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Fills the whole canvas (ignoring the clip rectangle).</summary>
    public void Clear(Rgb color)
    {
        for (int i = 0; i < _pixels.Length; i += 3)
        {
            _pixels[i] = color.R;
            _pixels[i + 1] = color.G;
            _pixels[i + 2] = color.B;
        }
    }

    /// <summary>Restricts subsequent drawing to the given rectangle (intersected with the canvas).</summary>
    public void SetClip(int x, int y, int width, int height)
    {
        _clipX0 = Math.Clamp(x, 0, Width);
        _clipY0 = Math.Clamp(y, 0, Height);
        _clipX1 = (int)Math.Clamp((long)x + Math.Max(0, width), _clipX0, Width);
        _clipY1 = (int)Math.Clamp((long)y + Math.Max(0, height), _clipY0, Height);
    }

    /// <summary>Removes the clip rectangle (the whole canvas is drawable).</summary>
    public void ResetClip()
    {
        _clipX0 = 0;
        _clipY0 = 0;
        _clipX1 = Width;
        _clipY1 = Height;
    }

    public Rgb GetPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside the {Width}x{Height} canvas.");
        }
        int i = ((y * Width) + x) * 3;
        return new Rgb(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
    }

    public void SetPixel(int x, int y, Rgb color)
    {
        if (x < _clipX0 || x >= _clipX1 || y < _clipY0 || y >= _clipY1)
        {
            return;
        }
        int i = ((y * Width) + x) * 3;
        _pixels[i] = color.R;
        _pixels[i + 1] = color.G;
        _pixels[i + 2] = color.B;
    }

    /// <summary>Fills the rectangle with top-left (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void FillRect(int x, int y, int width, int height, Rgb color)
    {
        int x0 = (int)Math.Clamp((long)x, _clipX0, _clipX1);
        int y0 = (int)Math.Clamp((long)y, _clipY0, _clipY1);
        int x1 = (int)Math.Clamp((long)x + Math.Max(0, width), _clipX0, _clipX1);
        int y1 = (int)Math.Clamp((long)y + Math.Max(0, height), _clipY0, _clipY1);
        for (int row = y0; row < y1; row++)
        {
            int i = ((row * Width) + x0) * 3;
            for (int col = x0; col < x1; col++, i += 3)
            {
                _pixels[i] = color.R;
                _pixels[i + 1] = color.G;
                _pixels[i + 2] = color.B;
            }
        }
    }

    /// <summary>Draws the outline of a rectangle, <paramref name="thickness"/> pixels wide, inside its bounds.</summary>
    public void DrawRect(int x, int y, int width, int height, Rgb color, int thickness = 1)
    {
        if (width <= 0 || height <= 0)
        {
            return;
        }
        int t = Math.Max(1, thickness);
        FillRect(x, y, width, Math.Min(t, height), color);
        FillRect(x, y + height - Math.Min(t, height), width, Math.Min(t, height), color);
        FillRect(x, y, Math.Min(t, width), height, color);
        FillRect(x + width - Math.Min(t, width), y, Math.Min(t, width), height, color);
    }

    /// <summary>
    /// Draws a straight line (Bresenham) between two pixel centres with a square brush
    /// <paramref name="thickness"/> pixels wide.
    /// </summary>
    public void DrawLine(int x0, int y0, int x1, int y1, Rgb color, int thickness = 1) =>
        DrawLine((double)x0, y0, x1, y1, color, thickness);

    /// <summary>Draws a line between points given in (fractional) pixel coordinates; they are rounded.</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, Rgb color, int thickness = 1)
    {
        if (!double.IsFinite(x0) || !double.IsFinite(y0) || !double.IsFinite(x1) || !double.IsFinite(y1))
        {
            return;
        }
        int t = Math.Max(1, thickness);
        // Clip to the drawable area (grown by the brush) so that far-away endpoints cost nothing.
        if (!ClipSegment(ref x0, ref y0, ref x1, ref y1,
                _clipX0 - t - 1, _clipY0 - t - 1, _clipX1 + t, _clipY1 + t))
        {
            return;
        }
        Bresenham((int)Math.Round(x0), (int)Math.Round(y0), (int)Math.Round(x1), (int)Math.Round(y1), color, t);
    }

    /// <summary>
    /// Draws connected line segments through <paramref name="points"/> (pixel coordinates). A point with a NaN or
    /// infinite coordinate breaks the line.
    /// </summary>
    public void DrawPolyline(ReadOnlySpan<(double x, double y)> points, Rgb color, int thickness = 1)
    {
        bool havePrev = false;
        (double x, double y) prev = default;
        foreach (var p in points)
        {
            if (!double.IsFinite(p.x) || !double.IsFinite(p.y))
            {
                havePrev = false;
                continue;
            }
            if (havePrev)
            {
                DrawLine(prev.x, prev.y, p.x, p.y, color, thickness);
            }
            else
            {
                DrawLine(p.x, p.y, p.x, p.y, color, thickness); // a lone point still shows
            }
            prev = p;
            havePrev = true;
        }
    }

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>);
    /// each font pixel becomes a <paramref name="scale"/> x <paramref name="scale"/> block. '\n' starts a new line.
    /// </summary>
    public void DrawText(int x, int y, string text, Rgb color, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        int s = Math.Max(1, scale);
        int penX = x;
        int penY = y;
        foreach (char c in text)
        {
            if (c == '\n')
            {
                penX = x;
                penY += (BitmapFont.Height + 2) * s;
                continue;
            }
            if (c != ' ')
            {
                var glyph = BitmapFont.GetGlyph(c);
                for (int r = 0; r < glyph.Length; r++)
                {
                    int bits = glyph[r];
                    for (int col = 0; col < BitmapFont.GlyphWidth && bits != 0; col++)
                    {
                        if ((bits & (1 << (BitmapFont.GlyphWidth - 1 - col))) != 0)
                        {
                            FillRect(penX + (col * s), penY + (r * s), s, s, color);
                        }
                    }
                }
            }
            penX += BitmapFont.Advance * s;
        }
    }

    /// <summary>
    /// Draws <paramref name="text"/> rotated 90° counter-clockwise (reading bottom to top, as a y-axis title).
    /// (<paramref name="x"/>, <paramref name="y"/>) is the top-left of the rotated text's bounding box, which is
    /// <see cref="BitmapFont.MeasureHeight"/> wide and <see cref="BitmapFont.MeasureWidth"/> tall.
    /// </summary>
    public void DrawTextVertical(int x, int y, string text, Rgb color, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        int s = Math.Max(1, scale);
        int bottom = y + BitmapFont.MeasureWidth(text, s) - 1;
        int pen = 0; // position along the text, in scaled pixels
        foreach (char c in text)
        {
            if (c != ' ' && c != '\n')
            {
                var glyph = BitmapFont.GetGlyph(c);
                for (int r = 0; r < glyph.Length; r++)
                {
                    int bits = glyph[r];
                    for (int col = 0; col < BitmapFont.GlyphWidth && bits != 0; col++)
                    {
                        if ((bits & (1 << (BitmapFont.GlyphWidth - 1 - col))) != 0)
                        {
                            int along = pen + (col * s);
                            FillRect(x + (r * s), bottom - along - (s - 1), s, s, color);
                        }
                    }
                }
            }
            pen += BitmapFont.Advance * s;
        }
    }

    /// <summary>Writes the canvas as a PNG file.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Save(fs);
    }

    /// <summary>Writes the canvas as PNG (8-bit RGB, non-interlaced, filter type 0) to <paramref name="stream"/>.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], Height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type: truecolour RGB
        ihdr[10] = 0; // compression: deflate
        ihdr[11] = 0; // filter method 0
        ihdr[12] = 0; // no interlace
        WriteChunk(stream, "IHDR", ihdr);

        using (var idat = new MemoryStream())
        {
            using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
            {
                int rowBytes = Width * 3;
                var line = new byte[1 + rowBytes]; // leading 0 = filter type None
                for (int y = 0; y < Height; y++)
                {
                    Buffer.BlockCopy(_pixels, y * rowBytes, line, 1, rowBytes);
                    z.Write(line, 0, line.Length);
                }
            }
            var data = idat.GetBuffer().AsSpan(0, (int)idat.Length);
            // Split into chunks of at most 1 MiB, as encoders commonly do.
            const int maxChunk = 1 << 20;
            do
            {
                int n = Math.Min(maxChunk, data.Length);
                WriteChunk(stream, "IDAT", data[..n]);
                data = data[n..];
            }
            while (data.Length > 0);
        }

        WriteChunk(stream, "IEND", []);
    }

    /// <summary>The PNG encoding of the canvas.</summary>
    public byte[] ToPngBytes()
    {
        using var ms = new MemoryStream();
        Save(ms);
        return ms.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> buf = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
        Encoding.ASCII.GetBytes(type, buf[4..]);
        stream.Write(buf);
        stream.Write(data);
        uint crc = Crc32.Append(Crc32.Start, buf[4..]);
        crc = Crc32.Finish(Crc32.Append(crc, data));
        BinaryPrimitives.WriteUInt32BigEndian(buf, crc);
        stream.Write(buf[..4]);
    }

    private void Bresenham(int x0, int y0, int x1, int y1, Rgb color, int thickness)
    {
        int off = (thickness - 1) / 2;
        int dx = Math.Abs(x1 - x0);
        int dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1;
        int sy = y0 < y1 ? 1 : -1;
        int err = dx + dy;
        while (true)
        {
            if (thickness == 1)
            {
                SetPixel(x0, y0, color);
            }
            else
            {
                FillRect(x0 - off, y0 - off, thickness, thickness, color);
            }
            if (x0 == x1 && y0 == y1)
            {
                break;
            }
            int e2 = 2 * err;
            if (e2 >= dy)
            {
                err += dy;
                x0 += sx;
            }
            if (e2 <= dx)
            {
                err += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>Liang–Barsky clipping of a segment to a rectangle; false when nothing is left.</summary>
    private static bool ClipSegment(ref double x0, ref double y0, ref double x1, ref double y1,
        double xMin, double yMin, double xMax, double yMax)
    {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double t0 = 0;
        double t1 = 1;
        if (!Clip(-dx, x0 - xMin, ref t0, ref t1) || !Clip(dx, xMax - x0, ref t0, ref t1) ||
            !Clip(-dy, y0 - yMin, ref t0, ref t1) || !Clip(dy, yMax - y0, ref t0, ref t1))
        {
            return false;
        }
        double ox = x0;
        double oy = y0;
        if (t1 < 1)
        {
            x1 = ox + (t1 * dx);
            y1 = oy + (t1 * dy);
        }
        if (t0 > 0)
        {
            x0 = ox + (t0 * dx);
            y0 = oy + (t0 * dy);
        }
        return true;

        static bool Clip(double p, double q, ref double t0, ref double t1)
        {
            if (p == 0)
            {
                return q >= 0;
            }
            double r = q / p;
            if (p < 0)
            {
                if (r > t1)
                {
                    return false;
                }
                if (r > t0)
                {
                    t0 = r;
                }
            }
            else
            {
                if (r < t0)
                {
                    return false;
                }
                if (r < t1)
                {
                    t1 = r;
                }
            }
            return true;
        }
    }
}
