using Meta.Backends.Ilgpu.Codegen;

namespace Meta.Backends.Ilgpu;

/// <summary>
/// Chooses the cell kernels' emitter (IL or C# through Roslyn) for one run in this process, as
/// <c>META_ILGPU_KERNEL_EMITTER</c> does for a whole process. A test entry point (internal: reflection finds it): the conformance tests call it through
/// reflection (the backend is loaded as a plugin there) to run one network with both emitters and compare the bits.
/// </summary>
internal static class EmitterScope
{
    /// <summary>
    /// Runs <paramref name="action"/> (which builds and runs simulations on this backend) with the IL emitter where
    /// <paramref name="il"/>, else with Roslyn, for the calling flow only; returns the names of the cell kernel types its
    /// loads took, in order (IL kernels' names begin with <c>IlgpuKernelIl_</c>, Roslyn's with <c>IlgpuKernel_</c>).
    /// </summary>
    public static IReadOnlyList<string> Run(bool il, Action action) => IlgpuIlKernels.Use(il, action);
}
