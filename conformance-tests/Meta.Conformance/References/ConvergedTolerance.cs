namespace Meta.Conformance.References;

/// <summary>
/// How close a backend must come to the converged solution of a reference scenario (<see cref="ConvergedSolution"/>), and
/// why: the error Meta's scheme has at that step, measured on the CPU backend in float64 (docs/accuracy.md), with a margin.
/// Spike-time errors on the step grid are whole steps: a spike is stamped at the end of the step in which v crosses, and
/// with refractoriness counted in steps each interspike interval can lengthen by up to one step.
/// </summary>
/// <param name="SpikeGap">The largest allowed distance (ms) from a spike to the nearest converged spike.</param>
/// <param name="VoltageRms">The largest allowed RMS error of v (mV) more than 5 ms away from spikes.</param>
/// <param name="Why">The measured reason for the bound.</param>
public sealed record ConvergedTolerance(double SpikeGap, double VoltageRms, string Why)
{
    /// <summary>The bound for <paramref name="scenario"/> (a reference scenario name) at time step <paramref name="dt"/>.</summary>
    public static ConvergedTolerance For(string scenario, double dt)
    {
        bool fine = dt <= 0.01;
        const string grid = "spikes stamped at the end of the crossing step";
        return scenario switch
        {
            "IF_curr_exp_step" or "IF_curr_alpha_step" or "IF_cond_exp_step" or "IF_cond_alpha_step" => fine
                ? new(0.12, 0.01, $"{grid}: the exact interval 9.5004 ms just exceeds a multiple of dt, so each of 11 intervals comes out nearly a step long (0.108 ms measured); v exact for constant input")
                : new(1.1, 0.01, $"{grid}: each of 11 intervals nearly a step long (1.008 ms measured; NEURON 1.108, Brian2 0.092); v exact for constant input"),
            "IF_curr_exp_syn" => fine ? new(0.02, 0.01, $"{grid} (0.006 ms, 0.0027 mV measured)") : new(0.2, 0.1, $"{grid} (0.094 ms, 0.05 mV measured; NEURON 0.044 ms)"),
            "IF_cond_exp_syn" => fine
                ? new(0.1, 0.05, $"{grid}, 10 spikes (0.075 ms, 0.034 mV measured; NEURON 0.075 ms)")
                : new(0.6, 0.3, $"{grid}, 10 spikes (0.519 ms, 0.25 mV measured; NEURON 0.485 ms)"),
            "IF_curr_alpha_syn" or "IF_cond_alpha_syn" => fine
                ? new(0.02, 0.005, "no spikes; exact synapses, exponential Euler membrane (0.0002 mV measured)")
                : new(0.2, 0.03, "no spikes; exact synapses, exponential Euler membrane (0.016 mV measured; NEURON 0.008 mV)"),
            "IF_cond_exp_gsfa_grr_step" => fine ? new(0.03, 0.02, $"{grid} (0.021 ms, 0.01 mV measured)") : new(0.15, 0.05, $"{grid} (0.111 ms, 0.037 mV measured; NEURON 0.71 ms)"),
            "HH_cond_exp_step" => fine
                ? new(0.05, 0.03, "exponential midpoint, second order (0.032 ms, 0.014 mV measured; NEURON 0.19 ms)")
                : new(0.3, 0.1, "four exponential midpoint sub-steps (0.222 ms, 0.074 mV measured; NEURON 0.38 ms)"),
            "EIF_cond_exp_isfa_ista_step" or "EIF_cond_alpha_isfa_ista_step" => fine
                ? new(0.05, 0.02, "RK4 (0.035 ms, 0.012 mV measured; NEURON 0.045 ms)")
                : new(0.3, 0.1, "RK4 (0.235 ms, 0.077 mV measured; NEURON 17 ms)"),
            "Izhikevich_step" => fine
                ? new(0.08, 0.03, $"RK4; {grid}, resets wait for the end of the step (0.058 ms, 0.017 mV measured; NEURON 0.084 ms)")
                : new(1.6, 0.4, $"RK4; {grid}, resets wait for the end of the step: 14 intervals lengthen by up to a step (1.508 ms, 0.30 mV measured; NEURON 0.51 ms)"),
            _ => fine
                ? new(0.1, 0.05, "no measured bound for this scenario: NEURON's error at dt=0.01")
                : new(1.0, 0.4, "no measured bound for this scenario: NEURON's error at dt=0.1"),
        };
    }
}
