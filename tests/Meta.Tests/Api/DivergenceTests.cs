using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>A run whose state becomes NaN, infinite or runs away stops with an error naming the cell, and keeps its data.</summary>
public class DivergenceTests
{
    [Fact]
    public void A_recorded_runaway_stops_the_run_naming_the_cell_variable_and_time_and_keeps_the_data()
    {
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(3, new CellType("HH_cond_exp").With("i_offset", new[] { 0.0, 0.0, 1e6 }), "hh");
        cells.Record("v");
        var run = () => sim.Run(100);
        var error = run.Should().Throw<SimulationDivergedException>().Which;
        error.Population.Should().Be("hh");
        error.Cell.Should().Be(2);
        error.Variable.Should().Be("v");
        error.TimeMs.Should().BeGreaterThan(0).And.BeLessThan(100);
        error.Message.Should().Contain("'v' of cell 2 in 'hh' (HH_cond_exp)").And.Contain("data recorded until then are kept");

        var v = Signal(cells, "v");
        v.Column(0).Should().OnlyContain(x => double.IsFinite(x), "the quiet cells stay sound");
        v.Column(0).Length.Should().Be(1001, "the run call's samples are kept");
        v.Column(2).Take((int)Math.Round(error.TimeMs / 0.1)).Should().OnlyContain(x => Math.Abs(x) <= 1e4, "the cell was sound before the time named");
    }

    [Fact]
    public void An_unrecorded_cell_that_diverges_is_found_at_the_end_of_the_run_call()
    {
        using var sim = NewSimulation();
        sim.CreatePopulation(2, new CellType("IF_curr_exp"), "quiet");
        sim.CreatePopulation(2, new CellType("HH_cond_exp").With("i_offset", new[] { 1e6, 0.0 }), "wild");
        var run = () => sim.Run(50);
        var error = run.Should().Throw<SimulationDivergedException>().Which;
        error.Population.Should().Be("wild");
        error.Cell.Should().Be(0);
        error.TimeMs.Should().Be(50);
        error.Message.Should().Contain("when the run call ended").And.Contain("record '");
        (!double.IsFinite(error.Value) || Math.Abs(error.Value) > 1e4).Should().BeTrue("it is a NaN, an infinity or a runaway potential");
    }

    [Fact]
    public void A_sound_run_is_not_stopped()
    {
        using var sim = NewSimulation();
        var cells = sim.CreatePopulation(2, new CellType("HH_cond_exp").With("i_offset", 1.0), "hh");
        cells.Record("v");
        var run = () => sim.Run(100);
        run.Should().NotThrow();
    }
}
