using Meta.Backends.Cpu;
using Meta.Cli.Networks;

namespace Meta.Tests.Fuzz;

/// <summary>
/// What the network fuzzer found: sizes, connection counts and delays that crashed the build or the first step
/// (IndexOutOfRangeException from an overflowing delay in steps, OutOfMemoryException from a huge size or n) now end in a
/// <see cref="NetworkFormatException"/> naming the JSON path and what to change.
/// </summary>
public class BuildLimitsRegressionTests
{
    private static string Network(string simulation, string postSize, string connector, string synapse) =>
        $$$"""
        {
          "simulation": {{{simulation}}},
          "populations": [
            {"label": "src", "size": 2, "cell_type": "SpikeSourceArray", "parameters": {"spike_times": [1.0]}},
            {"label": "cells", "size": {{{postSize}}}, "cell_type": "IF_curr_exp"}
          ],
          "projections": [{"pre": "src", "post": "cells", "connector": {{{connector}}}, "synapse": {{{synapse}}}}]
        }
        """;

    private const string AllToAll = """{"type": "AllToAllConnector"}""";

    /// <summary>Builds and runs a few steps; the error, if any.</summary>
    private static NetworkFormatException BuildError(string json)
    {
        var act = () =>
        {
            using var built = NetworkBuilder.Build(NetworkParser.Parse(json, "regression"), new CpuBackend());
            built.Simulation.Run(built.Simulation.Timestep * 3);
        };
        return act.Should().Throw<NetworkFormatException>().Which;
    }

    [Fact]
    public void A_delay_of_more_steps_than_an_int_holds_is_refused_at_the_delay_not_an_index_error_in_the_run()
    {
        // Was: IndexOutOfRangeException in the CPU kernel's ring (delay/dt cast to int overflowed), no max_delay set.
        var e = BuildError(Network("""{"timestep": 0.1}""", "3", AllToAll, """{"weight": 1.0, "delay": 1e308}"""));
        e.JsonPath.Should().Be("projections[0].synapse.delay");
        e.Message.Should().Contain("2,147,483,646").And.Contain("max_delay");
    }

    [Fact]
    public void A_tiny_timestep_that_makes_an_ordinary_delay_too_many_steps_is_refused()
    {
        // Was: IndexOutOfRangeException (1 ms is 1e300 steps of 1e-300 ms).
        var e = BuildError(Network("""{"timestep": 1e-300}""", "3", AllToAll, """{"weight": 1.0, "delay": 1.0}"""));
        e.JsonPath.Should().Be("projections[0].synapse.delay");
        e.Message.Should().Contain("1E-300 ms").And.Contain("timestep");
    }

    [Fact]
    public void A_huge_delay_from_a_distribution_or_conn_list_is_refused_too()
    {
        var fromDistribution = BuildError(Network("""{"timestep": 0.1}""", "3", AllToAll,
            """{"weight": 1.0, "delay": {"distribution": "uniform", "low": 1e300, "high": 1e308}}"""));
        fromDistribution.JsonPath.Should().Be("projections[0].synapse.delay");

        var fromList = BuildError(Network("""{"timestep": 0.1}""", "3",
            """{"type": "FromListConnector", "conn_list": [[0, 0, 1.0, 1e308]]}""", """{"weight": 1.0}"""));
        fromList.JsonPath.Should().Be("projections[0].connector.conn_list");
    }

    [Fact]
    public void A_delay_whose_spike_ring_cannot_fit_in_memory_is_refused()
    {
        // 2e8 ms is 2e9 steps of 0.1 ms (an int holds it); a ring of 2e9 slots for 1000 cells is 16 TB.
        var e = BuildError(Network("""{"timestep": 0.1}""", "1000", AllToAll, """{"weight": 1.0, "delay": 2e8}"""));
        e.JsonPath.Should().Be("projections[0].synapse.delay");
        e.Message.Should().Contain("2,000,000,000 time steps").And.Contain("of memory");
    }

    [Fact]
    public void A_connector_making_more_connections_than_a_projection_holds_is_refused_before_allocating()
    {
        // Was: OutOfMemoryException "Array dimensions exceeded supported range" from FixedNumberPreConnector.
        var e = BuildError(Network("""{"timestep": 0.1}""", "3", """{"type": "FixedNumberPreConnector", "n": 2147483647}""",
            """{"weight": 1.0, "delay": 1.0}"""));
        e.JsonPath.Should().Be("projections[0].connector");
        e.Message.Should().Contain("6,442,450,941 connections").And.Contain("at most 2,147,483,647");
    }

    [Fact]
    public void A_population_larger_than_an_array_holds_is_refused_at_its_size()
    {
        // Was: OutOfMemoryException "Array dimensions exceeded supported range" from the population's per-cell arrays.
        var e = BuildError(Network("""{"timestep": 0.1}""", "2147483647", AllToAll, """{"weight": 1.0, "delay": 1.0}"""));
        e.JsonPath.Should().Be("populations[1].size");
        e.Message.Should().Contain("at most 2,147,483,591 cells");
    }

    [Fact]
    public void A_population_that_cannot_fit_in_memory_is_refused_at_its_size()
    {
        // Was: OutOfMemoryException after half a minute of allocating; 2e9 IF_curr_exp cells need well over 100 GB.
        var e = BuildError(Network("""{"timestep": 0.1}""", "2000000000", AllToAll, """{"weight": 1.0, "delay": 1.0}"""));
        e.JsonPath.Should().Be("populations[1].size");
        e.Message.Should().Contain("IF_curr_exp cells needs at least").And.Contain("GB is available");
    }
}
