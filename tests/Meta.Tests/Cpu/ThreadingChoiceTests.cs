using Meta.Backends.Cpu;

namespace Meta.Tests.Cpu;

public class ThreadingChoiceTests
{
    /// <summary>Runs <paramref name="steps"/> steps that take <paramref name="single"/> alone and <paramref name="parallel"/> on the workers.</summary>
    private static void Run(ThreadingChoice choice, int steps, long single, long parallel) => Run(choice, steps, (_, p) => p ? parallel : single);

    /// <summary>Runs <paramref name="steps"/> steps whose time <paramref name="time"/>(step, parallel) gives.</summary>
    private static void Run(ThreadingChoice choice, int steps, Func<int, bool, long> time)
    {
        for (int k = 0; k < steps; k++) choice.Record(time(k, choice.Parallel));
    }

    private const int Measurement = 2 * ThreadingChoice.BlocksEachWay * ThreadingChoice.BlockSteps;

    [Fact]
    public void A_measurement_alternates_blocks_alone_and_on_the_workers()
    {
        var choice = new ThreadingChoice();
        var modes = new List<bool>();
        Run(choice, Measurement, (_, p) => { modes.Add(p); return p ? 60 : 100; });
        for (int k = 0; k < Measurement; k++) modes[k].Should().Be(k / ThreadingChoice.BlockSteps % 2 == 1, $"step {k}");
        choice.Steps.Should().Be((Measurement / 2, Measurement / 2));
    }

    [Fact]
    public void Workers_that_make_steps_slower_are_dropped()
    {
        var choice = new ThreadingChoice();
        Run(choice, Measurement, single: 100, parallel: 200);
        choice.Parallel.Should().BeFalse();
        Run(choice, 10_000, single: 100, parallel: 200);
        // Only the measurements ran on the workers: half of each, at 1 024, 2 048, 4 096 and then 8 192 steps apart.
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
        choice.Counts.Fallbacks.Should().Be(0);
    }

    [Fact]
    public void A_gain_under_the_margin_is_not_worth_a_second_thread()
    {
        var choice = new ThreadingChoice();
        Run(choice, Measurement, single: 100, parallel: 97);
        choice.Parallel.Should().BeFalse();
    }

    [Fact]
    public void One_slow_block_does_not_decide()
    {
        // A single-thread block paying for JIT or a collection (4× slower) made the old sum-of-blocks choice commit to
        // workers that are 10 % slower; the median of the block ratios does not.
        var choice = new ThreadingChoice();
        Run(choice, Measurement, (k, p) => p ? 110 : k < ThreadingChoice.BlockSteps ? 400 : 100);
        choice.Parallel.Should().BeFalse();
        // Nor does one slow block on the workers hide their gain.
        choice = new ThreadingChoice();
        Run(choice, Measurement, (k, p) => !p ? 100 : k / ThreadingChoice.BlockSteps == 3 ? 1000 : 60);
        choice.Parallel.Should().BeTrue();
    }

    /// <summary>Steps on the workers until a watch trips (its third window) and the fresh measurement that follows.</summary>
    private const int TripAndMeasure = 1 + 3 * ThreadingChoice.BlockSteps + Measurement;

    [Fact]
    public void Workers_that_lose_while_they_run_are_measured_afresh_fall_back_and_are_tried_again_later()
    {
        var decisions = new List<ThreadingDecision>();
        var choice = new ThreadingChoice { Decided = decisions.Add };
        Run(choice, Measurement, single: 100, parallel: 80);
        choice.Parallel.Should().BeTrue();
        // The workers' steps now take 106: faster than 1.5× their measurement, but slower than one thread was measured.
        // That starts a fresh side-by-side measurement, which finds them slower too: one thread.
        Run(choice, TripAndMeasure, single: 100, parallel: 106);
        choice.Parallel.Should().BeFalse();
        choice.Counts.Should().Be((2, 1));
        decisions.Select(d => d.Reason).Should().Equal("start", "fallback");
        decisions[1].Parallel.Should().BeFalse();
        decisions[1].Ratio.Should().BeApproximately(1.06, 1e-9);
        decisions[1].NextMeasurementIn.Should().Be(ThreadingChoice.StepsBetweenMeasurements);
        // Alone until the next planned measurement, which tries the workers again and keeps them where they win again.
        Run(choice, ThreadingChoice.StepsBetweenMeasurements - 1, single: 100, parallel: 106);
        choice.Steps.Parallel.Should().Be(Measurement + 1 + 3 * ThreadingChoice.BlockSteps);
        Run(choice, 1 + Measurement, single: 100, parallel: 80);
        decisions.Select(d => d.Reason).Should().Equal("start", "fallback", "planned");
        decisions[2].Parallel.Should().BeTrue();
        decisions[2].MeasuredFrom.Should().BeLessThan(decisions[2].Step);
    }

