namespace Meta.Tests.PyNN;

/// <summary>
/// A fact that needs pyNN.meta's Python side (<see cref="PythonSupport"/>): Debian's python3 with python3-pynn,
/// python3-neo and python3-numpy, the built Cli and PyNN's fixtures. Where one is missing the test is reported as
/// skipped, with the reason naming what to install, never as passed.
/// </summary>
public sealed class PyNNFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the Python side is missing.</summary>
    public PyNNFactAttribute()
    {
        if (PythonSupport.Missing is { } why) Skip = why;
    }

    /// <summary>Whether the test also reads the NESTML fixtures (<c>shared/fixtures/nestml</c>); skipped where they are absent.</summary>
    public bool NeedsNestml { get; set; }

    /// <inheritdoc />
    public override string? Skip
    {
        get => base.Skip ?? (NeedsNestml ? Meta.Tests.Nestml.NestmlFixtures.Missing : null);
        set => base.Skip = value;
    }
}
