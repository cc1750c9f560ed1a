using Meta.Backends.Cpu;

namespace Meta.Tests.Cpu;

public class ThreadingChoiceTests
{
    /// <summary>Runs <paramref name="steps"/> steps that take <paramref name="single"/> alone and <paramref name="parallel"/> on the workers.</summary>
    private static void Run(ThreadingChoice choice, int steps, long single, long parallel)
    {
        for (int k = 0; k < steps; k++) choice.Record(choice.Parallel ? parallel : single);
    }

    private const int Measurement = 2 * ThreadingChoice.BlocksEachWay * ThreadingChoice.BlockSteps;

    [Fact]
    public void Workers_that_make_steps_slower_are_dropped()
    {
        var choice = new ThreadingChoice();
        Run(choice, Measurement, single: 100, parallel: 200);
        choice.Parallel.Should().BeFalse();
        Run(choice, 10_000, single: 100, parallel: 200);
        // Only the measurements ran on the workers: at most one block each way every StepsBetweenMeasurements steps.
        choice.Steps.Parallel.Should().BeLessThan(10_000 / 20);
    }

    [Fact]
    public void Workers_that_make_steps_faster_are_kept()
    {
        var choice = new ThreadingChoice();
        Run(choice, Measurement, single: 100, parallel: 60);
        choice.Parallel.Should().BeTrue();
        Run(choice, 10_000, single: 100, parallel: 60);
        choice.Steps.Parallel.Should().BeGreaterThan(9_000);
    }

    [Fact]
    public void A_gain_under_the_margin_is_not_worth_a_second_thread()
    {
        var choice = new ThreadingChoice();
        Run(choice, Measurement, single: 100, parallel: 95);
        choice.Parallel.Should().BeFalse();
    }

    [Fact]
    public void Workers_that_slow_down_under_load_are_measured_again_and_dropped()
    {
        var choice = new ThreadingChoice();
        Run(choice, Measurement, single: 100, parallel: 60);
        choice.Parallel.Should().BeTrue();
        // The machine gets busy: a parallel step now takes 3 times as long, far sooner than the next planned measurement.
        Run(choice, 2 * ThreadingChoice.BlockSteps + Measurement, single: 100, parallel: 180);
        choice.Parallel.Should().BeFalse();
    }
}