    [Fact]
    public void Workers_are_kept_while_the_step_time_drifts_up()
    {
        // The network's activity rises: every step takes longer, on the workers as alone, and the workers stay 20 % faster.
        // Comparing the workers' steps with a single-thread time from an earlier moment made them "lose"; a fresh
        // side-by-side measurement keeps them.
        var decisions = new List<ThreadingDecision>();
        var choice = new ThreadingChoice { Decided = decisions.Add };
        const int steps = 20_000;
        Run(choice, steps, (k, p) => (long)Math.Round((p ? 80 : 100) * (1 + k / 2000.0)));
        choice.Counts.Fallbacks.Should().Be(0);
        decisions.Should().OnlyContain(d => d.Parallel);
        decisions.Count(d => d.Reason == "fallback").Should().BeGreaterThan(0, "the drift trips the watch, and the fresh measurement keeps the workers");
        // Only the measurements' single-thread halves ran alone (the last one may be under way).
        choice.Steps.Single.Should().BeLessThanOrEqualTo((decisions.Count + 1) * Measurement / 2);
        choice.Steps.Parallel.Should().BeGreaterThan(steps * 3 / 4);
    }

    [Fact]
    public void A_gain_measured_while_the_workers_did_not_run_is_not_kept()
    {
        // On a busy machine the single blocks were descheduled (slow) while the calling thread ran every chunk of the
        // parallel blocks itself: the ratio says "faster", but the workers did nothing.
        var choice = new ThreadingChoice();
        for (int k = 0; k < Measurement; k++) choice.Record(choice.Parallel ? 60 : 100, helped: false);
        choice.Parallel.Should().BeFalse();
        // And workers that stop taking part while they run are dropped.
        choice = new ThreadingChoice();
        Run(choice, Measurement, single: 100, parallel: 60);
        choice.Parallel.Should().BeTrue();
        for (int k = 0; k < TripAndMeasure; k++) choice.Record(choice.Parallel ? 60 : 100, helped: k % 4 == 0);
        choice.Parallel.Should().BeFalse();
        choice.Counts.Fallbacks.Should().Be(1);
    }

    [Fact]
    public void A_busy_machine_is_not_measured_and_looked_at_again_ever_later()
    {
        var decisions = new List<ThreadingDecision>();
        bool busy = true;
        var choice = new ThreadingChoice { Decided = decisions.Add, Busy = () => busy };
        Run(choice, 20_000, single: 100, parallel: 60);
        choice.Steps.Parallel.Should().Be(0);
        decisions.Select(d => d.Reason).Should().OnlyContain(r => r == "busy");
        decisions.Select(d => d.NextMeasurementIn).Should().StartWith(new[] { 1024, 2048, 4096, 8192 });
        // Once the other work is gone, the next look measures and takes the workers.
        busy = false;
        Run(choice, 8192 + Measurement, single: 100, parallel: 60);
        decisions[^1].Reason.Should().Be("planned");
        choice.Parallel.Should().BeTrue();
    }

    [Fact]
    public void Until_the_load_can_be_judged_the_steps_run_alone_and_nothing_is_measured()
    {
        var decisions = new List<ThreadingDecision>();
        bool? busy = null;
        int asked = 0;
        var choice = new ThreadingChoice { Decided = decisions.Add, Busy = () => { asked++; return busy; } };
        // The window is too short at the run's start: one thread, asked again every step, no measurement paid for.
        Run(choice, 500, single: 100, parallel: 60);
        choice.Steps.Parallel.Should().Be(0);
        asked.Should().Be(500);
        decisions.Should().BeEmpty();
        // Judged busy (another process holds a core): still one thread, no measurement, next look much later.
        busy = true;
        Run(choice, 1, single: 100, parallel: 60);
        decisions.Should().ContainSingle().Which.Reason.Should().Be("busy");
        decisions[0].Step.Should().Be(501);
        Run(choice, ThreadingChoice.StepsBetweenMeasurements - 1, single: 100, parallel: 60);
        choice.Steps.Parallel.Should().Be(0);
        asked.Should().Be(501);
    }

