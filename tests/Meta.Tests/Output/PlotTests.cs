using Meta.Cli.Output;

namespace Meta.Tests.Output;

public sealed class PlotTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("meta-plots-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Stem(string name) => Path.Combine(_folder, name);

    private static List<RasterGroup> SyntheticRaster(int excitatory, int inhibitory, int spikesPerCell, double tStop)
    {
        var rng = new System.Random(1234);
        double[][] Cells(int n) => Enumerable.Range(0, n)
            .Select(_ => Enumerable.Range(0, spikesPerCell).Select(_ => rng.NextDouble() * tStop).Order().ToArray())
            .ToArray();
        return [new RasterGroup("exc", Cells(excitatory)), new RasterGroup("inh", Cells(inhibitory))];
    }

    [Fact]
    public void A_font_with_glyphs_is_found_for_plot_text()
    {
        PlotFonts.Family.Should().NotBeNullOrEmpty();
        PlotFonts.Ensure().Should().BeNull();
    }

    [Fact]
    public void Raster_writes_a_png_of_the_asked_size_and_an_svg_labelling_each_population_band()
    {
        var files = PlotFile.Save(RasterPlot.Create("Spike raster", SyntheticRaster(80, 20, 15, 500), 0, 500), Stem("raster"), 1000, 600);
        files.Should().Equal(Stem("raster") + ".png", Stem("raster") + ".svg");
        PlotImages.PngSize(files[0]).Should().Be((1000, 600));
        new FileInfo(files[0]).Length.Should().BeGreaterThan(5_000, "1500 spikes are drawn");
        PlotImages.SvgTexts(files[1]).Should().Contain(["Spike raster", "exc", "80 cells", "1,200 spikes", "inh", "20 cells", "300 spikes", "time (ms)"]);
    }

    [Fact]
    public void Raster_of_4000_cells_renders_every_spike_as_a_PNG()
    {
        // Speed is measured by benchmarks, not by timed tests: this checks the 80 000-spike raster renders at all.
        var groups = SyntheticRaster(3200, 800, 20, 1000);
        using var plot = RasterPlot.Create("4000 cells", groups, 0, 1000);
        byte[] png;
        lock (PlotFile.RenderLock) png = plot.GetImageBytes(1200, 700, ScottPlot.ImageFormat.Png);
        png.Length.Should().BeGreaterThan(10_000);
        png.Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "a PNG signature");
    }

    [Fact]
    public void Raster_thins_out_the_cells_drawn_past_the_spike_limit_and_says_so()
    {
        var groups = SyntheticRaster(3200, 800, 100, 1000);
        var files = PlotFile.Save(RasterPlot.Create("400 000 spikes", groups, 0, 1000), Stem("big"), 1200, 700);
        PlotImages.PngSize(files[0]).Should().Be((1200, 700));
        PlotImages.SvgTexts(files[1]).Should().Contain(["3,200 cells", "320,000 spikes", "(1 in 2 shown)"]);
    }

    [Fact]
    public void Raster_leaves_out_spikes_outside_the_window_and_keeps_empty_groups()
    {
        var groups = new List<RasterGroup> { new("empty", Array.Empty<double[]>()), new("one", [[-5.0, double.NaN, 50.0, 1e9]]) };
        var files = PlotFile.Save(RasterPlot.Create("edge cases", groups, 0, 100), Stem("edge"), 400, 300);
        PlotImages.SvgTexts(files[1]).Should().Contain(["empty", "0 cells", "one", "1 cells", "1 spikes"]);
        FluentActions.Invoking(() => RasterPlot.Create("bad", groups, 10, 10)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Histogram_gives_each_series_its_count_in_the_legend()
    {
        HistogramSeries[] series = [new("exc", [1, 2, 2, 3, double.NaN]), new("inh", [5, 6])];
        var files = PlotFile.Save(HistogramPlot.Create("rates", "rate (Hz)", "cells", series, 6), Stem("hist"), 900, 500);
        PlotImages.PngSize(files[0]).Should().Be((900, 500));
        PlotImages.SvgTexts(files[1]).Should().Contain(["exc (n = 4)", "inh (n = 2)", "rate (Hz)", "cells"]);
    }

    [Fact]
    public void Traces_with_NaN_keep_the_whole_time_axis_and_report_the_NaN_span()
    {
        double[] times = Enumerable.Range(0, 1001).Select(i => i * 0.1).ToArray();
        double[] values = times.Select(t => t < 40 ? -65 + t / 10 : double.NaN).ToArray();
        var result = TracePlot.Create("diverging", "v (mV)", [new Trace("cell #0", times, values, [12.5, 30])],
            [new StimulusSpan("dc", 10, 1e12)]);

        var limits = result.Plot.Axes.GetLimits();
        limits.Left.Should().Be(0);
        limits.Right.Should().Be(100, "the time axis spans every sample, not only the finite ones");
        result.Warnings.Should().ContainSingle().Which.Should().Contain("cell #0").And.Contain("601 of 1,001 samples").And.Contain("40 ms");
        var files = PlotFile.Save(result.Plot, Stem("traces"), 1200, 500);
        PlotImages.SvgTexts(files[1]).Should().Contain(["cell #0", "cell #0: NaN/Inf from 40 ms", "dc"]);
    }

    [Fact]
    public void Traces_with_no_finite_sample_still_plot()
    {
        var result = TracePlot.Create("nothing", "v (mV)", [new Trace("cell", [0.0, 1.0], [double.NaN, double.PositiveInfinity])]);
        result.Warnings.Should().ContainSingle();
        PlotImages.PngSize(PlotFile.Save(result.Plot, Stem("nothing"), 300, 200)[0]).Should().Be((300, 200));
    }

    [Fact]
    public void Positions_plot_labels_each_population()
    {
        PositionGroup[] groups = [new("sheet", [0, 1, 2, 3], [0, 1, 0, 1]), new("input", [0, 3], [2, 2])];
        var files = PlotFile.Save(SpatialPlot.Create("positions", groups), Stem("positions"), 800, 800);
        PlotImages.PngSize(files[0]).Should().Be((800, 800));
        PlotImages.SvgTexts(files[1]).Should().Contain(["sheet (4)", "input (2)"]);
    }
}
