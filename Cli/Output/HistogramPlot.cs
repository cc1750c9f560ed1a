using System.Globalization;
using ScottPlot;

namespace Meta.Cli.Output;

/// <summary>One series of a histogram: a label (for the legend) and its values.</summary>
public sealed record HistogramSeries(string Label, double[] Values);

/// <summary>Histograms of one or more series over shared bins, drawn as translucent bars (one colour per series).</summary>
public static class HistogramPlot
{
    /// <summary>
    /// Counts each series' finite values in <paramref name="bins"/> equal bins over [<paramref name="min"/>,
    /// <paramref name="max"/>] (default: the range of all values; a value on the upper edge goes into the last bin,
    /// values outside are not counted) and draws them. The legend gives each series' label and count.
    /// </summary>
    public static Plot Create(string title, string xLabel, string yLabel, IReadOnlyList<HistogramSeries> series, int bins,
        double? min = null, double? max = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var (lo, hi) = Range(series, min, max);
        double width = (hi - lo) / bins;
        var plot = PlotFile.New(title, xLabel, yLabel);
        long highest = 1;
        for (int si = 0; si < series.Count; si++)
        {
            var counts = Counts(series[si].Values, lo, width, bins, hi);
            highest = Math.Max(highest, counts.Max());
            var bars = Enumerable.Range(0, bins).Where(k => counts[k] > 0).Select(k => new Bar
            {
                Position = lo + ((k + 0.5) * width),
                Value = counts[k],
                Size = width,
                FillColor = PlotFile.SeriesColor(si).WithAlpha(series.Count > 1 ? 0.55 : 0.85),
                LineColor = PlotFile.SeriesColor(si).Darken(0.3),
                LineWidth = bins <= 60 ? 1 : 0,
            }).ToArray();
            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = $"{series[si].Label} (n = {counts.Sum().ToString("N0", CultureInfo.InvariantCulture)})";
        }
        plot.Axes.SetLimits(lo, hi, 0, highest * 1.08);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static (double Lo, double Hi) Range(IReadOnlyList<HistogramSeries> series, double? min, double? max)
    {
        var finite = series.SelectMany(s => s.Values).Where(double.IsFinite).ToArray();
        double lo = min ?? (finite.Length > 0 ? finite.Min() : 0), hi = max ?? (finite.Length > 0 ? finite.Max() : 1);
        if (!double.IsFinite(lo) || !double.IsFinite(hi) || hi < lo) throw new ArgumentException($"Invalid histogram range [{lo}, {hi}].", nameof(min));
        if (hi == lo)
        {
            double d = lo == 0 ? 0.5 : Math.Abs(lo) * 0.05;
            (lo, hi) = (lo - d, hi + d);
        }
        return (lo, hi);
    }

    private static long[] Counts(double[] values, double lo, double width, int bins, double hi)
    {
        var counts = new long[bins];
        foreach (double v in values)
        {
            if (!double.IsFinite(v) || v < lo || v > hi) continue;
            counts[Math.Min(bins - 1, (int)((v - lo) / width))]++;
        }
        return counts;
    }
}
