using Meta.Backends.Cpu;
using Reading = Meta.Backends.Cpu.MachineLoad.CpuReading;

namespace Meta.Tests.Cpu;

public class MachineLoadTests
{
    // Two cores, 100 kernel ticks per second each; the process had used 10 s of CPU at wall time 100 s.
    private static readonly Reading Before = new(Busy: 1_000, Total: 2_000, Cores: 2, OwnSeconds: 10, WallSeconds: 100);

    [Fact]
    public void A_quiet_two_core_machine_just_after_a_two_thread_run_is_not_busy()
    {
        // The last run kept both cores busy a moment ago (the one-minute load average still says ~2, which the old rule
        // took for other work). Over the window since the last look this process ran one thread (0.5 s of its CPU in
        // 0.5 s) and the host's busy ticks are that and a little noise.
        var after = Before with { Busy = 1_000 + 52, Total = 2_000 + 100, OwnSeconds = 10.5, WallSeconds = 100.5 };
        MachineLoad.OtherCores(Before, after).Should().BeApproximately(0.04, 1e-9);
        MachineLoad.Busy(Before, after).Should().BeFalse();
        // Both threads of this process busy in the window: all of the host's work is its own.
        var both = Before with { Busy = 1_000 + 100, Total = 2_000 + 100, OwnSeconds = 11.0, WallSeconds = 100.5 };
        MachineLoad.Busy(Before, both).Should().BeFalse();
    }

    [Fact]
    public void Another_process_filling_a_core_makes_it_busy()
    {
        // This process's one thread (0.5 s) and another process's 0.48 s fill 98 of the 100 ticks.
        var after = Before with { Busy = 1_000 + 98, Total = 2_000 + 100, OwnSeconds = 10.5, WallSeconds = 100.5 };
        MachineLoad.OtherCores(Before, after).Should().BeApproximately(0.96, 1e-9);
        MachineLoad.Busy(Before, after).Should().BeTrue();
        // Half a core of other work leaves room for a worker.
        var half = after with { Busy = 1_000 + 75 };
        MachineLoad.Busy(Before, half).Should().BeFalse();
    }

    [Fact]
    public void A_window_too_short_to_tell_is_not_busy()
    {
        var after = Before with { Busy = 1_000 + 10, Total = 2_000 + 10, OwnSeconds = 10, WallSeconds = 100.05 };
        MachineLoad.OtherCores(Before, after).Should().BeNull();
        MachineLoad.Busy(Before, after).Should().BeFalse();
    }

    [Fact]
    public void Proc_stat_lines_and_cpu_lists_are_parsed()
    {
        MachineLoad.Ticks(" 3226469 0 833406 673403 920 0 5537 0 0 0").Should().Be((3226469L + 833406 + 5537, 3226469L + 833406 + 673403 + 920 + 5537));
        MachineLoad.Ticks(" 1 2 x 4").Should().BeNull();
        MachineLoad.ParseCpuList("0-3,8,10-11\n")!.Should().BeEquivalentTo(new[] { 0, 1, 2, 3, 8, 10, 11 });
        MachineLoad.ParseCpuList("a-b").Should().BeNull();
    }

    [Fact]
    public void The_reading_counts_the_cores_this_process_may_use()
    {
        if (!File.Exists("/proc/stat")) return;
        var reading = MachineLoad.Read();
        reading.Should().NotBeNull();
        reading!.Value.Cores.Should().Be(Environment.ProcessorCount);
        reading.Value.Busy.Should().BeLessThanOrEqualTo(reading.Value.Total);
    }

    /// <summary>A machine with two cores whose readings come from <see cref="Next"/>, with a clock in seconds; counts the reads and keeps the windows logged.</summary>
    private sealed class FakeMachine
    {
        public double Clock = 100;
        public Reading? Next = Before;
        public int Reads;

        public readonly List<MachineLoad.LoadWindow> Judged = [];

        /// <summary>A <see cref="MachineLoad"/> on this machine that logs its windows to <see cref="Judged"/>.</summary>
        public MachineLoad Load() => new(() => { Reads++; return Next is { } r ? r with { WallSeconds = Clock } : null; }, () => Clock) { Judged = Judged.Add };
    }

