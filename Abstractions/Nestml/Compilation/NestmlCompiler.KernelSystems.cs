using Meta.Expressions;
using Meta.Models;
using Meta.Nestml.Syntax;

namespace Meta.Nestml.Compilation;

internal sealed partial class NestmlCompiler
{
    /// <summary>
    /// A kernel given by first-order ODEs with initial values (<c>kernel g' = g$ - g/τ2, g$' = -g$/τ1</c> with
    /// <c>g = 0</c>, <c>g$ = c</c> in the state block), convolved with <paramref name="port"/>. NESTML's convolution is the sum,
    /// over the arriving spikes, of the weight times the system's solution started at the initial values; the system is
    /// linear, so it is one copy of the system per port whose every variable jumps by the weight times its initial value.
    /// Each variable becomes a state (the kernel's own is <paramref name="state"/>, <c>g$</c> is <c>g__S__X__port</c>),
    /// its ODE the kernel's with the variables renamed. A Meta receptor adds the weight to one state, so exactly one
    /// variable may start away from zero (the beta kernels' <c>g$</c>); its initial value is the receptor's scale.
    /// </summary>
    private KernelUse KernelSystem(NKernel kernel, NInputPort port, string state, ReceptorKind kind, int line)
    {
        var system = kernel.System!;
        var names = system.ToDictionary(v => v.Name, v => v.Name == kernel.Name ? state : $"{v.Name.Replace("$", "__S", StringComparison.Ordinal)}__X__{port.Name}",
            StringComparer.Ordinal);
        var bindings = names.ToDictionary(n => n.Key, n => (Expr)new SymbolExpr(n.Value), StringComparer.Ordinal);
        var parameters = DeclaredParameters.Where(p => !_droppedParameters.Contains(p)).ToHashSet(StringComparer.Ordinal);
        var starts = new List<(NKernelVariable Variable, Expr Initial)>();
        foreach (var v in system)
        {
            var rhs = ConstantFolding.Fold(_translator.Translate(v.RightHandSide, bindings));
            foreach (var s in rhs.Symbols().Where(s => !parameters.Contains(s) && !names.ContainsValue(s)))
                throw _context.Unsupported(v.Line, $"a kernel ODE that reads '{s}' (the ODEs of kernel '{kernel.Name}' may read its variables and parameters)");
            foreach (var n in names.Values)
                if (!rhs.Derivative(n).Simplify().Symbols().All(parameters.Contains))
                    throw _context.Unsupported(v.Line, $"a kernel ODE that is not linear in the variables of kernel '{kernel.Name}'");
            _builder.Ode(names[v.Name], rhs.ToString());
            var initial = ConstantFolding.Fold(_translator.Translate(v.Initial!)).Simplify();
            foreach (var s in initial.Symbols().Where(s => !parameters.Contains(s)))
                throw _context.Unsupported(v.Line, $"an initial value of the kernel variable '{v.Name}' that reads '{s}' (initial values of kernel variables are expressions of parameters)");
            if (initial is not NumberExpr { Value: 0 }) starts.Add((v, initial));
        }
        if (starts.Count == 0) throw _context.Error(kernel.Line, $"the kernel '{kernel.Name}' is zero: every variable of its ODEs starts at 0");
        if (starts.Count > 1)
            throw _context.Unsupported(kernel.Line,
                $"a kernel whose ODEs start with several variables away from zero ({string.Join(", ", starts.Select(s => s.Variable.Name))}): a Meta receptor adds each weight to one state");
        var (start, scale) = starts[0];
        AddEffect(port.Name, names[start.Name], scale, line, perNestWeight: false, kind);
        return new KernelUse(state, [.. names.Values.Where(n => n != state)], kind, new KernelForm(KernelShape.OdeSystem, new NumberExpr(0), new NumberExpr(1)));
    }
}
