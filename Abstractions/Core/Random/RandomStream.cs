namespace Meta.Random;

/// <summary>
/// A sequential stream of random numbers over <see cref="Philox"/>, deterministic for <c>(seed, streamId)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Block <c>n</c> (n = 0, 1, 2, ...) of the stream is
/// <c>Philox.Generate((uint)seed, (uint)(seed &gt;&gt; 32), (uint)n, (uint)(n &gt;&gt; 32), (uint)streamId,
/// (uint)(streamId &gt;&gt; 32))</c>; its four words <c>r0, r1, r2, r3</c> are handed out in that order by
/// <see cref="NextUInt32"/>, and every other sampler is built from <see cref="NextUInt32"/> as documented on it.
/// A backend that follows these recipes reproduces the stream exactly (up to the last bits of transcendental
/// functions such as <see cref="Math.Log(double)"/>, which differ between math libraries).
/// </para>
/// <para>Instances are not thread-safe; give each thread its own stream (see <see cref="Fork"/>).</para>
/// <para>Argument errors throw <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/>).</para>
/// </remarks>
public sealed class RandomStream
{
    private const double TwoPow53 = 9007199254740992.0;

    private readonly uint _key0, _key1, _stream0, _stream1;
    private ulong _nextBlock;
    private uint _w0, _w1, _w2, _w3;
    private int _position = 4; // index of the next buffered word; 4 means the buffer is empty
    private bool _hasSpareNormal;
    private double _spareNormal;

    /// <summary>Creates the stream <paramref name="streamId"/> of the generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="seed">The 64-bit seed, used as the Philox key.</param>
    /// <param name="streamId">The stream number, placed in Philox counter words 2 and 3.</param>
    public RandomStream(ulong seed, ulong streamId = 0)
    {
        Seed = seed;
        StreamId = streamId;
        _key0 = (uint)seed;
        _key1 = (uint)(seed >> 32);
        _stream0 = (uint)streamId;
        _stream1 = (uint)(streamId >> 32);
    }

    /// <summary>The seed (the Philox key).</summary>
    public ulong Seed { get; }

    /// <summary>The stream number (Philox counter words 2 and 3).</summary>
    public ulong StreamId { get; }

    /// <summary>The number of 32-bit words consumed so far (block <c>WordsConsumed / 4</c>, word <c>WordsConsumed % 4</c> comes next).</summary>
    public ulong WordsConsumed => _nextBlock * 4 - (ulong)(4 - _position);

    /// <summary>The next 32-bit word: word <c>i % 4</c> of block <c>i / 4</c>, where <c>i</c> counts the words drawn so far.</summary>
    /// <returns>A uniformly distributed 32-bit integer.</returns>
    public uint NextUInt32()
    {
        if (_position == 4)
        {
            ulong n = _nextBlock;
            Philox.Generate(_key0, _key1, (uint)n, (uint)(n >> 32), _stream0, _stream1,
                            out _w0, out _w1, out _w2, out _w3);
            _nextBlock = n + 1;
            _position = 0;
        }
        return _position++ switch
        {
            0 => _w0,
            1 => _w1,
            2 => _w2,
            _ => _w3,
        };
    }

    /// <summary>A uniform 64-bit integer from two consecutive words, the first giving the high 32 bits.</summary>
    /// <returns>A uniformly distributed 64-bit integer.</returns>
    public ulong NextUInt64()
    {
        uint hi = NextUInt32();
        uint lo = NextUInt32();
        return ((ulong)hi << 32) | lo;
    }

    /// <summary>
    /// A uniform double in [0, 1) with 53 random bits: <c>Philox.ToUnitDouble(hi, lo)</c> of two consecutive
    /// words, <c>hi</c> first.
    /// </summary>
    /// <returns>A multiple of 2^-53 in [0, 1).</returns>
    public double NextDouble()
    {
        uint hi = NextUInt32();
        uint lo = NextUInt32();
        return Philox.ToUnitDouble(hi, lo);
    }

