using System.Text;
using Meta.Backends.Programs;

namespace Meta.Backends.CSharp;

/// <summary>
/// The private <c>Binomial(n, p, u)</c> method of a generated C# class, which <see cref="ScalarDialect"/> calls for
/// <see cref="KernelSymbols.Binomial"/>: the operations of <see cref="KernelSymbols.BinomialOf(double, double, double)"/>
/// in the kernel's number type, with no math library call (it compiles for every ILGPU target).
/// </summary>
public static class BinomialHelper
{
    /// <summary>Appends the method to <paramref name="sb"/>, in float32 where <paramref name="single"/>.</summary>
    public static void Append(StringBuilder sb, bool single)
    {
        ArgumentNullException.ThrowIfNull(sb);
        string T = single ? "float" : "double";
        string L(double v) => ScalarDialect.LiteralOf(v, single);
        sb.AppendLine("    // binomial(n, p, u): successes of m = floor(n + 0.5) trials of probability p by inversion of u (KernelSymbols.Binomial).");
        sb.AppendLine($"    private static {T} Binomial({T} n, {T} p, {T} u)");
        sb.AppendLine("    {");
        sb.AppendLine($"        if (!(n + {L(0.5)} >= {L(1)}) || !(p > {L(0)})) return {L(0)};");
        sb.AppendLine($"        {T} m = ({T})(long)(n + {L(0.5)});");
        sb.AppendLine("        if (p >= " + L(1) + ") return m;");
        sb.AppendLine($"        {T} q = {L(1)} - p, r = p / q, f = {L(1)};");
        sb.AppendLine($"        for ({T} i = {L(0)}; i < m; i += {L(1)}) f *= q;");
        sb.AppendLine($"        {T} c = f, j = {L(0)};");
        sb.AppendLine("        while (j < m && u >= c)");
        sb.AppendLine("        {");
        sb.AppendLine($"            f *= r * (m - j) / (j + {L(1)});");
        sb.AppendLine("            c += f;");
        sb.AppendLine($"            j += {L(1)};");
        sb.AppendLine("        }");
        sb.AppendLine("        return j;");
        sb.AppendLine("    }");
    }
}
