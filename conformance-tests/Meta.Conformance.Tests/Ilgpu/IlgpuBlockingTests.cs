using Xunit;
using Xunit.Abstractions;

namespace Meta.Conformance.Tests.Ilgpu;

/// <summary>Tests that change process-wide settings of the ILGPU backend run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IlgpuSettingsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "ILGPU process settings";
}

/// <summary>
/// Recordings stay on the device and come back in blocks, sized by device-memory budgets (a whole short run is one
/// block). <c>META_ILGPU_MAX_BLOCK_STEPS</c> caps the block length, so small blocks, block boundaries inside runs and
/// at sampling intervals that do not divide them are exercised here: the data must not depend on them.
/// </summary>
[Collection(IlgpuSettingsCollection.Name)]
public sealed class IlgpuBlockingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("1")]
    [InlineData("7")]
    public void Data_do_not_depend_on_the_block_length(string blockSteps)
    {
        var previous = Environment.GetEnvironmentVariable("META_ILGPU_MAX_BLOCK_STEPS");
        Environment.SetEnvironmentVariable("META_ILGPU_MAX_BLOCK_STEPS", blockSteps);
        try
        {
            var tests = new IlgpuCrossBackendTests(output);
            tests.Recording_shapes_intervals_and_views_match_the_CPU_backend();
            tests.Reset_runs_and_updates_between_runs_match_the_CPU_backend();
        }
        finally
        {
            Environment.SetEnvironmentVariable("META_ILGPU_MAX_BLOCK_STEPS", previous);
        }
    }
}
