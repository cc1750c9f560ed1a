using Meta.Models;
using Meta.Models.Standard;
using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Tests.Models;

public class ModelDefinitionTests
{
    [Fact]
    public void Validation_names_the_problem()
    {
        FluentActions.Invoking(() => new ModelBuilder("bad").Parameter("tau", 1, "ms").State("v", 0, "mV").Ode("v", "-v/taux").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*unknown name 'taux'*");
        FluentActions.Invoking(() => new ModelBuilder("bad").State("v", 0, "mV").Ode("w", "-w").Build())
            .Should().Throw<InvalidModelException>().WithMessage("*'w', which is not a state variable*");
        FluentActions.Invoking(() => new ModelBuilder("bad").State("v", 0, "mV").Receptor("excitatory", "g", ReceptorKind.Current).Build())
            .Should().Throw<InvalidModelException>().WithMessage("*receptor 'excitatory' targets 'g'*");
    }

    [Fact]
    public void Unknown_standard_model_lists_the_known_ones() =>
        FluentActions.Invoking(() => new CellType("IF_cond_expp")).Should().Throw<InvalidModelException>().WithMessage("*IF_cond_exp*IF_curr_alpha*");

    [Fact]
    public void A_user_defined_model_runs_on_the_CPU_backend_exactly_like_the_standard_one()
    {
        // IF_curr_exp written by a user with the builder: same equations, so the same trace to rounding.
        var mine = new ModelBuilder("MyLIF")
            .Parameter("v_rest", -65, "mV").Parameter("cm", 1, "nF").Parameter("tau_m", 20, "ms").Parameter("tau_refrac", 2, "ms")
            .Parameter("tau_syn", 5, "ms").Parameter("v_reset", -70, "mV").Parameter("v_thresh", -55, "mV").Parameter("i_offset", 0, "nA")
            .State("v", -65, "mV").State("isyn", 0, "nA", recordable: false)
            .Ode("v", "(v_rest - v)/tau_m + (isyn + i_offset + i_inj)/cm")
            .Ode("isyn", "-isyn/tau_syn")
            .Threshold("v >= v_thresh").Reset("v = v_reset").Refractory("tau_refrac", "v = v_reset")
            .Receptor("excitatory", "isyn", ReceptorKind.Current)
            .Build();
        double[] Run(CellType cellType)
        {
            using var sim = new Simulation(new Meta.Backends.Cpu.CpuBackend(), new SimulationOptions { Timestep = 0.1 });
            var src = sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new double[] { 5.0, 6.0, 7.0, 8.0, 30.0 }));
            var cell = sim.CreatePopulation(1, cellType);
            cell.Set("i_offset", 0.6);
            _ = new Projection(src, cell, new OneToOneConnector(), new StaticSynapse(2.0, 1.0), "excitatory");
            cell.Record("v");
            sim.Run(60);
            return cell.GetData().Segments[0].Signal("v").Column(0);
        }
        var standard = new CellType("IF_curr_exp").With("tau_refrac", 2.0).With("v_reset", -70.0).With("v_thresh", -55.0);
        var a = Run(new CellType(mine));
        var b = Run(standard);
        a.Should().HaveCount(601);
        a.Max().Should().BeGreaterThan(-56, "the input drives the cell to threshold");
        for (int i = 0; i < a.Length; i++) a[i].Should().BeApproximately(b[i], 1e-12);
    }
}