    [Fact]
    public void A_quiet_machine_is_measured_once_the_load_is_judged_and_keeps_the_workers()
    {
        var decisions = new List<ThreadingDecision>();
        int asked = 0;
        var choice = new ThreadingChoice { Decided = decisions.Add, Busy = () => ++asked <= 100 ? null : false };
        Run(choice, 100, single: 100, parallel: 60);
        choice.Steps.Parallel.Should().Be(0);
        // From the first step judged quiet, the measurement runs as at the start (blocks alone and on the workers).
        var modes = new List<bool>();
        for (int k = 0; k < Measurement; k++)
        {
            modes.Add(choice.Parallel);
            choice.Record(choice.Parallel ? 60 : 100);
        }
        for (int k = 1; k < Measurement; k++) modes[k].Should().Be(k / ThreadingChoice.BlockSteps % 2 == 1, $"step {k}");
        choice.Parallel.Should().BeTrue();
        decisions.Should().ContainSingle().Which.Reason.Should().Be("start");
        decisions[0].MeasuredFrom.Should().Be(100, "the measurement began with the first step judged quiet");
        asked.Should().Be(101);
    }

    /// <summary>A quiet machine of two cores at 100 kernel ticks a second whose only work is this process, on a clock the steps move on.</summary>
    private sealed class QuietMachine
    {
        private double _clock = 100, _own = 10;

        public MachineLoad Load() => new(
            () => new MachineLoad.CpuReading(Busy: (long)Math.Floor(_own * 100), Total: (long)Math.Floor(_clock * 200), Cores: 2, OwnSeconds: _own, WallSeconds: _clock),
            () => _clock);

        /// <summary>Runs steps of <paramref name="single"/> µs alone and <paramref name="parallel"/> µs on the workers (two threads' CPU time) until <paramref name="done"/>.</summary>
        public void RunUntil(ThreadingChoice choice, Func<bool> done, long single, long parallel)
        {
            for (int k = 0; k < 100_000 && !done(); k++)
            {
                bool p = choice.Parallel;
                double seconds = (p ? parallel : single) * 1e-6;
                _clock += seconds;
                _own += p ? 2 * seconds : seconds;
                choice.Record(p ? parallel : single);
            }
            done().Should().BeTrue();
        }
    }

    /// <summary>A quiet machine's first verdict, after 0.25 s alone, and the measurement that keeps the workers.</summary>
    private static (ThreadingChoice Choice, List<ThreadingDecision> Decisions, QuietMachine Machine) KeptAfterTheFirstVerdict()
    {
        var decisions = new List<ThreadingDecision>();
        var machine = new QuietMachine();
        var choice = new ThreadingChoice { Decided = decisions.Add, Busy = machine.Load().Busy };
        machine.RunUntil(choice, () => decisions.Count == 1, single: 100, parallel: 60);
        decisions[0].Reason.Should().Be("start");
        decisions[0].Parallel.Should().BeTrue();
        decisions[0].MeasuredFrom.Should().BeGreaterThanOrEqualTo((long)(MachineLoad.MinWindowSeconds / 100e-6) - 1, "the first measurement waits for the first verdict");
        return (choice, decisions, machine);
    }

    [Fact]
    public void A_planned_measurement_after_the_first_verdict_starts_at_once()
    {
        var (choice, decisions, machine) = KeptAfterTheFirstVerdict();
        long single = choice.Steps.Single;
        // 1 024 steps on the workers (0.06 s, a window too short to judge) and the planned measurement: no wait alone.
        machine.RunUntil(choice, () => decisions.Count == 2, single: 100, parallel: 60);
        decisions[1].Reason.Should().Be("planned");
        decisions[1].MeasuredFrom.Should().Be(decisions[0].Step + ThreadingChoice.StepsBetweenMeasurements);
        decisions[1].Step.Should().Be(decisions[1].MeasuredFrom + Measurement);
        choice.Steps.Single.Should().Be(single + Measurement / 2, "only the measurement's blocks ran alone");
        decisions[1].Parallel.Should().BeTrue();
    }

