using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Meta.Tests.PyNN;

/// <summary>
/// pyNN.meta on every shipped backend: PyNN's VAbenchmarks.py, shortened to a size the ILGPU emulator and libtorch on
/// CPU run in seconds, gives the same rates on cpu, ilgpu and torch; and features PyNN scripts read back
/// (Projection.initialize, a StepCurrentSource's times).
/// </summary>
[Collection("python")]
public sealed class PyNNMetaBackendTests(ITestOutputHelper output)
{
    private static double Rate(string text, string label) =>
        double.Parse(Regex.Match(text, Regex.Escape(label) + @"\s*:\s*([0-9.eE+-]+) Hz").Groups[1].Value, CultureInfo.InvariantCulture);

    [PyNNFact]
    public void A_shortened_VAbenchmarks_gives_the_same_rates_on_cpu_ilgpu_and_torch()
    {
        using var folder = new TemporaryFolder();
        string original = File.ReadAllText(Path.Combine(PythonSupport.PyNNFixtures!, "examples", "VAbenchmarks.py"));
        // Only the size and the duration change: 400 cells for 300 ms instead of 4000 cells for 1000 ms.
        string shortened = original.Replace("n        = 4000", "n        = 400", StringComparison.Ordinal)
            .Replace("tstop    = 1000", "tstop    = 300", StringComparison.Ordinal);
        shortened.Should().NotBe(original).And.Contain("n        = 400 ").And.Contain("tstop    = 300 ");
        string script = Path.Combine(folder.Path, "VAbenchmarks_short.py");
        File.WriteAllText(script, shortened);
        var rates = new Dictionary<string, (double Exc, double Inh)>();
        foreach (var backend in new[] { "cpu", "ilgpu", "torch" })
        {
            var (code, text) = PythonSupport.Run([Path.Combine(PythonSupport.PythonFolder, "pynn_meta_hook.py"), script, "meta", "COBA"],
                TimeSpan.FromMinutes(5), folder.Path, new Dictionary<string, string> { ["META_BACKEND"] = backend });
            string summary = text[Math.Max(0, text.IndexOf("--- Vogels-Abbott", StringComparison.Ordinal))..];
            output.WriteLine($"{backend}:\n{summary}");
            code.Should().Be(0, text[^Math.Min(text.Length, 3000)..]);
            summary.Should().Contain("Number of Neurons      : 400");
            rates[backend] = (Rate(summary, "Excitatory rate"), Rate(summary, "Inhibitory rate"));
        }
        rates["cpu"].Exc.Should().BeGreaterThan(1, "the 50 ms Poisson stimulus starts activity in the network");
        // The connections come from the script's seeded NumpyRNG and the stimulus from Meta's seed: the same spikes everywhere.
        rates["ilgpu"].Should().Be(rates["cpu"]);
        rates["torch"].Should().Be(rates["cpu"]);
    }

    [PyNNFact]
    public void Projection_initialize_sets_synaptic_state_and_step_source_times_read_back_on_the_grid()
    {
        const string script = """
            import numpy as np
            import pynn_meta_hook, pyNN.meta as sim
            sim.setup(timestep=0.1)
            src = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
            post = sim.Population(2, sim.IF_cond_exp())
            prj = sim.Projection(src, post, sim.AllToAllConnector(),
                                 sim.TsodyksMarkramSynapse(weight=0.01, U=0.1, tau_rec=100.0, tau_facil=0.0))
            post.record("gsyn_exc")
            prj.initialize(z=np.array([[0.5, 0.0]]))   # half the resources inactive at t = 0 for the first connection
            print("z", " ".join("%g" % z for z in prj.get("z", format="list", with_address=False)))
            sim.run(20)
            first = post.get_data().segments[-1].filter(name="gsyn_exc")[0].magnitude.max(axis=0)
            sim.reset()
            sim.run(20)
            again = post.get_data().segments[-1].filter(name="gsyn_exc")[0].magnitude.max(axis=0)
            print("ratio %.6f %.6f" % (first[0] / first[1], again[0] / again[1]))
            try:
                prj.initialize(nonsense=1.0)
            except Exception as e:
                print("error", type(e).__name__)
            step = sim.StepCurrentSource(times=[0.41, 0.42, 0.86], amplitudes=[0.5, -0.5, 0.5])
            print("times", " ".join("%.12g" % t for t in step.times), "amplitudes", " ".join("%g" % a for a in step.amplitudes))
            sim.end()
            """;
        var (code, text) = PythonSupport.Run(["-c", script], TimeSpan.FromMinutes(5), PythonSupport.PythonFolder);
        output.WriteLine(text);
        code.Should().Be(0, text);
        var ratio = Regex.Match(text, @"ratio ([0-9.]+) ([0-9.]+)");
        ratio.Success.Should().BeTrue(text);
        // Tsodyks-Markram: x = 1 - y - z at the spike, z = 0.5·exp(-10/100) after 10 ms of recovery, so the first PSP is
        // scaled by 1 - 0.5·exp(-0.1) relative to the untouched connection; reset restores the initialised value.
        double expected = 1 - 0.5 * Math.Exp(-0.1);
        double.Parse(ratio.Groups[1].Value, CultureInfo.InvariantCulture).Should().BeApproximately(expected, 1e-3);
        double.Parse(ratio.Groups[2].Value, CultureInfo.InvariantCulture).Should().BeApproximately(expected, 1e-3);
        text.Should().Contain("z 0.5 0\n", "a state variable is read back by its name, as it was initialised");
        text.Should().Contain("error NonExistentParameterError");
        // pyNN.neuron's behaviour (PyNN's issue512): times rounded to the step, of 0.4 and 0.4 the later amplitude wins.
        text.Should().Contain("times 0.4 0.9 amplitudes -0.5 0.5");
    }

