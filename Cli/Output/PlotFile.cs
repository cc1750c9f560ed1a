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
        plot.SavePng(png, width, height);
        plot.SaveSvg(svg, width, height);
        return [png, svg];
    }

    /// <summary>The colour of the <paramref name="index"/>th series (the Category10 palette, repeating).</summary>
    public static Color SeriesColor(int index) => Palette.GetColor(index);

    private static readonly ScottPlot.Palettes.Category10 Palette = new();
}