    [Fact]
    public void The_first_look_starts_the_window_and_looks_within_it_say_too_early_without_reading()
    {
        var machine = new FakeMachine();
        var judged = machine.Judged;
        var load = machine.Load();
        // The load phase (this process's own threads sharing the cores with the other work) is not in the window: the
        // first look, at the first step of the engine's first run, only starts it.
        load.Busy().Should().BeNull();
        machine.Reads.Should().Be(1);
        machine.Clock += MachineLoad.MinWindowSeconds / 2;
        machine.Next = Before with { Busy = 1_000 + 25, Total = 2_000 + 25, OwnSeconds = 10.125 };
        load.Busy().Should().BeNull();
        load.Busy().Should().BeNull();
        machine.Reads.Should().Be(1, "a look within the window reads the clock only");
        judged.Should().BeEmpty();
        // Another process filled the other core while this one ran one thread: busy, judged over the whole window.
        machine.Clock += MachineLoad.MinWindowSeconds / 2;
        machine.Next = Before with { Busy = 1_000 + 50, Total = 2_000 + 50, OwnSeconds = 10.25 };
        load.Busy().Should().BeTrue();
        judged.Should().ContainSingle().Which.Seconds.Should().BeApproximately(MachineLoad.MinWindowSeconds, 1e-9);
        judged[0].OtherCores.Should().BeApproximately(1.0, 1e-9);
        // The next window starts at that look; until it can be judged, the last verdict stands.
        machine.Clock += MachineLoad.MinWindowSeconds / 2;
        load.Busy().Should().BeTrue("a short window after a verdict is answered with that verdict");
        machine.Reads.Should().Be(2);
        judged.Should().ContainSingle();
    }

    [Fact]
    public void After_a_verdict_a_short_window_is_answered_with_it_and_goes_on_to_the_next_verdict()
    {
        var machine = new FakeMachine();
        var judged = machine.Judged;
        var load = machine.Load();
        load.Busy().Should().BeNull();
        machine.Clock += 0.5;
        machine.Next = Before with { Busy = 1_000 + 52, Total = 2_000 + 100, OwnSeconds = 10.5 };
        load.Busy().Should().BeFalse();
        // A planned look 0.06 s later (1 024 steps of 60 µs on the workers): the last verdict at once, for a clock read.
        machine.Clock += 0.06;
        load.Busy().Should().BeFalse();
        machine.Reads.Should().Be(2);
        // Another process took a core from the verdict on: the window since the verdict says so once it is long enough.
        machine.Clock += 0.24;
        machine.Next = Before with { Busy = 1_052 + 60, Total = 2_100 + 60, OwnSeconds = 10.8 };
        load.Busy().Should().BeTrue();
        judged.Should().HaveCount(2);
        judged[1].Seconds.Should().BeApproximately(0.3, 1e-9);
        judged[1].OtherCores.Should().BeApproximately(1.0, 1e-9);
        judged[1].GivenUp.Should().BeFalse();
    }

    [Fact]
    public void A_quiet_window_long_enough_is_not_busy()
    {
        var machine = new FakeMachine();
        var load = machine.Load();
        load.Busy().Should().BeNull();
        machine.Clock += 0.5;
        machine.Next = Before with { Busy = 1_000 + 52, Total = 2_000 + 100, OwnSeconds = 10.5 };
        load.Busy().Should().BeFalse();
    }

    [Fact]
    public void A_window_that_stays_too_short_in_ticks_is_read_seldom_then_given_up_as_not_busy_and_logged()
    {
        var machine = new FakeMachine();
        var judged = machine.Judged;
        var load = machine.Load();
        load.Busy().Should().BeNull();
        // Wall time goes on but the tick counts do not (a kernel that counts fewer ticks): /proc/stat is read again only
        // every RetrySeconds, the looks between cost a clock read.
        machine.Clock += MachineLoad.MinWindowSeconds;
        load.Busy().Should().BeNull();
        machine.Reads.Should().Be(2);
        machine.Clock += MachineLoad.RetrySeconds / 2;
        load.Busy().Should().BeNull();
        load.Busy().Should().BeNull();
        machine.Reads.Should().Be(2);
        machine.Clock += MachineLoad.RetrySeconds;
        load.Busy().Should().BeNull();
        machine.Reads.Should().Be(3);
        judged.Should().BeEmpty();
        // Then the measurement decides: not busy, logged as given up, and that verdict answers the short windows after it.
        machine.Clock += MachineLoad.GiveUpWindows * MachineLoad.MinWindowSeconds;
        load.Busy().Should().BeFalse();
        machine.Reads.Should().Be(4);
        var window = judged.Should().ContainSingle().Which;
        window.GivenUp.Should().BeTrue();
        window.Busy.Should().BeFalse();
        window.Seconds.Should().BeApproximately(MachineLoad.MinWindowSeconds * (1 + MachineLoad.GiveUpWindows) + 1.5 * MachineLoad.RetrySeconds, 1e-9);
        machine.Clock += MachineLoad.MinWindowSeconds / 2;
        load.Busy().Should().BeFalse();
        machine.Reads.Should().Be(4);

        var gone = new FakeMachine { Next = null }.Load();
        gone.Busy().Should().BeFalse();
        gone.Busy().Should().BeFalse();
    }
}
