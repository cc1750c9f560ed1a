using System.Globalization;
using ScottPlot;

namespace Meta.Cli.Output;

/// <summary>One population in a spike raster: its label and the spike times (ms) of each of its recorded cells.</summary>
public sealed record RasterGroup(string Label, IReadOnlyList<double[]> SpikeTimesPerCell);

/// <summary>
/// A spike raster: one horizontal band per population (group 0 at the top), its label on the y axis, one tick per spike.
/// </summary>
public static class RasterPlot
{
    /// <summary>Builds the raster over [<paramref name="tStartMs"/>, <paramref name="tStopMs"/>]; spikes outside it are left out.</summary>
    public static Plot Create(string title, IReadOnlyList<RasterGroup> groups, double tStartMs, double tStopMs)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (!double.IsFinite(tStartMs) || !double.IsFinite(tStopMs) || tStopMs <= tStartMs)
            throw new ArgumentException($"Invalid time window [{tStartMs}, {tStopMs}] ms.", nameof(tStopMs));
        var plot = PlotFile.New(title, "time (ms)", "");
        int total = Math.Max(1, groups.Sum(g => g.SpikeTimesPerCell.Count));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        double top = total;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            int cells = g.SpikeTimesPerCell.Count;
            double bandTop = top, bandBottom = top - cells;
            var color = PlotFile.SeriesColor(gi);
            if (gi % 2 == 1) plot.Add.VerticalSpan(bandBottom, bandTop, Colors.Gray.WithAlpha(0.08)).LineStyle.Width = 0;
            if (gi > 0) plot.Add.HorizontalLine(bandTop, 1, Colors.Gray.WithAlpha(0.6));
            var (xs, ys) = Spikes(g.SpikeTimesPerCell, bandTop, tStartMs, tStopMs);
            if (xs.Length > 0)
            {
                // A tick per spike about one cell row high (at least 1 pixel, at most a few) on a ~600 pixel high plot.
                float size = (float)Math.Clamp(600.0 / total, 1, 6);
                var markers = plot.Add.Markers(xs, ys, MarkerShape.VerticalBar, size, color);
                markers.MarkerLineWidth = 1;
            }
            long spikes = xs.Length;
            ticks.AddMajor((bandTop + bandBottom) / 2,
                $"{g.Label}\n{cells.ToString("N0", CultureInfo.InvariantCulture)} cells\n{spikes.ToString("N0", CultureInfo.InvariantCulture)} spikes");
            top = bandBottom;
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        plot.Axes.SetLimits(tStartMs, tStopMs, 0, total);
        return plot;
    }

    /// <summary>The spike coordinates of a group: x the time, y the cell's row (its first cell just under <paramref name="bandTop"/>).</summary>
    private static (double[] Xs, double[] Ys) Spikes(IReadOnlyList<double[]> trains, double bandTop, double tStart, double tStop)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < trains.Count; i++)
        {
            double row = bandTop - i - 0.5;
            foreach (double t in trains[i] ?? [])
            {
                if (!(t >= tStart && t <= tStop)) continue; // also leaves out NaN
                xs.Add(t);
                ys.Add(row);
            }
        }
        return (xs.ToArray(), ys.ToArray());
    }
}
