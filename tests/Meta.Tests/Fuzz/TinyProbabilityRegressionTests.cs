using Meta.Backends.Cpu;
using Meta.Cli.Networks;

namespace Meta.Tests.Fuzz;

/// <summary>
/// What the network fuzzer found in FixedProbabilityConnector: a p_connect so small that 1 − p rounds to 1 (5e-324) made
/// the gaps between connections −∞, whose cast to long gave negative cell indices and an IndexOutOfRangeException when the
/// simulation was loaded.
/// </summary>
public class TinyProbabilityRegressionTests
{
    [Theory]
    [InlineData("5e-324")]
    [InlineData("1e-17")]
    public void A_tiny_connection_probability_builds_and_runs_with_no_connections(string p)
    {
        string json = $$$"""
        {
          "populations": [
            {"label": "src", "size": 50, "cell_type": "SpikeSourcePoisson", "parameters": {"rate": 20.0}},
            {"label": "cells", "size": 4, "cell_type": "IF_cond_exp"}
          ],
          "projections": [{"pre": "src", "post": "cells", "connector": {"type": "FixedProbabilityConnector", "p_connect": {{{p}}}},
                           "synapse": {"weight": 0.01, "delay": 1.0}}]
        }
        """;
        using var built = NetworkBuilder.Build(NetworkParser.Parse(json, "tiny-p"), new CpuBackend());
        built.ConnectionCount.Should().Be(0, "50 × 4 pairs at p ≤ 1e-17 make a connection with probability ≤ 2e-15");
        built.Simulation.Run(1.0).Should().BeApproximately(1.0, 1e-9);
    }

    [Fact]
    public void An_ordinary_probability_still_connects_about_p_of_the_pairs()
    {
        string json = """
        {
          "simulation": {"seed": 3},
          "populations": [
            {"label": "src", "size": 200, "cell_type": "SpikeSourcePoisson", "parameters": {"rate": 20.0}},
            {"label": "cells", "size": 50, "cell_type": "IF_cond_exp"}
          ],
          "projections": [{"pre": "src", "post": "cells", "connector": {"type": "FixedProbabilityConnector", "p_connect": 0.1},
                           "synapse": {"weight": 0.01, "delay": 1.0}}]
        }
        """;
        using var built = NetworkBuilder.Build(NetworkParser.Parse(json, "p"), new CpuBackend());
        // 10 000 pairs at p = 0.1: mean 1000, standard deviation 30.
        built.ConnectionCount.Should().BeInRange(850, 1150);
    }
}