    [PyNNFact]
    public void ElectricalSynapse_couples_two_cells_to_the_steady_state_of_the_circuit()
    {
        const string script = """
            import pynn_meta_hook, pyNN.meta as sim
            sim.setup(timestep=0.1)
            p1 = sim.Population(2, sim.IF_curr_exp(v_thresh=0.0))
            p2 = sim.Population(2, sim.IF_curr_exp(v_thresh=0.0))
            sim.Projection(p1, p2, sim.FromListConnector([(0, 0, 0.005)], column_names=["weight"]), sim.ElectricalSynapse())
            sim.DCSource(amplitude=0.5, start=0.0, stop=1000.0).inject_into(p1)
            p1.record("v"); p2.record("v")
            sim.run(200)
            v1 = p1.get_data().segments[0].filter(name="v")[0].magnitude[-1]
            v2 = p2.get_data().segments[0].filter(name="v")[0].magnitude[-1]
            print("dv %.6f %.6f %.6f %.6f" % (v1[0] + 65, v1[1] + 65, v2[0] + 65, v2[1] + 65))
            sim.end()
            """;
        var (code, text) = PythonSupport.Run(["-c", script], TimeSpan.FromMinutes(5), PythonSupport.PythonFolder);
        output.WriteLine(text);
        code.Should().Be(0, text);
        var m = Regex.Match(text, @"dv (\S+) (\S+) (\S+) (\S+)");
        m.Success.Should().BeTrue(text);
        double D(int k) => double.Parse(m.Groups[k].Value, CultureInfo.InvariantCulture);
        // g_L = cm/tau_m = 0.05 µS, junction g = 0.005 µS, 0.5 nA into the pre cell: at steady state the pre cell sits at
        // I/(g_L + g·g_L/(g_L + g)) = 9.1667 mV above rest and the post cell at g/(g_L + g) of that, 0.8333 mV.
        D(1).Should().BeApproximately(0.5 / (0.05 + 0.005 * 0.05 / 0.055), 0.01, "the junction drains current from the driven cell");
        D(2).Should().BeApproximately(10.0, 0.01, "the uncoupled driven cell: 0.5 nA / 0.05 µS");
        D(3).Should().BeApproximately(0.005 / 0.055 * D(1), 0.01, "the coupled cell follows through the junction");
        D(4).Should().BeApproximately(0.0, 1e-9, "the uncoupled, undriven cell stays at rest");
    }

    [PyNNFact]
    public void Setup_under_mpirun_with_several_processes_is_refused_with_the_reason()
    {
        const string script = """
            import pynn_meta_hook, pyNN.meta as sim
            try:
                sim.setup()
                print("no error")
            except NotImplementedError as e:
                print("refused:", e)
            """;
        var (code, text) = PythonSupport.Run(["-c", script], TimeSpan.FromMinutes(2), PythonSupport.PythonFolder,
            new Dictionary<string, string> { ["OMPI_COMM_WORLD_SIZE"] = "2" });
        output.WriteLine(text);
        code.Should().Be(0, text);
        text.Should().Contain("refused:").And.Contain("2 processes").And.Contain("--ranks").And.NotContain("no error");
    }
}
