using ScottPlot;

namespace Meta.Cli.Output;

/// <summary>The positions of one population's cells (x and y, in the network's length unit).</summary>
public sealed record PositionGroup(string Label, double[] X, double[] Y);

/// <summary>Cell positions seen from above (x, y), one colour per population, equal scales on both axes.</summary>
public static class SpatialPlot
{
    /// <summary>Builds the plot; each population is one marker series with its label in the legend.</summary>
    public static Plot Create(string title, IReadOnlyList<PositionGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var plot = PlotFile.New(title, "x", "y");
        int total = Math.Max(1, groups.Sum(g => g.X.Length));
        float size = (float)Math.Clamp(120 / Math.Sqrt(total), 4, 10);
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            var markers = plot.Add.Markers(g.X, g.Y, gi % 2 == 0 ? MarkerShape.FilledCircle : MarkerShape.FilledTriangleUp, size,
                PlotFile.SeriesColor(gi).WithAlpha(0.8));
            markers.LegendText = $"{g.Label} ({g.X.Length})";
        }
        plot.Axes.SquareUnits();
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
