using Meta.Backends.Programs;
using Meta.Conformance.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Kit;

/// <summary>The suite must catch a backend that is wrong: here, one that resets (and clamps) v 2 mV above v_reset.</summary>
public sealed class BrokenBackendIsCaughtTests(ITestOutputHelper output)
{
    [Fact]
    public void A_wrong_reset_fails_the_timing_and_reference_scenarios()
    {
        var cpu = BackendUnderTest.Get("cpu");
        var broken = new BrokenBackend(cpu, "wrong-reset", k => BrokenBackend.WithResetOffset(k, "v", 2));
        var scenarios = ConformanceCatalog.All()
            .Where(s => s.Name is "dynamics/threshold-reset-refractory" || s.Name.StartsWith("reference/IF_curr_exp_step", StringComparison.Ordinal)
                        || s.Name.StartsWith("reference/IF_cond_exp_step", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(5, scenarios.Count);

        var report = ConformanceRunner.Run(broken, cpu, scenarios: scenarios);
        output.WriteLine(report.ToTable());

        Assert.False(report.Success);
        Assert.All(report.Results, r => Assert.Equal(ScenarioStatus.Failed, r.Status));
        // And the real backend passes the same scenarios, so the failures are the defect's.
        Assert.True(ConformanceRunner.Run(cpu, cpu, scenarios: scenarios).Success);
    }

    [Fact]
    public void A_backend_that_drops_the_burst_count_fails_the_device_measures_scenario()
    {
        var cpu = BackendUnderTest.Get("cpu");
        var broken = new BrokenBackend(cpu, "no-burst-count", k => BrokenBackend.Without(k, Phase.Reset,
            s => s is Assign a && a.Name.EndsWith(Lowering.Measures.SpikeMeasureLowering.Bursts, StringComparison.Ordinal)));
        var scenarios = new[] { ConformanceCatalog.Get("sweeps/device-measures-equal-host") };

        var report = ConformanceRunner.Run(broken, cpu, scenarios: scenarios);
        output.WriteLine(report.ToTable());

        Assert.Equal(ScenarioStatus.Failed, Assert.Single(report.Results).Status);
        Assert.True(ConformanceRunner.Run(cpu, cpu, scenarios: scenarios).Success);
    }

    [Fact]
    public void The_report_is_readable_and_machine_readable()
    {
        var cpu = BackendUnderTest.Get("cpu");
        var report = ConformanceRunner.Run(cpu, cpu, scenarios: [SingleCellScenarios.Delays(), SingleCellScenarios.VoltageJump()]);
        var table = report.ToTable();
        Assert.Contains("dynamics/delays", table);
        Assert.Contains("conformance: 2 passed, 0 failed, 0 unsupported", table);
        using var json = System.Text.Json.JsonDocument.Parse(report.ToJson());
        Assert.Equal("cpu", json.RootElement.GetProperty("backend").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("results").GetArrayLength());
    }
}
