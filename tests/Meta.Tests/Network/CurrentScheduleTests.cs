using Meta.Network;

namespace Meta.Tests.Network;

public class CurrentScheduleTests
{
    private static CurrentSourceSpec Source(int index, long[] steps, double[] amplitudes) => new()
    {
        Index = index, Kind = "StepCurrentSource", Population = 0, Cells = [0], ChangeSteps = steps, Amplitudes = amplitudes,
    };

    [Fact]
    public void Advance_reports_each_change_once_with_its_delta()
    {
        var schedule = new CurrentSchedule([Source(0, [10, 20], [0.5, 0.0]), Source(1, [0, 20], [1.0, 3.0])]);
        schedule.Amplitude(0).Should().Be(0);
        schedule.Amplitude(1).Should().Be(1.0, "a change at step 0 is in force from the start");
        var changes = new List<(long Step, int Source, double Delta)>();
        for (long k = 1; k < 30; k++)
            foreach (var (source, delta) in schedule.Advance(k)) changes.Add((k, source, delta));
        changes.Should().Equal((10, 0, 0.5), (20, 0, -0.5), (20, 1, 2.0));
        schedule.Amplitude(1).Should().Be(3.0);
    }

    [Fact]
    public void Seek_sets_the_amplitudes_of_any_step()
    {
        var schedule = new CurrentSchedule([Source(0, [10, 20], [0.5, 0.0])]);
        schedule.Seek(15);
        schedule.Amplitude(0).Should().Be(0.5);
        schedule.Advance(16).Length.Should().Be(0);
        schedule.Advance(20).ToArray().Should().Equal((0, -0.5));
        schedule.Seek(9);
        schedule.Amplitude(0).Should().Be(0);
    }
}
