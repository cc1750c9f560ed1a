using System.Text;

namespace Meta.Backends.Cpu.Codegen;

/// <summary>
/// Shares expensive calls (<c>exp</c>, <c>log</c>, <c>pow</c>, ...) among the statements of one block of a kernel in which
/// no variable is reassigned: each distinct call is computed once into a local, declared just before the first
/// statement that needs it. The arithmetic is unchanged, so results are bit for bit those without sharing; Hodgkin–
/// Huxley's rate functions, for example, appear in both the right-hand sides and the exponential factors.
/// </summary>
internal sealed class CommonSubexpressions(CommonSubexpressions.Counter counter)
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly List<string> _pending = [];

    /// <summary>The local holding <paramref name="code"/>, declaring it on first use.</summary>
    public string Share(string code)
    {
        if (_names.TryGetValue(code, out var name)) return name;
        name = $"cse_{counter.Next()}";
        _names[code] = name;
        _pending.Add($"            var {name} = {code};");
        return name;
    }

    /// <summary>Writes the declarations made since the last call, then <paramref name="statement"/>.</summary>
    public void Emit(StringBuilder sb, string statement)
    {
        foreach (var declaration in _pending) sb.AppendLine(declaration);
        _pending.Clear();
        sb.AppendLine(statement);
    }

    /// <summary>A kernel-wide source of unique local names.</summary>
    internal sealed class Counter
    {
        private int _next;

        /// <summary>The next number.</summary>
        public int Next() => _next++;
    }
}
