using System.Globalization;

namespace Meta.Cli.Output;

/// <summary>One population in a spike raster: a label, a colour and the spike times (ms) of each of its cells.</summary>
public sealed record RasterGroup(string Label, Rgb Color, IReadOnlyList<double[]> SpikeTimesPerCell);

/// <summary>One line in a trace plot: samples <c>(TimesMs[i], Values[i])</c>, times ascending.</summary>
public sealed record Trace(string Label, Rgb Color, double[] TimesMs, double[] Values);

/// <summary>
/// Simple publication-style PNG charts (white background, dark axes, nice round ticks, legend in the right margin).
/// Each <c>Xxx(path, ...)</c> writes a file; the matching <c>RenderXxx</c> returns the canvas instead.
/// </summary>
public static class Plots
{
    /// <summary>
    /// A spike raster: cells stacked in order (group 0 at the bottom), one short mark per spike, x axis
    /// "time (ms)" from <paramref name="tStartMs"/> to <paramref name="tStopMs"/>, y axis "cell index".
    /// When there are more cells than pixel rows several cells share a row.
    /// </summary>
    public static void SpikeRaster(string path, string title, IReadOnlyList<RasterGroup> groups,
        double tStartMs, double tStopMs, int width = 1200, int height = 700) =>
        RenderSpikeRaster(title, groups, tStartMs, tStopMs, width, height).Save(path);

