namespace Meta.Conformance.References;

/// <summary>
/// How close a backend must come to NEURON's dt = 0.01 ms trace of a cell type, and why (measured; docs/semantics.md): the
/// cross-check beside the primary bound against the converged solution (<see cref="ConvergedTolerance"/>).
/// The integrate-and-fire cells meet the tight default: at dt = 0.01 ms the spikes within two steps and v within
/// 0.02 mV RMS, 0.1 mV max; at dt = 0.1 ms the spikes within 1.0 ms and v within 0.4 mV RMS, which is what NEURON's
/// own dt = 0.1 run achieves. For the other cells NEURON's dt = 0.01 trace is itself not converged (PyNN's NEURON
/// backend integrates with backward Euler): Meta's runs at dt = 0.01 and 0.001 agree with each other more closely
/// than with NEURON, so the bounds there are NEURON's measured error plus a margin.
/// </summary>
/// <param name="SpikeGap">The largest allowed spike-time difference (ms).</param>
/// <param name="VoltageRms">The largest allowed RMS difference of v away from spikes (mV).</param>
/// <param name="VoltageMax">The largest allowed difference of v away from spikes (mV; checked at dt ≤ 0.01).</param>
/// <param name="Why">The measured reason for the bound.</param>
public sealed record ReferenceTolerance(double SpikeGap, double VoltageRms, double VoltageMax, string Why)
{
    /// <summary>The tolerance for <paramref name="cellType"/> at time step <paramref name="dt"/>.</summary>
    public static ReferenceTolerance For(string cellType, double dt)
    {
        bool fine = dt <= 0.01;
        return cellType switch
        {
            "HH_cond_exp" => fine
                ? new(0.25, 0.2, 0.6, "NEURON's dt=0.01 spikes lag the converged solution (Meta at dt=0.001) by 0.17-0.19 ms")
                : new(0.6, 0.4, 1.0, "four sub-steps of the exponential midpoint scheme put the spikes within 0.22 ms of the converged solution (Meta at dt=0.001; docs/accuracy.md); NEURON's dt=0.01 trace lags that by 0.19 ms, so 0.41 ms from it is measured"),
            "Izhikevich" => fine
                ? new(0.15, 0.05, 0.25, "NEURON's dt=0.01 spikes lag the converged solution by up to 0.08 ms; Brian2 differs from NEURON by 0.34 ms")
                : new(2.0, 0.4, 1.0, "resets on the step grid accumulate up to half a step per spike over 14 spikes; Brian2's dt=0.1 run is 2.8 ms away"),
            "EIF_cond_alpha_isfa_ista" or "EIF_cond_exp_isfa_ista" => fine
                ? new(0.1, 0.05, 0.2, "NEURON's dt=0.01 spikes lag the converged solution by 0.05 ms at the fifth spike")
                : new(1.0, 0.4, 1.0, "NEURON's own dt=0.1 run is 17 ms away; Brian2's 0.2 ms"),
            "IF_cond_exp_gsfa_grr" => fine
                ? new(0.05, 0.02, 0.1, "NEURON's dt=0.01 spikes lag the converged solution by 0.02-0.05 ms")
                : new(1.0, 0.4, 1.0, "as NEURON's own dt=0.1 run"),
            _ => fine
                ? new(2 * dt, 0.02, 0.1, "both NEURON and Brian2 are accurate at dt=0.01 for the LIF family")
                : new(1.0, 0.4, 1.0, "as NEURON's own dt=0.1 run (1.0 ms, 0.34 mV RMS)"),
        };
    }
}
