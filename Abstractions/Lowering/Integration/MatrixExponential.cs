namespace Meta.Lowering;

/// <summary>exp(A·h) for small dense matrices, by scaling and squaring with a Taylor series.</summary>
public static class MatrixExponential
{
    /// <summary>Returns exp(<paramref name="a"/>·<paramref name="h"/>).</summary>
    public static double[,] Compute(double[,] a, double h)
    {
        int n = a.GetLength(0);
        var m = new double[n, n];
        double norm = 0;
        for (int i = 0; i < n; i++)
        {
            double row = 0;
            for (int j = 0; j < n; j++) { m[i, j] = a[i, j] * h; row += Math.Abs(m[i, j]); }
            norm = Math.Max(norm, row);
        }
        if (!double.IsFinite(norm))
            throw new InvalidParameterValueException(
                "The exact propagator of a model's linear states cannot be computed: a rate in them is infinite or NaN " +
                $"(rate × dt has norm {norm}); a time constant of 0 or one far below the timestep (e.g. 5e-324 ms) gives that.");
        int squarings = norm > 0.5 ? (int)Math.Ceiling(Math.Log2(norm / 0.5)) : 0;
        double scale = Math.Pow(2, -squarings);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i, j] *= scale;

        var result = Identity(n);
        var term = Identity(n);
        for (int k = 1; k <= 24; k++)
        {
            term = Multiply(term, m);
            double biggest = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) { term[i, j] /= k; result[i, j] += term[i, j]; biggest = Math.Max(biggest, Math.Abs(term[i, j])); }
            if (biggest < 1e-300) break;
        }
        for (int s = 0; s < squarings; s++) result = Multiply(result, result);
        return result;
    }

    private static double[,] Identity(int n)
    {
        var r = new double[n, n];
        for (int i = 0; i < n; i++) r[i, i] = 1;
        return r;
    }

    private static double[,] Multiply(double[,] x, double[,] y)
    {
        int n = x.GetLength(0);
        var r = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                double xik = x[i, k];
                if (xik == 0) continue;
                for (int j = 0; j < n; j++) r[i, j] += xik * y[k, j];
            }
        return r;
    }
}
