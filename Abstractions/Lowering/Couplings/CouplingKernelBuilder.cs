using Meta.Backends.Programs;
using Meta.Expressions;
using Meta.Models;

namespace Meta.Lowering.Couplings;

/// <summary>
/// Lowers a <see cref="CouplingModel"/> into the <see cref="CouplingKernel"/> every backend runs (docs/semantics.md,
/// "Continuous coupling"): the currents as they stand (named constants folded), the mirror current of a bidirectional type,
/// and each state's ODE as one exponential-Euler step, <c>s + f·(exp(b·dt) − 1)/b</c> with <c>f</c> the right-hand side and
/// <c>b = ∂f/∂s</c> at the start of the step (exact for ODEs linear in their state, as the graded synapse's is), or forward
/// Euler where <c>b</c> is 0.
/// </summary>
public static class CouplingKernelBuilder
{
    /// <summary>The kernel of <paramref name="model"/>; every parameter and state is a per-connection buffer.</summary>
    public static CouplingKernel Build(CouplingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var buffers = model.Parameters.Select(p => new BufferDeclaration(p.Name, BufferRole.Parameter, Storage.PerCell))
            .Concat(model.States.Select(s => new BufferDeclaration(s.Name, BufferRole.State, Storage.PerCell))).ToArray();
        var update = new List<Statement>();
        foreach (var ode in model.Odes)
        {
            var f = Fold(ode.RightHandSide);
            var b = f.Derivative(ode.State);
            Expr s = new SymbolExpr(ode.State), dt = new SymbolExpr(KernelSymbols.Timestep);
            if (b is NumberExpr { Value: 0 }) { update.Add(new Store(ode.State, (s + dt * f).Simplify())); continue; }
            string fl = KernelSymbols.Local($"f_{ode.State}"), bl = KernelSymbols.Local($"b_{ode.State}");
            update.Add(new Let(fl, f));
            update.Add(new Let(bl, b));
            Expr fs = new SymbolExpr(fl), bs = new SymbolExpr(bl);
            update.Add(new Store(ode.State, s + fs * (new CallExpr("exp", [bs * dt]) - 1) / bs));
        }
        return new CouplingKernel
        {
            Model = model.Name,
            Buffers = buffers,
            PreStates = model.PreStates,
            PostStates = model.PostStates,
            PostCurrent = Fold(model.Current),
            PreCurrent = model.Bidirectional ? Fold(model.MirrorCurrent) : null,
            Update = update,
        };
    }

    private static Expr Fold(Expr e) =>
        e.Substitute(n => MathFunctions.Constants.TryGetValue(n, out var c) ? Expr.Const(c) : null).Simplify();
}
