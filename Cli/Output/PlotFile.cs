using ScottPlot;

namespace Meta.Cli.Output;

/// <summary>Writes a plot as PNG and SVG side by side.</summary>
public static class PlotFile
{
    /// <summary>A new plot with a title and axis labels, drawn with the font <see cref="PlotFonts"/> chose.</summary>
    public static Plot New(string title, string xLabel, string yLabel)
    {
        _ = PlotFonts.Family;
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>
    /// Writes <c><paramref name="stem"/>.png</c> and <c><paramref name="stem"/>.svg</c> at <paramref name="width"/> ×
    /// <paramref name="height"/> pixels; returns the two paths.
    /// </summary>
    public static IReadOnlyList<string> Save(Plot plot, string stem, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        string png = stem + ".png", svg = stem + ".svg";
        lock (RenderLock)
        {
            plot.SavePng(png, width, height);
            SaveSvg(plot, svg, width, height);
        }
        return [png, svg];
    }

    /// <summary>
    /// Held while a plot renders. ScottPlot 5.1.59 with SkiaSharp crashes the process in native code when two plots render at
    /// once on different threads (reproduced with four threads drawing rasters), so every render in the process takes this
    /// lock.
    /// </summary>
    public static object RenderLock { get; } = new();

    /// <summary>
    /// Renders <paramref name="plot"/> onto an SVG canvas that writes to <paramref name="path"/>. The stream, its Skia wrapper
    /// and the canvas are held in <c>using</c> scopes for the whole render: ScottPlot's own <c>SaveSvg</c> (5.1.59) lets the
    /// garbage collector finalise the Skia stream while a large plot is still rendering, which crashes the process in
    /// native code (seen with server GC and with a 160 000-marker raster).
    /// </summary>
    private static void SaveSvg(Plot plot, string path, int width, int height)
    {
        using var file = File.Create(path);
        using var stream = new SkiaSharp.SKManagedWStream(file);
        using (var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, width, height), stream))
            plot.Render(canvas, width, height);
        stream.Flush();
    }

    /// <summary>The colour of the <paramref name="index"/>th series (the Category10 palette, repeating).</summary>
    public static Color SeriesColor(int index) => Palette.GetColor(index);

    private static readonly ScottPlot.Palettes.Category10 Palette = new();
}
