using Meta.Cli.Networks;
using Meta.Cli.Output;
using Meta.CurrentSources;
using Meta.Recording;

namespace Meta.Cli.Commands;

/// <summary>
/// The plots of a run, each as PNG and SVG: the spike raster, firing-rate histograms, traces of recorded variables
/// (with spikes and stimuli), recorded currents, learned weights and cell positions.
/// </summary>
internal sealed class RunPlots(string folder, RunOutcome outcome)
{
    /// <summary>Traces per trace plot at most.</summary>
    public const int MaxTracesPerPlot = 5;

    private const int Width = 1200;
    private readonly List<string> _written = [];
    private readonly List<string> _warnings = [];
    private Dictionary<(string Population, int Index), double[]>? _spikes;

    /// <summary>The files written, in order.</summary>
    public IReadOnlyList<string> Written => _written;

    /// <summary>What a plot could not show faithfully (e.g. NaN samples), one line each.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Draws every plot the run's recordings allow.</summary>
    public void WriteAll(IReadOnlyList<(RecordingTarget Target, Segment Segment)> blocks,
        IReadOnlyList<(string Label, AnalogSignal Signal)> currents, IReadOnlyList<ResultWriter.PlasticWeights> plastic)
    {
        if (PlotFonts.Ensure() is { } noFont) _warnings.Add(noFont);
        WriteRaster();
        WriteRates();
        foreach (var (target, segment) in blocks) WriteTraces(target, segment);
        foreach (var (label, signal) in currents) WriteCurrent(label, signal);
        foreach (var w in plastic) WriteWeights(w);
        WritePositions();
    }

    private void Save(ScottPlot.Plot plot, string stem, int height)
    {
        _written.AddRange(PlotFile.Save(plot, Path.Combine(folder, stem), Width, height));
        plot.Dispose();
    }

    private void WriteRaster()
    {
        var groups = outcome.Populations.Where(p => p.RecordsSpikes)
            .Select(p => new RasterGroup(p.Population.Label, p.SpikeTrains)).ToList();
        if (groups.Count == 0) return;
        Save(RasterPlot.Create($"{outcome.Name}: spikes", groups, 0, outcome.DurationMs), "raster", 700);
    }

    private void WriteRates()
    {
        double seconds = outcome.DurationMs / 1000.0;
        var series = outcome.Populations.Where(p => p.RecordsSpikes)
            .Select(p => new HistogramSeries(p.Population.Label, p.SpikeTrains.Select(t => t.Length / seconds).ToArray())).ToList();
        if (series.Count == 0) return;
        // Rates are whole spike counts / duration: bins span a whole number of counts, centred on them, so that
        // no bin gets more count values than its neighbours.
        double quantum = 1.0 / seconds, max = series.SelectMany(s => s.Values).Max();
        int countsPerBin = Math.Max(1, (int)Math.Ceiling((max / quantum + 1) / 50));
        double width = countsPerBin * quantum;
        int bins = (int)Math.Floor(max / width) + 1;
        double lo = -quantum / 2;
        var plot = HistogramPlot.Create($"{outcome.Name}: firing rates of the recorded cells", "firing rate (Hz)", "cells", series, bins,
            min: lo, max: lo + (bins * width));
        Save(plot, "rates", 500);
    }

    private void WriteTraces(RecordingTarget target, Segment segment)
    {
        foreach (var (name, signal) in ResultWriter.NamedSignals(segment))
        {
            if (signal.SampleCount == 0 || signal.ChannelCount == 0) continue;
            var times = signal.Times();
            int shownCount = Math.Min(MaxTracesPerPlot, signal.ChannelCount);
            var traces = Enumerable.Range(0, shownCount)
                .Select(c => new Trace($"{signal.SourcePopulation} #{signal.ChannelIndex[c]}", times, signal.Column(c),
                    SpikesOf(signal.SourcePopulation, signal.ChannelIndex[c])))
                .ToList();
            string shown = signal.ChannelCount > MaxTracesPerPlot ? $" (first {MaxTracesPerPlot} of {signal.ChannelCount} cells)" : "";
            var stimuli = Stimuli(signal.SourcePopulation, signal.ChannelIndex.Take(shownCount).ToHashSet());
            var result = TracePlot.Create($"{target.Label}: {signal.Name}{shown}", $"{signal.Name} ({signal.Units})", traces, stimuli);
            _warnings.AddRange(result.Warnings.Select(w => $"{target.Label}_{name} plot: {w}"));
            Save(result.Plot, $"{ResultWriter.SafeName(target.Label)}_{ResultWriter.SafeName(name)}", 500);
        }
    }

