using FluentAssertions;
using Meta.Backends.CSharp;

namespace Meta.Tests.Cpu;

/// <summary>
/// The kernel caches' <see cref="LruCache{TKey, TValue}"/>: a value is made once per key, the least recently asked for is
/// forgotten beyond the capacity (and handed to the evict hook), and a factory that throws leaves nothing cached.
/// </summary>
public sealed class LruCacheTests
{
    [Fact]
    public void MakesOnceForgetsTheLeastRecentlyAskedForAndDropsFailures()
    {
        var evicted = new List<string>();
        var cache = new LruCache<int, string>(2, evicted.Add);
        int made = 0;
        string Make(int k) { made++; return "v" + k; }

        cache.GetOrAdd(1, Make, out bool created).Should().Be("v1");
        created.Should().BeTrue();
        cache.GetOrAdd(2, Make, out _);
        cache.GetOrAdd(1, Make, out created).Should().Be("v1");   // 1 is now the most recent
        created.Should().BeFalse();
        made.Should().Be(2);

        cache.GetOrAdd(3, Make, out _);                              // forgets 2, the least recently asked for
        evicted.Should().Equal("v2");
        cache.Count.Should().Be(2);
        cache.GetOrAdd(1, Make, out created);
        created.Should().BeFalse();
        cache.GetOrAdd(2, Make, out created);
        created.Should().BeTrue();                                   // made again
        made.Should().Be(4);

        int failures = 0;
        string Fail(int k) { failures++; throw new InvalidOperationException("no " + k); }
        FluentActions.Invoking(() => cache.GetOrAdd(9, Fail, out _)).Should().Throw<InvalidOperationException>().WithMessage("no 9");
        FluentActions.Invoking(() => cache.GetOrAdd(9, Fail, out _)).Should().Throw<InvalidOperationException>();
        failures.Should().Be(2, "a failed value is not cached, so the factory runs again");
        cache.GetOrAdd(9, Make, out created).Should().Be("v9");
        created.Should().BeTrue();
        FluentActions.Invoking(() => new LruCache<int, int>(0)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
