using Meta.Projections;
using Meta.Projections.Connectors;

namespace Meta.Conformance.Scenarios;

/// <summary>Bad input is refused the same way on every backend, before anything runs, and loses no data already recorded.</summary>
public static class ErrorScenarios
{
    /// <summary>All of them.</summary>
    public static IEnumerable<Scenario> All() => [BadInput(), Divergence()];

    private static (bool, string) Expect<T>(Action action, string what) where T : Exception
    {
        try
        {
            action();
            return (false, $"{what}: no error");
        }
        catch (T)
        {
            return (true, "");
        }
        catch (Exception e)
        {
            return (false, $"{what}: {e.GetType().Name} instead of {typeof(T).Name}");
        }
    }

    /// <summary>Unknown parameter, invalid value, wrong weight sign, non-recordable variable, delay out of range, unsupported precision.</summary>
    public static Scenario BadInput() => new CheckScenario(
        "errors/bad-input",
        "each bad input raises its PyNN-style error; the data recorded before the error stay readable",
        ["IF_curr_exp", "IF_cond_exp"],
        ctx =>
        {
            using var sim = new Simulation(ctx.Backend, ctx.Options(0.1, 0.1, 2.0));
            var cells = sim.CreatePopulation(2, new CellType("IF_curr_exp").With("i_offset", 1.0));
            var cond = sim.CreatePopulation(2, new CellType("IF_cond_exp"));
            cells.Record("v");
            var checks = new[]
            {
                Expect<NonExistentParameterException>(() => cells.Set("tau_mm", 1.0), "unknown parameter"),
                Expect<InvalidParameterValueException>(() => sim.CreatePopulation(1, new CellType("SpikeSourceArray").WithSequence("spike_times", new[] { 3.0, 1.0 })), "unsorted spike times"),
                Expect<ConnectionException>(() => _ = new Projection(cells, cond, new AllToAllConnector(), new StaticSynapse(-0.1, 1.0), "excitatory"), "negative conductance weight"),
                Expect<ConnectionException>(() => _ = new Projection(cells, cells, new AllToAllConnector(), new StaticSynapse(0.1, 1.0), "inhibitory"), "positive weight onto a current-based inhibitory receptor"),
                Expect<ConnectionException>(() => _ = new Projection(cells, cells, new AllToAllConnector(), new StaticSynapse(0.1, 5.0)), "delay above max_delay"),
                Expect<ConnectionException>(() => _ = new Projection(cells, cells, new AllToAllConnector(), new StaticSynapse(0.1, 1.0), "gaba_b"), "unknown receptor"),
                Expect<RecordingException>(() => cells.Record("gsyn_exc"), "non-recordable variable"),
                Expect<InvalidParameterValueException>(() => cells.Set("tau_m", -10.0), "negative membrane time constant"),
            }.ToList();
            sim.Run(5);
            checks.Add(Expect<InvalidParameterValueException>(() => sim.RunUntil(1.0), "run_until into the past"));
            var v = cells.GetData().Segments[0].Signal("v");
            checks.Add((v.SampleCount == 51 && v[50, 0] > v[0, 0], "recorded data were lost or wrong after the errors"));
            return ($"{checks.Count(c => c.Item1)} of {checks.Count} checks", checks.ToArray());
        });

    /// <summary>A cell driven to a numerical runaway stops the run with the cell named, recorded or not; earlier data stay.</summary>
    public static Scenario Divergence() => new CheckScenario(
        "errors/divergence",
        "an HH cell under 10⁶ nA runs away: the run stops with SimulationDivergedException naming the cell (found in the recorded v, " +
        "and, unrecorded, in the backend's end-of-run state scan); the sound cells' data recorded before stay",
        ["HH_cond_exp"],
        ctx =>
        {
            var checks = new List<(bool, string)>();
            foreach (bool recorded in new[] { true, false })
            {
                using var sim = new Simulation(ctx.Backend, ctx.Options(0.1, 0.1, 2.0));
                var quiet = sim.CreatePopulation(2, new CellType("HH_cond_exp").With("i_offset", 0.5), "quiet");
                var wild = sim.CreatePopulation(3, new CellType("HH_cond_exp").With("i_offset", new[] { 0.0, 0.0, 0.0 }), "wild");
                quiet.Record("v");
                if (recorded) wild.Record("v");
                sim.Run(5);
                wild[1].Set("i_offset", 1e6);
                string what = recorded ? "recorded" : "unrecorded";
                try
                {
                    sim.Run(20);
                    checks.Add((false, $"{what}: the run did not stop"));
                }
                catch (SimulationDivergedException e)
                {
                    checks.Add((e.Population == "wild" && e.Cell == 1 && e.Variable == "v", $"{what}: named {e.Population} cell {e.Cell} '{e.Variable}'"));
                    checks.Add((recorded ? e.TimeMs > 5 && e.TimeMs < 25 : Math.Abs(e.TimeMs - 25) < 1e-9, $"{what}: time {e.TimeMs} ms"));
                }
                var v = quiet.GetData().Segments[0].Signal("v");
                checks.Add((v.SampleCount == 251 && Enumerable.Range(0, v.SampleCount).All(i => double.IsFinite(v[i, 0])), $"{what}: the sound cells' data were lost ({v.SampleCount} samples)"));
            }
            return ($"{checks.Count(c => c.Item1)} of {checks.Count} checks", checks.ToArray());
        });
}
