using Meta.Projections;
using Meta.Projections.Connectors;
using static Meta.Tests.Api.ApiTestSupport;

namespace Meta.Tests.Api;

/// <summary>setup/run/run_until/reset and independence of simulations (spec §5.5, §7 test__simulation_control).</summary>
public class SimulationControlTests
{
    [Fact]
    public void RunUntil_reaches_each_target_and_refuses_the_past()
    {
        using var sim = NewSimulation(timestep: 0.1);
        sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        sim.RunUntil(12.7).Should().BeApproximately(12.7, 1e-9);
        sim.Time.Should().BeApproximately(12.7, 1e-9);
        sim.RunUntil(12.7);
        sim.Time.Should().BeApproximately(12.7, 1e-9);
        sim.CurrentStep.Should().Be(127);
        sim.RunUntil(99.9);
        sim.Time.Should().BeApproximately(99.9, 1e-9);
        sim.CurrentStep.Should().Be(999);
        sim.Invoking(s => s.RunUntil(88.8)).Should().Throw<InvalidParameterValueException>();
        sim.Time.Should().BeApproximately(99.9, 1e-9, "a refused run_until changes nothing");
        // Less than dt/2 in the past is "now", not an error.
        sim.RunUntil(99.9 - 0.04);
        sim.CurrentStep.Should().Be(999);
    }

    [Fact]
    public void Run_returns_the_new_time_and_accumulates()
    {
        using var sim = NewSimulation(timestep: 0.1);
        sim.CreatePopulation(1, new CellType("IF_curr_exp"));
        sim.Run(10.0).Should().BeApproximately(10.0, 1e-9);
        sim.Run(2.5).Should().BeApproximately(12.5, 1e-9);
        sim.CurrentStep.Should().Be(125);
        sim.Invoking(s => s.Run(-1.0)).Should().Throw<InvalidParameterValueException>();
        sim.Invoking(s => s.Run(double.NaN)).Should().Throw<InvalidParameterValueException>();
    }

    [Theory]
    [InlineData(0.1, 0.05, null)]   // min_delay < timestep
    [InlineData(0.1, 2.0, 1.0)]     // min_delay > max_delay
    [InlineData(0.0, null, null)]   // timestep must be positive
    [InlineData(-0.1, null, null)]
    public void Invalid_setup_raises(double timestep, double? minDelay, double? maxDelay)
    {
        var act = () => NewSimulation(timestep, minDelay, maxDelay);
        act.Should().Throw<InvalidParameterValueException>();
    }

    [Fact]
    public void Valid_setup_is_reported()
    {
        using var sim = NewSimulation(timestep: 0.05, minDelay: 0.1, maxDelay: 4.0);
        sim.Timestep.Should().Be(0.05);
        sim.MinDelay.Should().Be(0.1);
        sim.MaxDelay.Should().Be(4.0);
        sim.Time.Should().Be(0);
        using var auto = NewSimulation(timestep: 0.25);
        auto.MinDelay.Should().Be(0.25, "min_delay 'auto' is one time step");
        auto.MaxDelay.Should().BeNull();
    }

    [Fact]
    public void Reset_returns_to_time_zero_and_keeps_structure_and_parameters()
    {
        using var sim = NewSimulation();
        var p = sim.CreatePopulation(2, new CellType("IF_curr_exp"));
        var prj = new Projection(p, p, new AllToAllConnector(), new StaticSynapse(0.1));
        sim.Run(5.0);
        p.Set("tau_m", 15.0);
        sim.Reset();
        sim.Time.Should().Be(0);
        sim.CurrentStep.Should().Be(0);
        sim.Populations.Should().ContainSingle();
        sim.Projections.Should().ContainSingle().Which.Should().BeSameAs(prj);
        p.Get("tau_m").Should().Equal(15.0, 15.0);
        sim.Run(5.0);
        sim.Time.Should().BeApproximately(5.0, 1e-9);
    }

    [Fact]
    public void Two_simulations_in_one_process_are_independent()
    {
        static (Simulation Sim, Populations.Population Pop) Build(double iOffset)
        {
            var sim = NewSimulation(timestep: 0.1);
            var p = sim.CreatePopulation(2, new CellType("IF_curr_exp") { ["i_offset"] = iOffset, ["tau_refrac"] = 2.0 });
            p.Record(["v", "spikes"]);
            return (sim, p);
        }

        var (simA, popA) = Build(1.0);
        var (simB, popB) = Build(1.0);
        var (simC, popC) = Build(0.0);
        using (simA)
        using (simB)
        using (simC)
        {
            simA.Run(30.0);
            simB.Time.Should().Be(0, "running one simulation does not advance another");
            simC.Run(10.0);
            simB.Run(15.0);
            popB.Set("i_offset", 5.0); // changes B only
            simB.Run(15.0);
            simA.Time.Should().BeApproximately(30.0, 1e-9);
            simB.Time.Should().BeApproximately(30.0, 1e-9);
            simC.Time.Should().BeApproximately(10.0, 1e-9);

            popA.Get("i_offset").Should().Equal(1.0, 1.0);
            var vA = Signal(popA, "v");
            var vB = Signal(popB, "v");
            vA.SampleCount.Should().Be(301);
            vB.SampleCount.Should().Be(301);
            // Identical until B's change took effect (samples 0..150), different afterwards.
            for (int i = 0; i <= 150; i++) vB[i, 0].Should().Be(vA[i, 0]);
            SpikeTimes(popB)[0].Length.Should().BeGreaterThan(SpikeTimes(popA)[0].Length);
            Signal(popC, "v").Data.Should().OnlyContain(v => v == -65.0, "C has no input and starts at rest");
        }
    }
}