    /// <inheritdoc cref="SpikeRaster"/>
    public static PngCanvas RenderSpikeRaster(string title, IReadOnlyList<RasterGroup> groups,
        double tStartMs, double tStopMs, int width = 1200, int height = 700)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (!double.IsFinite(tStartMs) || !double.IsFinite(tStopMs) || tStopMs <= tStartMs)
        {
            throw new ArgumentException($"Invalid time window [{tStartMs}, {tStopMs}] ms.", nameof(tStopMs));
        }
        long total = 0;
        foreach (var g in groups)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(groups));
            total += g.SpikeTimesPerCell?.Count ?? 0;
        }
        int cells = (int)Math.Min(int.MaxValue, total);

        var legend = groups.Select(g => (LegendLabel(g.Label, g.SpikeTimesPerCell?.Count ?? 0), g.Color)).ToList();
        var frame = ChartFrame.Create(width, height, Rgb.White, title,
            new AxisSpec("time (ms)", tStartMs, tStopMs),
            new AxisSpec("cell index", 0, Math.Max(1, cells), Integer: true),
            legend);
        var c = frame.Canvas;
        double plotH = frame.PlotHeight;
        double cellPx = plotH / Math.Max(1, cells);
        int markH = Math.Clamp((int)Math.Round(cellPx * 0.8), 1, 8);
        int markW = cellPx >= 2 ? 2 : 1;

        // Faint separators between groups.
        frame.ClipToPlot();
        int first = 0;
        for (int gi = 0; gi < groups.Count - 1; gi++)
        {
            first += groups[gi].SpikeTimesPerCell?.Count ?? 0;
            int py = (int)Math.Round(frame.Y(first));
            c.FillRect(frame.Left, py, frame.PlotWidth, 1, ChartFrame.GridColor);
        }

        double x0 = frame.Left;
        double xScale = (frame.Right - frame.Left) / (tStopMs - tStartMs);
        int cellIndex = 0;
        foreach (var g in groups)
        {
            var trains = g.SpikeTimesPerCell;
            if (trains is null)
            {
                continue;
            }
            for (int i = 0; i < trains.Count; i++, cellIndex++)
            {
                double[]? train = trains[i];
                if (train is null || train.Length == 0)
                {
                    continue;
                }
                int yc = (int)Math.Round(frame.Y(cellIndex + 0.5));
                int yTop = yc - ((markH - 1) / 2);
                foreach (double t in train)
                {
                    if (!(t >= tStartMs && t <= tStopMs))
                    {
                        continue; // also skips NaN
                    }
                    int px = (int)Math.Round(x0 + ((t - tStartMs) * xScale));
                    c.FillRect(px - (markW / 2), yTop, markW, markH, g.Color);
                }
            }
        }

        frame.DrawAxes();
        return c;
    }

    /// <summary>
    /// A line plot of one or more traces against time (ms) with a legend. Long traces are drawn as the min/max
    /// envelope of each pixel column, so 10^5+ samples per trace stay fast. NaN samples break the line.
    /// </summary>
    public static void Traces(string path, string title, string yLabel, IReadOnlyList<Trace> traces,
        int width = 1200, int height = 500) =>
        RenderTraces(title, yLabel, traces, width, height).Save(path);

    /// <inheritdoc cref="Traces"/>
    public static PngCanvas RenderTraces(string title, string yLabel, IReadOnlyList<Trace> traces,
        int width = 1200, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(traces);
        double tMin = double.PositiveInfinity, tMax = double.NegativeInfinity;
        double vMin = double.PositiveInfinity, vMax = double.NegativeInfinity;
        foreach (var tr in traces)
        {
            ArgumentNullException.ThrowIfNull(tr, nameof(traces));
            ArgumentNullException.ThrowIfNull(tr.TimesMs, nameof(traces));
            ArgumentNullException.ThrowIfNull(tr.Values, nameof(traces));
            if (tr.TimesMs.Length != tr.Values.Length)
            {
                throw new ArgumentException(
                    $"Trace '{tr.Label}' has {tr.TimesMs.Length} times but {tr.Values.Length} values.", nameof(traces));
            }
            for (int i = 0; i < tr.TimesMs.Length; i++)
            {
                double t = tr.TimesMs[i], v = tr.Values[i];
                if (!double.IsFinite(t) || !double.IsFinite(v))
                {
                    continue;
                }
                tMin = Math.Min(tMin, t);
                tMax = Math.Max(tMax, t);
                vMin = Math.Min(vMin, v);
                vMax = Math.Max(vMax, v);
            }
        }
        if (!(tMax >= tMin))
        {
            (tMin, tMax, vMin, vMax) = (0, 1, 0, 1);
        }
        // A little head room, but do not pad across zero (non-negative data keeps 0 as the floor).
        double padV = (vMax - vMin) * 0.03;
        double yLo = vMin >= 0 ? Math.Max(0, vMin - padV) : vMin - padV;
        double yHi = vMax <= 0 ? Math.Min(0, vMax + padV) : vMax + padV;
        var legend = traces.Select(t => (t.Label, t.Color)).ToList();
        var frame = ChartFrame.Create(width, height, Rgb.White, title,
            new AxisSpec("time (ms)", tMin, tMax, SnapTolerance: 0.02),
            new AxisSpec(yLabel, yLo, yHi, SnapMin: true, SnapMax: true),
            legend);
        frame.DrawGrid(vertical: true, horizontal: true);
        frame.ClipToPlot();
        foreach (var tr in traces)
        {
            DrawEnvelope(frame, tr);
        }
        frame.DrawAxes();
        return frame.Canvas;
    }

    /// <summary>
    /// A histogram of <paramref name="values"/> (non-finite values ignored) in <paramref name="bins"/> equal bins
    /// over [<paramref name="min"/>, <paramref name="max"/>] (default: the data range). Values outside the range are
    /// not counted; a value equal to the upper edge goes into the last bin.
    /// </summary>
    public static void Histogram(string path, string title, string xLabel, double[] values, int bins, Rgb color,
        string yLabel = "count", int width = 900, int height = 500, double? min = null, double? max = null) =>
        RenderHistogram(title, xLabel, values, bins, color, yLabel, width, height, min, max).Save(path);

    /// <inheritdoc cref="Histogram"/>
    public static PngCanvas RenderHistogram(string title, string xLabel, double[] values, int bins, Rgb color,
        string yLabel = "count", int width = 900, int height = 500, double? min = null, double? max = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }
        if (!(hi >= lo))
        {
            (lo, hi) = (0, 1);
        }
        lo = min ?? lo;
        hi = max ?? hi;
        if (!double.IsFinite(lo) || !double.IsFinite(hi) || hi < lo)
        {
            throw new ArgumentException($"Invalid histogram range [{lo}, {hi}].", nameof(min));
        }
        if (hi == lo)
        {
            double d = lo == 0 ? 0.5 : Math.Abs(lo) * 0.05;
            (lo, hi) = (lo - d, hi + d);
        }

        var counts = new long[bins];
        long n = 0;
        double binW = (hi - lo) / bins;
        foreach (double v in values)
        {
            if (!double.IsFinite(v) || v < lo || v > hi)
            {
                continue;
            }
            int k = Math.Min(bins - 1, (int)((v - lo) / binW));
            counts[k]++;
            n++;
        }
        long maxCount = counts.Length == 0 ? 0 : counts.Max();

        var frame = ChartFrame.Create(width, height, Rgb.White, title,
            new AxisSpec(xLabel, lo, hi),
            new AxisSpec(yLabel, 0, Math.Max(1, maxCount), Integer: true, SnapMax: true));
        frame.DrawGrid(vertical: false, horizontal: true);
        frame.ClipToPlot();
        var c = frame.Canvas;
        Rgb edge = color.Darken(0.35);
        int baseY = frame.Bottom;
        for (int k = 0; k < bins; k++)
        {
            if (counts[k] == 0)
            {
                continue;
            }
            int xl = (int)Math.Round(frame.X(lo + (k * binW)));
            int xr = (int)Math.Round(frame.X(lo + ((k + 1) * binW)));
            int yt = (int)Math.Round(frame.Y(counts[k]));
            int w = Math.Max(1, xr - xl + 1);
            int h = baseY - yt + 1;
            c.FillRect(xl, yt, w, h, color);
            if (w >= 4)
            {
                c.DrawRect(xl, yt, w, h + 1, edge);
            }
        }

        // Sample count in the top-right corner of the plot.
        string info = "n = " + n.ToString(CultureInfo.InvariantCulture);
        int s = frame.Scale;
        int iw = BitmapFont.MeasureWidth(info, s);
        c.ResetClip();
        c.DrawText(frame.Right - iw - (4 * s), frame.Top + (4 * s), info, ChartFrame.TextColor, s);
        frame.DrawAxes();
        return c;
    }

    private static string LegendLabel(string label, int cells) =>
        (label ?? "") + " (" + cells.ToString(CultureInfo.InvariantCulture) + ")";

    /// <summary>
    /// Draws a trace column by column: for each pixel column the vertical span [min, max] of its samples, joined to
    /// the previous column by a line from that column's last sample to this column's first sample.
    /// </summary>
    private static void DrawEnvelope(ChartFrame frame, Trace trace)
    {
        var c = frame.Canvas;
        int lw = frame.LineWidth;
        int off = (lw - 1) / 2;
        int columns = frame.PlotWidth;
        double span = frame.XMax - frame.XMin;
        double[] ts = trace.TimesMs;
        double[] vs = trace.Values;

        int cur = -1;
        double mn = 0, mx = 0, firstV = 0, lastV = 0;
        bool havePrev = false;
        int prevX = 0;
        double prevY = 0;

        void Flush()
        {
            if (cur < 0)
            {
                return;
            }
            int px = frame.Left + cur;
            double yFirst = frame.Y(firstV);
            if (havePrev)
            {
                c.DrawLine(prevX, prevY, px, yFirst, trace.Color, lw);
            }
            int yTop = (int)Math.Round(frame.Y(mx));
            int yBot = (int)Math.Round(frame.Y(mn));
            c.FillRect(px - off, yTop - off, lw, yBot - yTop + lw, trace.Color);
            havePrev = true;
            prevX = px;
            prevY = frame.Y(lastV);
            cur = -1;
        }

        for (int i = 0; i < ts.Length; i++)
        {
            double t = ts[i], v = vs[i];
            if (!double.IsFinite(t) || !double.IsFinite(v))
            {
                Flush();
                havePrev = false;
                continue;
            }
            int col = (int)Math.Clamp(Math.Round((t - frame.XMin) / span * (columns - 1)), 0, columns - 1);
            if (col != cur)
            {
                Flush();
                cur = col;
                mn = mx = firstV = lastV = v;
            }
            else
            {
                mn = Math.Min(mn, v);
                mx = Math.Max(mx, v);
                lastV = v;
            }
        }
        Flush();
    }
}
