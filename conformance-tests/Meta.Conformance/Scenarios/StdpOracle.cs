namespace Meta.Conformance.Scenarios;

/// <summary>
/// PyNN's STDP rules recomputed on the host from a run's own spike times, event by event, written independently of the
/// synapse models (docs/semantics.md, "Synapse dynamics"): a pre spike reaches the synapse <c>axonal</c> steps after it is
/// emitted, a post spike <c>dendritic</c> steps after; within a step pre events come first; a post event only accumulates
/// <c>deltaw</c>, which the next pre event applies and clips before transmitting.
/// </summary>
public sealed class StdpOracle
{
    /// <summary>The weight dependence: "additive", "multiplicative", "addpot-multdep", "gutig" or "vogels2011".</summary>
    public required string Rule { get; init; }
    /// <summary>Timing parameters (tau_plus, tau_minus, A_plus, A_minus; tau, eta, rho for Vogels 2011).</summary>
    public required IReadOnlyDictionary<string, double> Parameters { get; init; }
    /// <summary>w_min.</summary>
    public double WMin { get; init; }
    /// <summary>w_max.</summary>
    public double WMax { get; init; } = 1;
    /// <summary>The time step.</summary>
    public double Dt { get; init; } = 0.1;

    /// <summary>
    /// The weight of one synapse after every event up to step <paramref name="untilStep"/>, from its initial weight, the steps
    /// of its pre and post spikes and its axonal and dendritic delays in steps.
    /// </summary>
    public double Weight(double initial, IEnumerable<long> preSteps, IEnumerable<long> postSteps, int axonal, int dendritic, long untilStep)
    {
        var events = preSteps.Select(p => (Step: p + axonal, Post: false)).Concat(postSteps.Select(q => (Step: q + dendritic, Post: true)))
            .Where(e => e.Step <= untilStep).OrderBy(e => e.Step).ThenBy(e => e.Post).ToArray();
        double w = initial, deltaw = 0, P = 0, M = 0, last = 0, lastPre = -1e9, lastPost = -1e9;
        var p = Parameters;
        foreach (var (step, post) in events)
        {
            double t = step * Dt;
            if (Rule == "vogels2011")
            {
                if (!post)
                {
                    deltaw += p["eta"] * (Math.Exp(-(t - lastPost) / p["tau"]) - 2 * p["rho"] * p["tau"]);
                    lastPre = t;
                    w = Clip(w + deltaw);
                    deltaw = 0;
                }
                else
                {
                    deltaw += p["eta"] * Math.Exp(-(t - lastPre) / p["tau"]);
                    lastPost = t;
                }
                continue;
            }
            P *= Math.Exp(-(t - last) / p["tau_plus"]);
            M *= Math.Exp(-(t - last) / p["tau_minus"]);
            last = t;
            if (!post)
            {
                deltaw += Depression(w) * M;
                P += p["A_plus"];
                w = Clip(w + deltaw);
                deltaw = 0;
            }
            else
            {
                deltaw += Potentiation(w) * P;
                M -= p["A_minus"];
            }
        }
        return w;
    }

    private double Clip(double w) => Math.Min(Math.Max(w, WMin), WMax);

    private double Potentiation(double w) => Rule switch
    {
        "additive" or "addpot-multdep" => WMax,
        "multiplicative" => WMax - w,
        "gutig" => (WMax - WMin) * Math.Pow(Math.Max((WMax - w) / (WMax - WMin), 0), Parameters["mu_plus"]),
        _ => throw new ArgumentException(Rule),
    };

    private double Depression(double w) => Rule switch
    {
        "additive" => WMax,
        "multiplicative" or "addpot-multdep" => w - WMin,
        "gutig" => (WMax - WMin) * Math.Pow(Math.Max((w - WMin) / (WMax - WMin), 0), Parameters["mu_minus"]),
        _ => throw new ArgumentException(Rule),
    };
}
