using System.Globalization;
using ScottPlot;

namespace Meta.Cli.Output;

/// <summary>One population in a spike raster: its label and the spike times (ms) of each of its recorded cells.</summary>
public sealed record RasterGroup(string Label, IReadOnlyList<double[]> SpikeTimesPerCell);

/// <summary>
/// A spike raster: one horizontal band per population (group 0 at the top), its label on the y axis, one tick per spike.
/// Past <see cref="MaxSpikes"/> spikes only every n-th cell is drawn (the label says so), which keeps the files small and
/// the drawing fast; at a few hundred pixels per band the rows overlap anyway.
/// </summary>
public static class RasterPlot
{
    /// <summary>The most spikes drawn; more thin out the cells shown.</summary>
    public const long MaxSpikes = 200_000;

    /// <summary>Builds the raster over [<paramref name="tStartMs"/>, <paramref name="tStopMs"/>]; spikes outside it are left out.</summary>
    public static Plot Create(string title, IReadOnlyList<RasterGroup> groups, double tStartMs, double tStopMs)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (!double.IsFinite(tStartMs) || !double.IsFinite(tStopMs) || tStopMs <= tStartMs)
            throw new ArgumentException($"Invalid time window [{tStartMs}, {tStopMs}] ms.", nameof(tStopMs));
        var plot = PlotFile.New(title, "time (ms)", "");
        long allSpikes = groups.Sum(g => g.SpikeTimesPerCell.Sum(t => (long)(t?.Length ?? 0)));
        int stride = (int)Math.Max(1, (allSpikes + MaxSpikes - 1) / MaxSpikes);
        int total = Math.Max(1, groups.Sum(g => Rows(g.SpikeTimesPerCell.Count, stride)));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        double top = total;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            int cells = g.SpikeTimesPerCell.Count;
            double bandTop = top, bandBottom = top - Rows(cells, stride);
            var color = PlotFile.SeriesColor(gi);
            if (gi % 2 == 1) plot.Add.VerticalSpan(bandBottom, bandTop, Colors.Gray.WithAlpha(0.08)).LineStyle.Width = 0;
            if (gi > 0) plot.Add.HorizontalLine(bandTop, 1, Colors.Gray.WithAlpha(0.6));
            var (xs, ys, spikes) = Spikes(g.SpikeTimesPerCell, bandTop, tStartMs, tStopMs, stride);
            if (xs.Length > 0)
            {
                // A tick per spike about one cell row high (at least 1 pixel, at most a few) on a ~600 pixel high plot.
                float size = (float)Math.Clamp(600.0 / total, 1, 6);
                var markers = plot.Add.Markers(xs, ys, MarkerShape.VerticalBar, size, color);
                markers.MarkerLineWidth = 1;
            }
            string shown = stride > 1 ? $"\n(1 in {stride} shown)" : "";
            ticks.AddMajor((bandTop + bandBottom) / 2,
                $"{g.Label}\n{cells.ToString("N0", CultureInfo.InvariantCulture)} cells\n{spikes.ToString("N0", CultureInfo.InvariantCulture)} spikes{shown}");
            top = bandBottom;
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        plot.Axes.SetLimits(tStartMs, tStopMs, 0, total);
        return plot;
    }

    private static int Rows(int cells, int stride) => (cells + stride - 1) / stride;

    /// <summary>
    /// The spike coordinates of every <paramref name="stride"/>-th cell of a group (x the time, y the cell's row, its first
    /// cell just under <paramref name="bandTop"/>) and the number of spikes of all its cells in the window.
    /// </summary>
    private static (double[] Xs, double[] Ys, long Spikes) Spikes(IReadOnlyList<double[]> trains, double bandTop, double tStart, double tStop,
        int stride)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        long count = 0;
        for (int i = 0; i < trains.Count; i++)
        {
            double row = bandTop - (i / stride) - 0.5;
            foreach (double t in trains[i] ?? [])
            {
                if (!(t >= tStart && t <= tStop)) continue; // also leaves out NaN
                count++;
                if (i % stride != 0) continue;
                xs.Add(t);
                ys.Add(row);
            }
        }
        return (xs.ToArray(), ys.ToArray(), count);
    }
}
