using Meta.Parameters;
using Meta.Projections;
using Meta.Projections.Connectors;
using Meta.Random;

namespace Meta.Cli.Networks;

/// <summary>A value as written in the file: the forms PyNN accepts for parameters, initial values, weights and delays.</summary>
public abstract record ValueSpec(string Path);

/// <summary>One number for every cell or connection.</summary>
public sealed record NumberSpec(string Path, double Value) : ValueSpec(Path);

/// <summary>An array: one value per cell (parameters), per connection (synapses) or one shared sequence (spike_times).</summary>
public sealed record ArraySpec(string Path, double[] Values) : ValueSpec(Path);

/// <summary>An array of arrays: one sequence per cell (spike_times) or a pre × post array (synapses).</summary>
public sealed record MatrixSpec(string Path, double[][] Rows) : ValueSpec(Path);

/// <summary>
/// A random distribution by PyNN name with named parameters. With a seed it draws from its own stream
/// <c>RandomStream(seed)</c>; otherwise from the simulation's (parameters) or the projection's (synapses) stream.
/// </summary>
public sealed record DistributionSpec(string Path, string Name, IReadOnlyDictionary<string, double> Parameters, ulong? Seed) : ValueSpec(Path)
{
    /// <summary>A new distribution object (with a fresh stream when seeded, so building twice gives the same values).</summary>
    public RandomDistribution Create() => new(Name, Parameters, Seed is { } s ? new RandomStream(s) : null);
}

/// <summary>An expression in <c>d</c>, the pre–post distance (synapse weights and delays only).</summary>
public sealed record ExpressionSpec(string Path, string Text) : ValueSpec(Path);

/// <summary>Conversions from <see cref="ValueSpec"/> to the API's value types.</summary>
internal static class ValueConversions
{
    public static ParameterValue ToParameterValue(this ValueSpec spec) => spec switch
    {
        NumberSpec n => ParameterValue.Scalar(n.Value),
        ArraySpec a => ParameterValue.Array((double[])a.Values.Clone()),
        DistributionSpec d => ParameterValue.Random(d.Create()),
        _ => throw new NetworkFormatException(spec.Path, "expected a number, an array or a distribution"),
    };

    public static SequenceValue ToSequenceValue(this ValueSpec spec) => spec switch
    {
        ArraySpec a => SequenceValue.Shared((double[])a.Values.Clone()),
        MatrixSpec m => SequenceValue.PerCell(m.Rows.Select(r => (double[])r.Clone()).ToArray()),
        _ => throw new NetworkFormatException(spec.Path, "expected an array of times or an array of arrays (one per cell)"),
    };

    public static SynapseValue ToSynapseValue(this ValueSpec spec) => spec switch
    {
        NumberSpec n => SynapseValue.Scalar(n.Value),
        ArraySpec a => SynapseValue.List((double[])a.Values.Clone()),
        MatrixSpec m => SynapseValue.Matrix(ToRectangular(m)),
        DistributionSpec d => SynapseValue.Random(d.Create()),
        ExpressionSpec e => SynapseValue.Expression(e.Text),
        _ => throw new NetworkFormatException(spec.Path, "unsupported synapse value"),
    };

    public static FixedNumber ToFixedNumber(this ValueSpec spec) => spec switch
    {
        NumberSpec n => new FixedNumber((int)n.Value),
        DistributionSpec d => new FixedNumber(0, d.Create()),
        _ => throw new NetworkFormatException(spec.Path, "expected an integer or a distribution"),
    };

    private static double[,] ToRectangular(MatrixSpec m)
    {
        int rows = m.Rows.Length, cols = rows == 0 ? 0 : m.Rows[0].Length;
        var result = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            if (m.Rows[i].Length != cols)
                throw new NetworkFormatException(JsonFields.Item(m.Path, i), $"all rows of a pre × post array must have the same length ({cols}), got {m.Rows[i].Length}");
            for (int j = 0; j < cols; j++) result[i, j] = m.Rows[i][j];
        }
        return result;
    }
}
