using Meta.Analysis;
using Meta.Backends.Cpu;
using Meta.Cli.Networks;
using Meta.Tests.Cli;
using Xunit.Abstractions;

namespace Meta.Tests.Examples;

/// <summary>
/// examples/pyloric-prinz2004: the three-cell circuits of Prinz, Bucher &amp; Marder (2004), Fig. 3, run from their JSON files
/// on the CPU backend and measured with <see cref="PyloricRhythm"/>.
/// </summary>
public class PyloricExampleTests(ITestOutputHelper output)
{
    private static PyloricRhythm Run(string file, double duration, double from, out double[][] spikes)
    {
        var doc = NetworkParser.ParseFile(CliTestSupport.Example(Path.Combine("pyloric-prinz2004", file)));
        using var network = NetworkBuilder.Build(doc, new CpuBackend());
        network.Simulation.Run(duration);
        spikes = new[] { "ABPD", "LP", "PY" }.Select(l =>
            network.Collections[l].GetData().Segments[0].SpikeTrains[0].Times.ToArray()).ToArray();
        return PyloricRhythm.Measure(spikes[0], spikes[1], spikes[2], from);
    }

    [Fact]
    public void Fig3e_circuit_is_a_regular_triphasic_pyloric_rhythm()
    {
        // 6 s simulated, the first 1.5 s dropped: three full PD cycles of about 1.6 s.
        var r = Run("pyloric.json", 6000, 1500, out _);
        output.WriteLine($"cycles {r.Cycles}, triphasic {r.TriphasicCycles}, pyloric {r.PyloricCycles}, period {r.Period:F1} (CV {r.PeriodCv:F3})");
        output.WriteLine($"PD {r.PD}\nLP {r.LP}\nPY {r.PY}");
        r.Cycles.Should().BeGreaterThanOrEqualTo(2);
        r.IsTriphasic.Should().BeTrue();
        r.IsPyloricLike.Should().BeTrue("each cycle runs PD, then LP, then PY, as in the paper's Fig. 3e");
        r.Period.Should().BeInRange(1400, 1900, "the period measured in examples/pyloric-prinz2004/README.md is 1.63 s");
        r.PeriodCv.Should().BeLessThan(0.05);
        r.LP.OnPhase.Should().BeGreaterThan(r.PD.OffPhase, "LP starts after the pacemaker burst ends");
        r.PY.OffPhase.Should().BeGreaterThan(r.LP.OffPhase, "PY ends after LP");
    }

    [Fact]
    public void Fig3a_circuit_silences_the_pacemaker_and_LP_fires_tonically_as_published()
    {
        // Prinz et al. (2004), Fig. 3a: LP's inhibition keeps AB/PD silent, LP fires tonically, PY is silent.
        // LP slows down from a fast start over about 3 s, then fires at about 3.5 Hz.
        var r = Run("pyloric-fig3a.json", 5000, 3200, out var spikes);
        double[] late(int i) => spikes[i].Where(t => t >= 3200).ToArray();
        output.WriteLine($"AB/PD {late(0).Length}, LP {late(1).Length}, PY {late(2).Length} spikes after 3.2 s");
        late(0).Should().BeEmpty("the pacemaker is silenced");
        late(2).Should().BeEmpty("PY is silent");
        var lp = late(1);
        lp.Length.Should().BeInRange(4, 10, "LP fires tonically at about 3.5 Hz over 1.8 s");
        var isi = lp.Zip(lp.Skip(1), (a, b) => b - a).ToArray();
        (isi.Max() / isi.Min()).Should().BeLessThan(1.2, "tonic firing is regular");
        r.Cycles.Should().Be(0);
    }
}