    /// <summary>A uniform double in (0, 1]: <c>1 - NextDouble()</c> (exact), safe to take the logarithm of.</summary>
    private double NextOpenClosed() => 1.0 - NextDouble();

    /// <summary>
    /// A uniform double in [<paramref name="low"/>, <paramref name="high"/>):
    /// <c>low + (high - low) * NextDouble()</c>; the rare result that rounds up to <paramref name="high"/> is
    /// replaced by the largest double below it.
    /// </summary>
    /// <param name="low">The inclusive lower bound (finite).</param>
    /// <param name="high">The exclusive upper bound (finite, greater than <paramref name="low"/>).</param>
    /// <returns>A uniform double in [low, high).</returns>
    public double NextDouble(double low, double high)
    {
        double width = high - low;
        if (!double.IsFinite(low) || !double.IsFinite(high) || !(low < high) || !double.IsFinite(width))
            throw new ArgumentOutOfRangeException(nameof(high), $"Need finite low < high with a finite width; got low={low}, high={high}.");
        double x = low + width * NextDouble();
        return x < high ? x : Math.BitDecrement(high);
    }

    /// <summary>
    /// A uniform integer in [0, <paramref name="exclusiveMax"/>), without bias: with <c>m = exclusiveMax</c>,
    /// words <c>w</c> are drawn until <c>w &gt;= 2^32 mod m</c>, and <c>w mod m</c> is returned.
    /// </summary>
    /// <param name="exclusiveMax">The exclusive upper bound, greater than 0.</param>
    /// <returns>A uniform integer in [0, exclusiveMax).</returns>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
            throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "exclusiveMax must be greater than 0.");
        return (int)NextBelow32((uint)exclusiveMax);
    }

    /// <summary>
    /// A uniform integer in [<paramref name="low"/>, <paramref name="exclusiveHigh"/>), without bias. With
    /// <c>range = exclusiveHigh - low</c>: if <c>range &lt; 2^32</c> this is <c>low + NextInt(range)</c> (same
    /// recipe and words as <see cref="NextInt(int)"/>); if <c>range == 2^32</c>, <c>low + NextUInt32()</c>;
    /// otherwise 64-bit words from <see cref="NextUInt64"/> are drawn until <c>w &gt;= 2^64 mod range</c> and
    /// <c>low + w mod range</c> is returned.
    /// </summary>
    /// <param name="low">The inclusive lower bound.</param>
    /// <param name="exclusiveHigh">The exclusive upper bound, greater than <paramref name="low"/>.</param>
    /// <returns>A uniform integer in [low, exclusiveHigh).</returns>
    public long NextInt(long low, long exclusiveHigh)
    {
        if (exclusiveHigh <= low)
            throw new ArgumentOutOfRangeException(nameof(exclusiveHigh), exclusiveHigh, $"exclusiveHigh must be greater than low ({low}).");
        ulong range = unchecked((ulong)(exclusiveHigh - low));
        const ulong TwoPow32 = 1UL << 32;
        ulong offset;
        if (range < TwoPow32) offset = NextBelow32((uint)range);
        else if (range == TwoPow32) offset = NextUInt32();
        else
        {
            ulong threshold = (0UL - range) % range; // 2^64 mod range
            ulong w;
            do { w = NextUInt64(); } while (w < threshold);
            offset = w % range;
        }
        return unchecked(low + (long)offset);
    }

    private uint NextBelow32(uint m)
    {
        uint threshold = (0u - m) % m; // 2^32 mod m
        uint w;
        do { w = NextUInt32(); } while (w < threshold);
        return w % m;
    }

    /// <summary>
    /// A standard normal value by the basic (trigonometric) Box–Muller transform: with <c>u1 = NextDouble()</c>,
    /// <c>u2 = NextDouble()</c>, <c>r = sqrt(-2 log(1 - u1))</c> and <c>t = 2 pi u2</c>, the pair is
    /// <c>(r cos t, r sin t)</c>; the first is returned and the second is cached and returned by the next call.
    /// </summary>
    /// <returns>A draw from N(0, 1).</returns>
    public double NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u1 = NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u1));
        double t = Math.Tau * u2;
        _spareNormal = r * Math.Sin(t);
        _hasSpareNormal = true;
        return r * Math.Cos(t);
    }

    /// <summary>A standard exponential value, <c>-log(1 - NextDouble())</c> (0 when the uniform is 0).</summary>
    private double NextStandardExponential()
    {
        double u = NextDouble();
        return u == 0.0 ? 0.0 : -Math.Log(1.0 - u);
    }

    /// <summary>An exponential value with the given mean: <c>mean * (-log(1 - NextDouble()))</c>.</summary>
    /// <param name="mean">The mean (the scale, PyNN's <c>beta</c>), finite and &gt;= 0.</param>
    /// <returns>A draw from Exp(mean).</returns>
    public double NextExponential(double mean)
    {
        if (!double.IsFinite(mean) || mean < 0)
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be finite and >= 0.");
        return mean * NextStandardExponential();
    }

    /// <summary>
    /// A gamma value with the given shape and scale (mean <c>shape * scale</c>) by Marsaglia and Tsang's method
    /// (2000): with <c>d = shape - 1/3</c>, <c>c = 1/sqrt(9d)</c>, draw <c>x = NextNormal()</c> until
    /// <c>v = (1 + c x)^3 &gt; 0</c>, then <c>u = NextDouble()</c>; accept <c>d v</c> if
    /// <c>u &lt; 1 - 0.0331 x^4</c> or <c>log u &lt; x^2/2 + d (1 - v + log v)</c>, else start again.
    /// For <c>shape &lt; 1</c>: <c>Gamma(shape + 1) * (1 - NextDouble())^(1/shape)</c> (the uniform drawn after
    /// the boosted gamma value).
    /// </summary>
    /// <param name="shape">The shape k, finite and &gt; 0.</param>
    /// <param name="scale">The scale theta, finite and &gt; 0.</param>
    /// <returns>A draw from Gamma(shape, scale).</returns>
    public double NextGamma(double shape, double scale)
    {
        if (!double.IsFinite(shape) || shape <= 0)
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The shape must be finite and > 0.");
        if (!double.IsFinite(scale) || scale <= 0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be finite and > 0.");
        return scale * NextStandardGamma(shape);
    }

    private double NextStandardGamma(double shape)
    {
        if (shape < 1.0)
        {
            double g = NextStandardGamma(shape + 1.0);
            double u = NextOpenClosed();
            return g * Math.Pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextNormal();
                v = 1.0 + c * x;
            } while (v <= 0.0);
            v = v * v * v;
            double u = NextDouble();
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
            if (Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>
    /// A Poisson value. <c>lambda == 0</c> returns 0 without drawing. For <c>lambda &lt; 30</c>, Knuth's
    /// multiplication method: with <c>u_i = 1 - NextDouble()</c> drawn in turn, the smallest k such that
    /// <c>u_1 u_2 ... u_(k+1) &lt;= exp(-lambda)</c>. For <c>lambda &gt;= 30</c>, Hörmann's PTRS transformed rejection (1993) with
    /// <c>U = NextDouble() - 0.5</c>, <c>V = 1 - NextDouble()</c> and the exact log-pmf in the acceptance test.
    /// </summary>
    /// <param name="lambda">The mean, finite and &gt;= 0.</param>
    /// <returns>A draw from Poisson(lambda).</returns>
    public long NextPoisson(double lambda)
    {
        if (!double.IsFinite(lambda) || lambda < 0)
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be finite and >= 0.");
        if (lambda == 0) return 0;
        if (lambda < 30.0)
        {
            double limit = Math.Exp(-lambda);
            long k = 0;
            double product = NextOpenClosed();
            while (product > limit)
            {
                k++;
                product *= NextOpenClosed();
            }
            return k;
        }
        return PoissonPtrs(lambda);
    }

    private long PoissonPtrs(double lambda)
    {
        double sqrtLambda = Math.Sqrt(lambda);
        double logLambda = Math.Log(lambda);
        double b = 0.931 + 2.53 * sqrtLambda;
        double a = -0.059 + 0.02483 * b;
        double logInvAlpha = Math.Log(1.1239 + 1.1328 / (b - 3.4));
        double vr = 0.9277 - 3.6224 / (b - 2.0);
        while (true)
        {
            double u = NextDouble() - 0.5;
            double v = NextOpenClosed();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2.0 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) return (long)k;
            if (k < 0.0 || (us < 0.013 && v > us)) continue;
            // k may be astronomically large when us is tiny; the exact test below then rejects it.
            if (Math.Log(v) + logInvAlpha - Math.Log(a / (us * us) + b)
                <= -lambda + k * logLambda - RandomMath.LogFactorial(k))
                return (long)k;
        }
    }

    /// <summary>
    /// A binomial value (number of successes in <paramref name="n"/> trials of probability <paramref name="p"/>).
    /// <c>n == 0</c> or <c>p == 0</c> gives 0 and <c>p == 1</c> gives n without drawing; for <c>p &gt; 1/2</c> the
    /// result is <c>n - Binomial(n, 1 - p)</c>. With <c>p &lt;= 1/2</c>: if <c>n p &lt; 30</c>, inversion by
    /// sequential search from 0 with one <c>u = NextDouble()</c> (a new u if rounding exhausts the pmf); otherwise
    /// Hörmann's BTRS transformed rejection (1993) with <c>U = NextDouble() - 0.5</c>, <c>V = 1 - NextDouble()</c>
    /// and an exact log-pmf ratio in the acceptance test.
    /// </summary>
    /// <param name="n">The number of trials, 0 &lt;= n &lt;= 2^53.</param>
    /// <param name="p">The success probability in [0, 1].</param>
    /// <returns>A draw from Binomial(n, p).</returns>
    public long NextBinomial(long n, double p)
    {
        if (n < 0 || n > (1L << 53))
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be in [0, 2^53].");
        if (!(p >= 0.0 && p <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in [0, 1].");
        if (n == 0 || p == 0.0) return 0;
        if (p == 1.0) return n;
        if (p > 0.5) return n - BinomialSmallP(n, 1.0 - p); // 1 - p is exact for p in [1/2, 1]
        return BinomialSmallP(n, p);
    }

    private long BinomialSmallP(long n, double p)
    {
        double nd = n;
        return nd * p < 30.0 ? BinomialInversion(n, p) : BinomialBtrs(nd, p);
    }

    private long BinomialInversion(long n, double p)
    {
        double q = 1.0 - p;
        double f0 = Math.Exp(n * RandomMath.Log1P(-p)); // q^n >= exp(-42) here since n p < 30 and p <= 1/2
        double s = p / q;
        while (true)
        {
            double u = NextDouble();
            double f = f0;
            long x = 0;
            bool exhausted = false;
            while (u >= f)
            {
                u -= f;
                x++;
                if (x > n) { exhausted = true; break; }
                f *= s * (n - x + 1) / x;
                if (f == 0.0) { exhausted = true; break; }
            }
            if (!exhausted) return x;
        }
    }

    private long BinomialBtrs(double n, double p)
    {
        double q = 1.0 - p;
        double spq = Math.Sqrt(n * p * q);
        double b = 1.15 + 2.53 * spq;
        double a = -0.0873 + 0.0248 * b + 0.01 * p;
        double c = n * p + 0.5;
        double alpha = (2.83 + 5.1 / b) * spq;
        double vr = 0.92 - 4.2 / b;
        double m = Math.Floor((n + 1.0) * p);
        double logR = Math.Log(p / q);
        while (true)
        {
            double u = NextDouble() - 0.5;
            double v = NextOpenClosed();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2.0 * a / us + b) * u + c);
            if (k < 0.0 || k > n) continue;
            if (us >= 0.07 && v <= vr) return (long)k;
            double lhs = Math.Log(v * alpha / (a / (us * us) + b));
            if (lhs <= RandomMath.LogBinomialPmfRatio(n, k, m, logR)) return (long)k;
        }
    }

    /// <summary>
    /// A von Mises value (circular normal) by Best and Fisher's algorithm (1979), wrapped to [-pi, pi).
    /// <c>kappa == 0</c> (or so small that the algorithm's constants overflow, below about 1e-308) gives
    /// <c>wrap(mu - pi + 2 pi NextDouble())</c>. Otherwise, with <c>tau = 1 + sqrt(1 + 4 kappa^2)</c>,
    /// <c>rho = (tau - sqrt(2 tau)) / (2 kappa)</c> and <c>s = (1 + rho^2) / (2 rho)</c>, repeat:
    /// <c>u1, u2 = NextDouble()</c>, <c>z = cos(pi u1)</c>, <c>f = (1 + s z)/(s + z)</c>, <c>c = kappa (s - f)</c>,
    /// accept if <c>c (2 - c) &gt; u2</c> or <c>log(c / u2) + 1 - c &gt;= 0</c>; then <c>u3 = NextDouble()</c> and the
    /// result is <c>wrap(mu ± acos(f))</c>, negative when <c>u3 &lt; 1/2</c>. The quantities are evaluated in
    /// algebraically equal forms that avoid cancellation (<c>s - 1</c>, <c>1 - z</c>, <c>1 - f</c>), so the method
    /// stays exact for very large kappa.
    /// </summary>
    /// <param name="mu">The mean direction in radians (finite).</param>
    /// <param name="kappa">The concentration, finite and &gt;= 0.</param>
    /// <returns>A draw from VonMises(mu, kappa) in [-pi, pi).</returns>
    public double NextVonMises(double mu, double kappa)
    {
        if (!double.IsFinite(mu))
            throw new ArgumentOutOfRangeException(nameof(mu), mu, "mu must be finite.");
        if (!double.IsFinite(kappa) || kappa < 0)
            throw new ArgumentOutOfRangeException(nameof(kappa), kappa, "kappa must be finite and >= 0.");

        // rho = (tau - sqrt(2 tau)) / (2 kappa) = 2 kappa / (tau + sqrt(2 tau)), and
        // 1 - rho = (1 + 1/(sqrt(1 + 4 kappa^2) + 2 kappa) + sqrt(2 tau)) / (tau + sqrt(2 tau)).
        double root = Math.Sqrt(1.0 + 4.0 * kappa * kappa);
        double tau = 1.0 + root;
        double sqrtTwoTau = Math.Sqrt(2.0 * tau);
        double denominator = tau + sqrtTwoTau;
        double rho = 2.0 * kappa / denominator;
        double oneMinusRho = (1.0 + 1.0 / (root + 2.0 * kappa) + sqrtTwoTau) / denominator;
        double e = oneMinusRho * oneMinusRho / (2.0 * rho); // s - 1 = (1 - rho)^2 / (2 rho)

        if (kappa == 0.0 || !double.IsFinite(e))
            return WrapAngle(mu - Math.PI + Math.Tau * NextDouble());

        double oneMinusF;
        while (true)
        {
            double half = 0.5 * Math.PI * NextDouble();
            double sinHalf = Math.Sin(half), cosHalf = Math.Cos(half);
            double oneMinusZ = 2.0 * sinHalf * sinHalf;   // 1 - cos(pi u1)
            double onePlusZ = 2.0 * cosHalf * cosHalf;    // 1 + cos(pi u1)
            // s + z = e + (1 + z);  1 - f = e (1 - z) / (s + z);  s - f = e (e + 2) / (s + z).
            double ratio = (e + 2.0) / (e + onePlusZ);
            double cc = kappa * e * ratio;
            oneMinusF = oneMinusZ / (1.0 + onePlusZ / e);
            double u2 = NextDouble();
            if (cc * (2.0 - cc) - u2 > 0.0) break;
            if (Math.Log(cc / u2) + 1.0 - cc >= 0.0) break;
        }
        // acos(1 - d) = 2 asin(sqrt(d / 2)), accurate for small d.
        double theta = 2.0 * Math.Asin(Math.Min(1.0, Math.Sqrt(0.5 * oneMinusF)));
        double u3 = NextDouble();
        if (u3 < 0.5) theta = -theta;
        return WrapAngle(mu + theta);
    }

    /// <summary>Maps an angle to [-pi, pi).</summary>
    private static double WrapAngle(double x)
    {
        if (x >= -Math.PI && x < Math.PI) return x;
        double y = x + Math.PI;
        y -= Math.Tau * Math.Floor(y / Math.Tau);
        double r = y - Math.PI;
        if (r >= Math.PI) r -= Math.Tau;
        if (r < -Math.PI) r = -Math.PI;
        return r;
    }

    /// <summary>
    /// Shuffles <paramref name="items"/> in place by Fisher–Yates: for <c>i = n - 1</c> down to 1, swap item i with
    /// item <c>NextInt(i + 1)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The items to shuffle.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A uniformly random permutation of 0..n-1: the identity shuffled by <see cref="Shuffle{T}"/>.</summary>
    /// <param name="n">The length, &gt;= 0.</param>
    /// <returns>A new array holding each of 0..n-1 once.</returns>
    public int[] Permutation(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 0.");
        var result = new int[n];
        for (int i = 0; i < n; i++) result[i] = i;
        Shuffle(result.AsSpan());
        return result;
    }

    /// <summary>
    /// An independent stream derived deterministically from this one's seed and stream and
    /// <paramref name="childStream"/>: <c>new RandomStream(Seed, Mix64(Mix64(StreamId + 0x9E3779B97F4A7C15) +
    /// childStream))</c>, where <c>Mix64</c> is the SplitMix64 finaliser
    /// (<c>z ^= z &gt;&gt; 30; z *= 0xBF58476D1CE4E5B9; z ^= z &gt;&gt; 27; z *= 0x94D049BB133111EB; z ^= z &gt;&gt; 31</c>,
    /// all mod 2^64). <c>Mix64</c> is a bijection, so distinct children of one stream never share a stream id.
    /// The parent's position is neither used nor changed.
    /// </summary>
    /// <param name="childStream">The child's number.</param>
    /// <returns>The child stream, positioned at its start.</returns>
    public RandomStream Fork(ulong childStream)
    {
        return new RandomStream(Seed, ForkStreamId(StreamId, childStream));
    }

    /// <summary>The stream id that <see cref="Fork"/> gives the child <paramref name="childStream"/> of stream <paramref name="streamId"/>.</summary>
    /// <param name="streamId">The parent's stream id.</param>
    /// <param name="childStream">The child's number.</param>
    /// <returns>The child's stream id.</returns>
    public static ulong ForkStreamId(ulong streamId, ulong childStream) =>
        unchecked(Mix64(Mix64(streamId + 0x9E3779B97F4A7C15UL) + childStream));

    /// <summary>The SplitMix64 finaliser (a bijection on 64-bit integers).</summary>
    private static ulong Mix64(ulong z)
    {
        unchecked
        {
            z ^= z >> 30;
            z *= 0xBF58476D1CE4E5B9UL;
            z ^= z >> 27;
            z *= 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return z;
        }
    }
}
