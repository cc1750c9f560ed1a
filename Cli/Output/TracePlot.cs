using System.Globalization;
using ScottPlot;

namespace Meta.Cli.Output;

/// <summary>One line in a trace plot: samples <c>(TimesMs[i], Values[i])</c>, times ascending, and the cell's spike times.</summary>
public sealed record Trace(string Label, double[] TimesMs, double[] Values, IReadOnlyList<double>? SpikeTimesMs = null);

/// <summary>A stimulus shown as a shaded time span behind the traces, e.g. a current source's start to stop.</summary>
public sealed record StimulusSpan(string Label, double StartMs, double StopMs);

/// <summary>A trace plot and what it had to leave out.</summary>
/// <param name="Plot">The plot.</param>
/// <param name="Warnings">One line per trace with non-finite samples: from when on, and how many.</param>
public sealed record TracePlotResult(Plot Plot, IReadOnlyList<string> Warnings);

/// <summary>
/// Traces against time, each cell's spikes as ticks above the traces in its colour, stimuli as shaded spans. Samples that
/// are NaN or infinite are not drawn; the time axis still spans every sample, and the non-finite stretch is shaded red
/// and reported, so that a diverging run is not mistaken for a short one.
/// </summary>
public static class TracePlot
{
    /// <summary>Builds the plot.</summary>
    public static TracePlotResult Create(string title, string yLabel, IReadOnlyList<Trace> traces, IReadOnlyList<StimulusSpan>? stimuli = null)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var plot = PlotFile.New(title, "time (ms)", yLabel);
        var warnings = new List<string>();
        double tMin = double.PositiveInfinity, tMax = double.NegativeInfinity, vMin = double.PositiveInfinity, vMax = double.NegativeInfinity;
        foreach (var tr in traces)
        {
            if (tr.TimesMs.Length != tr.Values.Length)
                throw new ArgumentException($"Trace '{tr.Label}' has {tr.TimesMs.Length} times but {tr.Values.Length} values.", nameof(traces));
            for (int i = 0; i < tr.TimesMs.Length; i++)
            {
                if (!double.IsFinite(tr.TimesMs[i])) continue;
                tMin = Math.Min(tMin, tr.TimesMs[i]);
                tMax = Math.Max(tMax, tr.TimesMs[i]);
                if (!double.IsFinite(tr.Values[i])) continue;
                vMin = Math.Min(vMin, tr.Values[i]);
                vMax = Math.Max(vMax, tr.Values[i]);
            }
        }
        if (!(tMax > tMin)) (tMin, tMax) = (double.IsFinite(tMin) ? (tMin, tMin + 1) : (0, 1));
        if (!(vMax >= vMin)) (vMin, vMax) = (0, 1);
        double pad = vMax > vMin ? (vMax - vMin) * 0.05 : Math.Max(1, Math.Abs(vMax) * 0.05);
        double spikeRow = vMax + pad;

        foreach (var s in stimuli ?? [])
        {
            double a = Math.Max(tMin, s.StartMs), b = Math.Min(tMax, s.StopMs);
            if (!(b > a)) continue;
            var span = plot.Add.HorizontalSpan(a, b, Colors.Orange.WithAlpha(0.15));
            span.LineStyle.Width = 0;
            span.LegendText = s.Label;
        }
        var badSpans = new List<(double From, double To, string Label)>();
        for (int k = 0; k < traces.Count; k++)
        {
            var tr = traces[k];
            var color = PlotFile.SeriesColor(k);
            bool labelled = false;
            foreach (var (from, to) in FiniteRuns(tr))
            {
                var line = plot.Add.SignalXY(tr.TimesMs[from..to], tr.Values[from..to], color);
                line.LineWidth = 1.5f;
                if (!labelled) line.LegendText = tr.Label;
                labelled = true;
            }
            if (NonFinite(tr) is { } bad)
            {
                badSpans.Add((bad.From, bad.To, tr.Label));
                warnings.Add($"{tr.Label}: {bad.Count.ToString("N0", CultureInfo.InvariantCulture)} of {tr.Values.Length.ToString("N0", CultureInfo.InvariantCulture)} samples " +
                    $"are NaN or infinite, the first at {Ms(bad.From)} ms; they are not drawn (shaded red)");
            }
            var spikes = (tr.SpikeTimesMs ?? []).Where(t => t >= tMin && t <= tMax).ToArray();
            if (spikes.Length > 0)
            {
                plot.Add.Markers(spikes, Enumerable.Repeat(spikeRow, spikes.Length).ToArray(), MarkerShape.VerticalBar, 10, color);
                spikeRow += pad * 0.6;
            }
        }
        // One red span per stretch of non-finite samples, naming every trace it concerns.
        foreach (var group in badSpans.GroupBy(b => (b.From, b.To)))
        {
            var shade = plot.Add.HorizontalSpan(group.Key.From, Math.Max(group.Key.To, group.Key.From + ((tMax - tMin) * 0.002)), Colors.Red.WithAlpha(0.18));
            shade.LineStyle.Width = 0;
            shade.LegendText = $"{string.Join(", ", group.Select(b => b.Label))}: NaN/Inf from {Ms(group.Key.From)} ms";
        }
        plot.Axes.SetLimits(tMin, tMax, vMin - pad, Math.Max(vMax + pad, spikeRow + (pad * 0.4)));
        plot.ShowLegend(Edge.Right);
        return new TracePlotResult(plot, warnings);
    }

    /// <summary>The index ranges [from, to) of consecutive finite samples.</summary>
    private static IEnumerable<(int From, int To)> FiniteRuns(Trace tr)
    {
        int start = -1;
        for (int i = 0; i <= tr.Values.Length; i++)
        {
            bool ok = i < tr.Values.Length && double.IsFinite(tr.Values[i]) && double.IsFinite(tr.TimesMs[i]);
            if (ok && start < 0) start = i;
            else if (!ok && start >= 0)
            {
                yield return (start, i);
                start = -1;
            }
        }
    }

    /// <summary>The time span from the first to the last non-finite sample and how many there are; null when none.</summary>
    private static (double From, double To, int Count)? NonFinite(Trace tr)
    {
        double from = double.NaN, to = double.NaN;
        int count = 0;
        for (int i = 0; i < tr.Values.Length; i++)
        {
            if (double.IsFinite(tr.Values[i]) || !double.IsFinite(tr.TimesMs[i])) continue;
            if (count == 0) from = tr.TimesMs[i];
            to = tr.TimesMs[i];
            count++;
        }
        return count == 0 ? null : (from, to, count);
    }

    private static string Ms(double t) => t.ToString("0.###", CultureInfo.InvariantCulture);
}
