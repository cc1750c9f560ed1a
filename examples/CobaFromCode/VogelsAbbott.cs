using Meta.Populations;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Examples;

/// <summary>
/// PyNN's VAbenchmarks networks (Brette et al. 2007, benchmarks 1 and 2; Vogels &amp; Abbott 2005) built with Meta's API.
/// Scaled to <c>n</c> cells with about 80 inputs per cell (p = 0.02 · 4000 / n), as shared/peers/va_pynn.py does.
/// </summary>
public static class VogelsAbbott
{
    /// <summary>The cells and projections of one built network.</summary>
    public sealed record Network(Population Exc, Population Inh, Assembly All, Population? External);

    /// <summary>
    /// Builds the COBA (conductance-based) or CUBA (current-based) network in <paramref name="sim"/>. With
    /// <paramref name="plasticExcitatory"/>, excitatory synapses onto excitatory cells use that synapse type (projection
    /// <c>exc→exc</c>) and those onto inhibitory cells stay static (<c>exc→inh</c>).
    /// </summary>
    public static Network Build(Simulation sim, bool coba, int n = 4000, SynapseType? plasticExcitatory = null)
    {
        const double delay = 0.2;
        int nExc = n * 4 / 5, nInh = n - nExc;
        double pConnect = 0.02 * 4000 / n;

        // Cells: area 20000 µm² with 1 µF/cm² gives cm = 0.2 nF; g_leak 5e-5 S/cm² gives tau_m = 20 ms.
        CellType Cell()
        {
            var cell = new CellType(coba ? "IF_cond_exp" : "IF_curr_exp")
                .With("cm", 0.2).With("tau_m", 20.0).With("tau_refrac", 5.0)
                .With("v_thresh", -50.0).With("v_reset", -60.0).With("tau_syn_E", 5.0).With("tau_syn_I", 10.0);
            return coba
                ? cell.With("v_rest", -60.0).With("e_rev_E", 0.0).With("e_rev_I", -80.0)
                : cell.With("v_rest", -49.0);
        }

        var exc = sim.CreatePopulation(nExc, Cell(), "exc");
        var inh = sim.CreatePopulation(nInh, Cell(), "inh");
        var all = exc + inh;
        all.Initialize("v", new RandomDistribution("uniform", -60.0, -50.0));

        // COBA weights are conductances (µS); CUBA weights are G·(E_rev − v_mean) currents (nA), v_mean = −60 mV.
        double wExc = coba ? 0.004 : 0.27e-3 * 60.0;
        double wInh = coba ? 0.051 : -4.5e-3 * 20.0;
        var connector = new FixedProbabilityConnector(pConnect);
        if (plasticExcitatory is null) _ = new Projection(exc, all, connector, new StaticSynapse(wExc, delay), "excitatory", "exc→all");
        else
        {
            _ = new Projection(exc, exc, connector, plasticExcitatory, "excitatory", "exc→exc");
            _ = new Projection(exc, inh, connector, new StaticSynapse(wExc, delay), "excitatory", "exc→inh");
        }
        _ = new Projection(inh, all, connector, new StaticSynapse(wInh, delay), "inhibitory", "inh→all");

        Population? ext = null;
        if (coba)
        {
            // The external kick: 20 Poisson sources at 100 Hz for the first 50 ms.
            ext = sim.CreatePopulation(20, new CellType("SpikeSourcePoisson").With("rate", 100.0).With("duration", 50.0), "ext");
            _ = new Projection(ext, all, new FixedProbabilityConnector(0.01), new StaticSynapse(0.1, delay), "excitatory", "ext→all");
        }
        return new Network(exc, inh, all, ext);
    }

    /// <summary>The simulation settings of the benchmark: dt 0.1 ms, min_delay 0.2, max_delay 1.0, seed 98765.</summary>
    public static SimulationOptions Options(int threads = 0) => new()
    {
        Timestep = 0.1, MinDelay = 0.2, MaxDelay = 1.0, Seed = 98765, Threads = threads,
    };
}
