using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
static class P
{
    // throughput of: m = GT(x_i, y) materialized; x_i = select(m, y2, x_i) with 8 independent chains... measure per op
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static Vector512<double> SelMat(long n, Vector512<double> y, Vector512<double> y2)
    {
        var a = y; var b = y + y; var c = b + y; var d = c + y;
        for (long i = 0; i < n; i++)
        {
            var ma = Vector512.GreaterThan(a, y); var mb = Vector512.GreaterThan(b, y); var mc = Vector512.GreaterThan(c, y); var md = Vector512.GreaterThan(d, y);
            a = Vector512.ConditionalSelect(ma, y2, a) ; b = Vector512.ConditionalSelect(mb, y2, b); c = Vector512.ConditionalSelect(mc, y2, c); d = Vector512.ConditionalSelect(md, y2, d);
            a = Vector512.ConditionalSelect(ma, a, y) ; b = Vector512.ConditionalSelect(mb, b, y); c = Vector512.ConditionalSelect(mc, c, y); d = Vector512.ConditionalSelect(md, d, y);
        }
        return a + b + c + d;
    }
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static Vector512<double> SelK(long n, Vector512<double> y, Vector512<double> y2)
    {
        var a = y; var b = y + y; var c = b + y; var d = c + y;
        for (long i = 0; i < n; i++)
        {
            a = Vector512.ConditionalSelect(Vector512.GreaterThan(a, y), y2, a) ; b = Vector512.ConditionalSelect(Vector512.GreaterThan(b, y), y2, b); c = Vector512.ConditionalSelect(Vector512.GreaterThan(c, y), y2, c); d = Vector512.ConditionalSelect(Vector512.GreaterThan(d, y), y2, d);
        }
        return a + b + c + d;
    }
    static void Main()
    {
        long n = 20_000_000;
        var y = Vector512.Create(1.0000001); var y2 = Vector512.Create(0.5);
        for (int r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew(); var x = SelMat(n, y, y2); double t1 = sw.Elapsed.TotalSeconds * 1e9 / n;
            sw.Restart(); var z = SelK(n, y, y2); double t2 = sw.Elapsed.TotalSeconds * 1e9 / n;
            Console.WriteLine($"materialized mask: {t1:F3} ns/iter (4 chains) ; k-mask: {t2:F3} ns/iter {x[0] + z[0]:F1}");
        }
    }
}
