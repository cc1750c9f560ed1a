namespace Meta.Tests.Nestml;

/// <summary>
/// A fact that needs the NESTML fixtures (<see cref="NestmlFixtures"/>). Where they are missing the test is reported as
/// skipped, with the folder looked for and <c>META_FIXTURES_DIR</c> in the reason, never as passed.
/// </summary>
public sealed class NestmlFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the fixtures are missing.</summary>
    public NestmlFactAttribute()
    {
        if (NestmlFixtures.Missing is { } why) Skip = why;
    }
}

/// <summary>A theory that needs the NESTML fixtures; skipped, as <see cref="NestmlFactAttribute"/>, where they are missing.</summary>
public sealed class NestmlTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the fixtures are missing.</summary>
    public NestmlTheoryAttribute()
    {
        if (NestmlFixtures.Missing is { } why) Skip = why;
    }
}
