using System.Collections.Concurrent;
using Meta.Backends.Programs;

namespace Meta.Backends.Torch.Kernels;

/// <summary>The process's compiled plans by kernel structure (<see cref="CellKernel.Key"/>), shared by every engine.</summary>
internal static class KernelPlans
{
    private static readonly ConcurrentDictionary<string, Lazy<KernelPlan>> s_plans = new(StringComparer.Ordinal);

    /// <summary>The plan of <paramref name="kernel"/>; <paramref name="compiled"/> tells whether this call built it.</summary>
    public static KernelPlan Get(CellKernel kernel, out bool compiled)
    {
        var made = new Lazy<KernelPlan>(() => new KernelPlan(kernel));
        var plan = s_plans.GetOrAdd(kernel.Key, made);
        compiled = ReferenceEquals(plan, made);
        return plan.Value;
    }
}
