using Meta.Sonata.Nest;

namespace Meta.Sonata.Building;

/// <summary>
/// The cell templates of one build: catalogue models by name (<c>nest:NAME</c>, <c>nrn:NAME</c>), Meta's own models
/// (<c>meta:NAME</c>) and NESTML files
/// (<c>nestml:NAME</c>) looked up in <paramref name="folders"/> and compiled once each.
/// </summary>
internal sealed class CellTemplates(IReadOnlyList<string> folders)
{
    private readonly Dictionary<string, NestmlTemplate> _nestml = new(StringComparer.Ordinal);

    public ISonataCellTemplate Get(string template, string where)
    {
        if (template.StartsWith(MetaTemplate.Prefix, StringComparison.Ordinal)) return MetaTemplate.Get(template, where);
        if (!template.StartsWith(NestmlTemplate.Prefix, StringComparison.Ordinal)) return NestCatalogue.Get(template, where);
        if (!_nestml.TryGetValue(template, out var t)) _nestml[template] = t = NestmlTemplate.Load(template, folders, where);
        return t;
    }
}
