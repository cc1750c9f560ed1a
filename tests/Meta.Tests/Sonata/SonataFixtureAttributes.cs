namespace Meta.Tests.Sonata;

/// <summary>
/// A fact that needs the SONATA fixtures (<see cref="SonataFixtures"/>). Where they are missing the test is reported as
/// skipped, with the folder looked for and <c>META_FIXTURES_DIR</c> in the reason, never as passed.
/// </summary>
public sealed class SonataFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the fixtures are missing.</summary>
    public SonataFactAttribute()
    {
        if (SonataFixtures.Missing is { } why) Skip = why;
    }
}

/// <summary>A theory that needs the SONATA fixtures; skipped, as <see cref="SonataFactAttribute"/>, where they are missing.</summary>
public sealed class SonataTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the fixtures are missing.</summary>
    public SonataTheoryAttribute()
    {
        if (SonataFixtures.Missing is { } why) Skip = why;
    }
}
