using Meta.Backends.Programs;
using Meta.Backends.Torch.Expressions;

namespace Meta.Backends.Torch.Kernels;

/// <summary>An engine's compiled plans by kernel structure (<see cref="CellKernel.Key"/>).</summary>
internal sealed class KernelPlans(TensorArithmetic arithmetic)
{
    private readonly Dictionary<string, KernelPlan> _plans = new(StringComparer.Ordinal);

    /// <summary>The plan of <paramref name="kernel"/>; <paramref name="compiled"/> tells whether it was built now.</summary>
    public KernelPlan Get(CellKernel kernel, out bool compiled)
    {
        compiled = !_plans.TryGetValue(kernel.Key, out var plan);
        if (compiled) _plans[kernel.Key] = plan = new KernelPlan(kernel, arithmetic);
        return plan!;
    }
}
