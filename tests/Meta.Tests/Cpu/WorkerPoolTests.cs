using Meta.Backends.Cpu;

namespace Meta.Tests.Cpu;

public class WorkerPoolTests
{
    [Fact]
    public void A_worker_thread_runs_a_chunk()
    {
        // Chunk 0 waits until another chunk has run. The calling thread cannot run that other chunk while it waits in
        // chunk 0, so, whichever thread claims chunk 0, the two chunks run on two threads: one of them a worker.
        using var pool = new WorkerPool(2);
        using var otherRan = new ManualResetEventSlim();
        var threads = new int[2];
        bool waited = false;
        int caller = Environment.CurrentManagedThreadId;
        bool helped = pool.Run(c =>
        {
            threads[c] = Environment.CurrentManagedThreadId;
            if (c == 0) waited = otherRan.Wait(TimeSpan.FromSeconds(30));
            else otherRan.Set();
        });
        waited.Should().BeTrue("another chunk must have run while chunk 0 waited");
        threads[0].Should().NotBe(threads[1]);
        threads.Should().Contain(t => t != caller);
        helped.Should().BeTrue();
    }

    [Fact]
    public void A_chunk_that_throws_fails_the_dispatch()
    {
        using var pool = new WorkerPool(2);
        var act = () => pool.Run(c => { if (c == 1) throw new InvalidOperationException("chunk 1"); });
        act.Should().Throw<AggregateException>().WithInnerException<InvalidOperationException>();
        // The pool still works afterwards.
        int ran = 0;
        pool.Run(_ => Interlocked.Increment(ref ran));
        ran.Should().Be(2);
    }
}
