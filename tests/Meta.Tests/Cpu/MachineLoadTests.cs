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
}