    [Fact]
    public void A_fallback_measurement_after_the_first_verdict_starts_at_once()
    {
        var (choice, decisions, machine) = KeptAfterTheFirstVerdict();
        // The workers' steps now take 106 µs, slower than one thread: the watch trips at its third window and the fresh
        // measurement starts at once (no wait alone for a window long enough to judge), and falls back.
        machine.RunUntil(choice, () => decisions.Count == 2, single: 100, parallel: 106);
        decisions[1].Reason.Should().Be("fallback");
        decisions[1].MeasuredFrom.Should().Be(decisions[0].Step + 1 + 3 * ThreadingChoice.BlockSteps);
        decisions[1].Step.Should().Be(decisions[1].MeasuredFrom + Measurement);
        decisions[1].Parallel.Should().BeFalse();
    }

    [Fact]
    public void Workers_that_slow_down_under_load_are_measured_again_and_dropped()
    {
        var choice = new ThreadingChoice();
        Run(choice, Measurement, single: 100, parallel: 60);
        choice.Parallel.Should().BeTrue();
        // The machine gets busy: a parallel step now takes 3 times as long, far sooner than the next planned measurement.
        Run(choice, TripAndMeasure, single: 100, parallel: 180);
        choice.Parallel.Should().BeFalse();
    }

    [Fact]
    public void Fall_backs_in_a_row_try_the_workers_again_ever_later()
    {
        // The workers measure faster at each planned measurement, but once chosen they lose, and lose side by side too.
        var decisions = new List<ThreadingDecision>();
        bool slow = false;
        var choice = new ThreadingChoice { Decided = d => { decisions.Add(d); slow = d.Parallel; } };
        Run(choice, 40_000, (_, p) => !p ? 100 : slow ? 200 : 60);
        var fallbacks = decisions.Where(d => d.Reason == "fallback").ToList();
        fallbacks.Should().OnlyContain(d => !d.Parallel);
        fallbacks.Select(d => d.NextMeasurementIn).Should().StartWith(new[] { 1024, 2048, 4096, 8192, 8192 });
        choice.Counts.Fallbacks.Should().Be(fallbacks.Count);
        // Few steps on the workers in all: per fall-back, the planned measurement's half, 49 steps watched and the fresh measurement's half.
        choice.Steps.Parallel.Should().BeLessThanOrEqualTo((fallbacks.Count + 1) * (Measurement + 1 + 3 * ThreadingChoice.BlockSteps));
    }

    [Fact]
    public void Workers_that_win_only_in_short_bursts_do_not_make_the_run_slower()
    {
        // The workers are fast for their first BlockSteps steps in a row, then slower than one thread: every measurement
        // keeps them, every watch trips. A second trip at the first look after a fresh measurement falls back to one
        // thread (doubling the stretch alone), so the run as a whole is no more than the tries' price slower.
        var choice = new ThreadingChoice();
        int parallelRun = 0;
        long total = 0;
        const int steps = 40_000;
        Run(choice, steps, (_, p) =>
        {
            long t = !p ? (parallelRun = 0) + 100 : ++parallelRun <= ThreadingChoice.BlockSteps ? 60 : 200;
            total += t;
            return t;
        });
        // Each try pays before the watch can see the loss: 49 steps at 2× after the measurement that keeps the workers,
        // and again after the fresh one (the change's cost, 0.37 % here; the old one-trip fall-back paid 0.2 %).
        total.Should().BeLessThanOrEqualTo(101L * steps);
        choice.Counts.Fallbacks.Should().BeGreaterThan(0);
        choice.Steps.Parallel.Should().BeLessThan(steps / 4);
    }

    [Fact]
    public void A_single_thread_that_slows_down_waits_for_the_planned_measurement()
    {
        var decisions = new List<ThreadingDecision>();
        var choice = new ThreadingChoice { Decided = decisions.Add };
        Run(choice, Measurement, single: 100, parallel: 120);
        choice.Parallel.Should().BeFalse();
        // Single-thread steps now take twice as long: measured again only after StepsBetweenMeasurements.
        Run(choice, ThreadingChoice.StepsBetweenMeasurements, single: 200, parallel: 120);
        decisions.Select(d => d.Reason).Should().Equal("start");
        Run(choice, Measurement, single: 200, parallel: 120);
        decisions.Select(d => d.Reason).Should().Equal("start", "planned");
        choice.Parallel.Should().BeTrue();
    }
}
