using Meta.Models;

namespace Meta.Conformance.References;

/// <summary>
/// The exact response of a leaky integrate-and-fire cell without synaptic input to a step current (the LIF
/// <c>*_step</c> reference scenarios): between spikes v relaxes exponentially to <c>v_rest + tau_m/cm·I</c>, a spike is
/// where that curve reaches <c>v_thresh</c> (a logarithm), and v is held at <c>v_reset</c> for <c>tau_refrac</c> ms.
/// </summary>
public static class AnalyticLif
{
    /// <summary>The cell types whose step-current response this solves (their conductances stay 0 without input).</summary>
    public static bool Solves(ReferenceTrace reference) =>
        reference.StimulusKind == "StepCurrentSource"
        && reference.CellType is "IF_curr_exp" or "IF_curr_alpha" or "IF_cond_exp" or "IF_cond_alpha";

    /// <summary>The exact spike times and v sampled every <paramref name="sampleDt"/> ms from 0 to the reference's end.</summary>
    public static (double[] Spikes, double[] V) Solve(ReferenceTrace reference, ModelDefinition model, double sampleDt)
    {
        double P(string name) => reference.Parameters.TryGetValue(name, out var v) ? v : model.Parameters.First(p => p.Name == name).Default;
        double tau = P("tau_m"), rm = tau / P("cm"), refrac = P("tau_refrac"), rest = P("v_rest"), reset = P("v_reset"), thresh = P("v_thresh"), offset = P("i_offset");
        var edges = new List<double> { 0 };
        edges.AddRange(reference.StepTimes);
        edges.Add(reference.TStop);
        var levels = new List<double> { 0 };
        levels.AddRange(reference.StepAmplitudes);
        // Pieces of the solution: (t0, t1, v0, vInf) relax from v0 towards vInf; v0 NaN: clamped at vInf.
        var pieces = new List<(double T0, double T1, double V0, double VInf)>();
        var spikes = new List<double>();
        double t = 0, v = rest, refractoryUntil = double.NegativeInfinity;
        for (int k = 0; k < levels.Count; k++)
        {
            double end = edges[k + 1], vInf = rest + rm * (levels[k] + offset);
            while (t < end)
            {
                if (refractoryUntil > t)
                {
                    double t1 = Math.Min(refractoryUntil, end);
                    pieces.Add((t, t1, double.NaN, reset));
                    (t, v) = (t1, reset);
                    continue;
                }
                if (vInf > thresh && v < thresh)
                {
                    double ts = t + tau * Math.Log((vInf - v) / (vInf - thresh));
                    if (ts < end)
                    {
                        pieces.Add((t, ts, v, vInf));
                        spikes.Add(ts);
                        (t, v, refractoryUntil) = (ts, reset, ts + refrac);
                        continue;
                    }
                }
                pieces.Add((t, end, v, vInf));
                v = vInf + (v - vInf) * Math.Exp(-(end - t) / tau);
                t = end;
            }
        }
        var samples = new double[(int)Math.Round(reference.TStop / sampleDt) + 1];
        int piece = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            double ti = i * sampleDt;
            while (piece < pieces.Count - 1 && ti > pieces[piece].T1) piece++;
            var (t0, _, v0, target) = pieces[piece];
            samples[i] = double.IsNaN(v0) ? target : target + (v0 - target) * Math.Exp(-(ti - t0) / tau);
        }
        return (spikes.ToArray(), samples);
    }
}
