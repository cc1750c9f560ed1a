using Meta.Backends.Programs;

namespace Meta.Backends.Runtime;

/// <summary>
/// A projection with a synapse kernel as a backend holds it (its kernel's buffers, its compiled event code, its delays):
/// what <see cref="StepEngine"/> reads and changes between runs. The engine decides what a change needs (values in place,
/// or a new kernel when the structure changed); the backend only does it, in its own memory.
/// </summary>
public interface IPlasticSynapses
{
    /// <summary>The kernel it runs now.</summary>
    SynapseKernel Kernel { get; }

    /// <summary>Buffer <paramref name="name"/> of <see cref="Kernel"/> in connection order (one value for a uniform buffer).</summary>
    double[] Read(string name);

    /// <summary>Sets buffer values of <see cref="Kernel"/>, laid out as in <see cref="SynapseGroupProgram.Values"/> (connection order; one value for a uniform buffer). Compiles nothing.</summary>
    void SetValues(IReadOnlyDictionary<string, double[]> values);

    /// <summary>
    /// Runs <paramref name="kernel"/> (another structure) from now on: compiles it or takes it from a cache (telling
    /// <paramref name="countKernel"/> which), and lays its buffers out with the values of <paramref name="values"/>; a buffer
    /// not given keeps its current values when the running kernel has it (the states, when a parameter's storage changed).
    /// </summary>
    void SetKernel(SynapseKernel kernel, IReadOnlyDictionary<string, double[]> values, Action<bool> countKernel);

    /// <summary>Sets the delays (steps, connection order; checked to fit the rings) and their axonal and dendritic parts.</summary>
    void SetDelays(double[] specOrderSteps);
}
