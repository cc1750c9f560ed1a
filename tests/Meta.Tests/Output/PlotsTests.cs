using Stopwatch = System.Diagnostics.Stopwatch;
using Meta.Cli.Output;

namespace Meta.Tests.Output;

public class PlotsTests
{
    private static string TempPng(string stem) => Path.Combine(Path.GetTempPath(), $"meta-{stem}-{Guid.NewGuid():N}.png");

    private static List<RasterGroup> SyntheticRaster(int excitatory, int inhibitory, int spikesPerCell, double tStop)
    {
        var rng = new System.Random(1234);
        double[][] Cells(int n) => Enumerable.Range(0, n)
            .Select(_ => Enumerable.Range(0, spikesPerCell).Select(_ => rng.NextDouble() * tStop).Order().ToArray())
            .ToArray();
        return
        [
            new RasterGroup("exc", Rgb.Blue, Cells(excitatory)),
            new RasterGroup("inh", Rgb.Red, Cells(inhibitory)),
        ];
    }

    [Fact]
    public void Spike_raster_writes_a_png_larger_than_1KB()
    {
        string path = TempPng("raster");
        try
        {
            Plots.SpikeRaster(path, "Spike raster", SyntheticRaster(80, 20, 15, 500), 0, 500);
            var info = new FileInfo(path);
            info.Exists.Should().BeTrue();
            info.Length.Should().BeGreaterThan(1024);
            File.ReadAllBytes(path).AsSpan(1, 3).ToArray().Should().Equal((byte)'P', (byte)'N', (byte)'G');
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Spike_raster_is_fast_for_4000_cells_and_uses_group_colours()
    {
        var groups = SyntheticRaster(3200, 800, 20, 1000);
        var sw = Stopwatch.StartNew();
        var canvas = Plots.RenderSpikeRaster("4000 cells", groups, 0, 1000);
        byte[] png = canvas.ToPngBytes();
        sw.Stop();
        png.Length.Should().BeGreaterThan(1024);
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));

        int blue = 0, red = 0;
        for (int y = 0; y < canvas.Height; y++)
        {
            for (int x = 0; x < canvas.Width; x++)
            {
                var p = canvas.GetPixel(x, y);
                if (p == Rgb.Blue)
                {
                    blue++;
                }
                else if (p == Rgb.Red)
                {
                    red++;
                }
            }
        }
        blue.Should().BeGreaterThan(red).And.BeGreaterThan(1000);
        red.Should().BeGreaterThan(100);
    }

    [Fact]
    public void Spike_raster_handles_empty_groups_and_out_of_window_spikes()
    {
        var groups = new List<RasterGroup>
        {
            new("empty", Rgb.Green, Array.Empty<double[]>()),
            new("one", Rgb.Orange, [new[] { -5.0, double.NaN, 50.0, 1e9 }]),
        };
        var canvas = Plots.RenderSpikeRaster("edge cases", groups, 0, 100, 400, 300);
        canvas.Width.Should().Be(400);
        var act = () => Plots.RenderSpikeRaster("bad", groups, 10, 10);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Traces_handle_long_series_and_nan_gaps()
    {
        const int n = 100_000;
        double[] t = Enumerable.Range(0, n).Select(i => i * 0.01).ToArray();
        double[] v = t.Select(x => -65 + (10 * Math.Sin(x / 20))).ToArray();
        double[] w = t.Select(x => -60 + (5 * Math.Cos(x / 7))).ToArray();
        w[5000] = double.NaN;
        string path = TempPng("traces");
        try
        {
            var sw = Stopwatch.StartNew();
            Plots.Traces(path, "Membrane potential", "v (mV)",
                [new Trace("cell 0", Rgb.Blue, t, v), new Trace("cell 1", Rgb.Orange, t, w)]);
            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
            new FileInfo(path).Length.Should().BeGreaterThan(1024);
        }
        finally
        {
            File.Delete(path);
        }

        var canvas = Plots.RenderTraces("flat", "v", [new Trace("flat", Rgb.Green, [0, 1, 2], [3, 3, 3])], 300, 200);
        canvas.Height.Should().Be(200);
        var mismatched = () => Plots.RenderTraces("x", "y", [new Trace("bad", Rgb.Red, [0, 1], [1])]);
        mismatched.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Histogram_draws_bars_in_the_given_colour()
    {
        var rng = new System.Random(7);
        double[] rates = Enumerable.Range(0, 2000).Select(_ => Math.Abs(rng.NextDouble() + rng.NextDouble()) * 10).ToArray();
        var canvas = Plots.RenderHistogram("Firing rates", "rate (Hz)", rates, 30, Rgb.Purple);
        int purple = 0;
        for (int y = 0; y < canvas.Height; y++)
        {
            for (int x = 0; x < canvas.Width; x++)
            {
                if (canvas.GetPixel(x, y) == Rgb.Purple)
                {
                    purple++;
                }
            }
        }
        purple.Should().BeGreaterThan(5000);

        Plots.RenderHistogram("empty", "x", [], 10, Rgb.Blue).Width.Should().Be(900);
        Plots.RenderHistogram("constant", "x", [2, 2, 2], 5, Rgb.Blue).Width.Should().Be(900);
    }

    [Theory]
    [InlineData(0.0, 1000.0, 100.0)]
    [InlineData(0.0, 1.0, 0.1)]
    [InlineData(-70.0, -50.0, 2.0)]
    [InlineData(0.0, 4000.0, 500.0)]
    public void Nice_ticks_are_round(double min, double max, double expectedStep)
    {
        double step = NiceTicks.NiceStep((max - min) / 10);
        step.Should().BeApproximately(expectedStep, expectedStep * 1e-9);
        var ticks = NiceTicks.Ticks(min, max, step);
        ticks.Should().OnlyContain(t => t >= min - 1e-9 && t <= max + 1e-9);
        ticks.First().Should().BeApproximately(min, 1e-9);
        ticks.Last().Should().BeApproximately(max, 1e-9);
        NiceTicks.Format(0.30000000000000004, 0.1).Should().Be("0.3");
        NiceTicks.Format(-1e-17, 0.5).Should().Be("0.0");
        NiceTicks.Format(250, 50).Should().Be("250");
    }
}