    private void WriteCurrent(string label, AnalogSignal signal)
    {
        if (signal.SampleCount == 0) return;
        var result = TracePlot.Create($"{label}: injected current", "i (nA)", [new Trace(label, signal.Times(), signal.Column(0))]);
        _warnings.AddRange(result.Warnings);
        Save(result.Plot, $"{ResultWriter.SafeName(label)}_i", 500);
    }

    /// <summary>The learned weights' distribution and the distribution of their change.</summary>
    private void WriteWeights(ResultWriter.PlasticWeights w)
    {
        string unit = w.Projection.Post.ConductanceBased ? "µS" : "nA";
        int bins = Math.Clamp((int)Math.Sqrt(w.Final.Length), 5, 50);
        string label = w.Projection.Label;
        Save(HistogramPlot.Create($"{label}: learned weights (initial mean {w.Initial.DefaultIfEmpty().Average():g4}, final {w.Final.DefaultIfEmpty().Average():g4})",
            $"weight ({unit})", "synapses", [new HistogramSeries("final", w.Final)], bins), $"weights_{ResultWriter.SafeName(label)}", 500);
        Save(HistogramPlot.Create($"{label}: weight change over the run", $"final - initial weight ({unit})", "synapses",
            [new HistogramSeries("final - initial", w.Final.Zip(w.Initial, (f, i) => f - i).ToArray())], bins),
            $"weight_change_{ResultWriter.SafeName(label)}", 500);
    }

    /// <summary>The positions of the populations the file placed (a structure or explicit positions), if any.</summary>
    private void WritePositions()
    {
        var placed = outcome.Network.Document.Populations.Where(p => p.Structure is not null || p.Positions is not null)
            .Select(p => p.Label).ToHashSet(StringComparer.Ordinal);
        var groups = outcome.Network.Populations.Where(p => placed.Contains(p.Label)).Select(p =>
        {
            var xyz = p.Positions;
            int n = xyz.GetLength(1);
            return new PositionGroup(p.Label, Enumerable.Range(0, n).Select(i => xyz[0, i]).ToArray(), Enumerable.Range(0, n).Select(i => xyz[1, i]).ToArray());
        }).ToList();
        if (groups.Count == 0) return;
        Save(SpatialPlot.Create($"{outcome.Name}: cell positions (x, y)", groups), "positions", 800);
    }

    /// <summary>The recorded spike times of one cell, or null when its spikes were not recorded.</summary>
    private double[]? SpikesOf(string population, int index)
    {
        _spikes ??= outcome.Populations.Where(p => p.RecordsSpikes)
            .SelectMany(p => p.Population.GetData(["spikes"]).Segments[^1].SpikeTrains)
            .ToDictionary(t => (t.SourcePopulation, t.SourceIndex), t => t.Times);
        return _spikes.TryGetValue((population, index), out var times) ? times : null;
    }

    /// <summary>The time spans in which current sources drive any of the shown cells of a population.</summary>
    private List<StimulusSpan> Stimuli(string population, HashSet<int> cells)
    {
        var spans = new List<StimulusSpan>();
        foreach (var source in outcome.Simulation.CurrentSources)
        {
            var driven = source.Targets.Where(t => t.Population.Label == population && cells.Contains(t.Index)).Select(t => $"#{t.Index}").ToList();
            if (driven.Count == 0) continue;
            string label = $"{source.Label ?? source.Kind} → {string.Join(", ", driven)}";
            switch (source)
            {
                case DCSource dc: spans.Add(new StimulusSpan(label, dc.Start, dc.Stop)); break;
                case ACSource ac: spans.Add(new StimulusSpan(label, ac.Start, ac.Stop)); break;
                case NoisyCurrentSource noise: spans.Add(new StimulusSpan(label, noise.Start, noise.Stop)); break;
                case StepCurrentSource step:
                    for (int i = 0; i < step.Times.Count; i++)
                    {
                        if (step.Amplitudes[i] == 0) continue;
                        double stop = i + 1 < step.Times.Count ? step.Times[i + 1] : double.PositiveInfinity;
                        spans.Add(new StimulusSpan(spans.Any(s => s.Label == label) ? "" : label, step.Times[i], stop));
                    }
                    break;
            }
        }
        return spans;
    }
}
