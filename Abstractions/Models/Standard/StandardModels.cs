namespace Meta.Models.Standard;

/// <summary>The catalogue of standard models by PyNN name.</summary>
public static class StandardModels
{
    private static readonly Dictionary<string, ModelDefinition> s_models = new[]
    {
        IntegrateAndFire.IF_curr_exp, IntegrateAndFire.IF_curr_alpha, IntegrateAndFire.IF_cond_exp,
        IntegrateAndFire.IF_cond_alpha, IntegrateAndFire.IF_curr_delta, IntegrateAndFire.IF_cond_exp_gsfa_grr,
        IntegrateAndFire.IF_facets_hardware1, HodgkinHuxley.HH_cond_exp, AdaptiveExponential.EIF_cond_alpha_isfa_ista,
        AdaptiveExponential.EIF_cond_exp_isfa_ista, IzhikevichModels.Izhikevich, GeneralizedIntegrateAndFire.GIF_cond_exp,
        SpikeSources.SpikeSourcePoisson, SpikeSources.SpikeSourcePoissonMultiple, SpikeSources.SpikeSourceArray,
        SpikeSources.SpikeSourceGamma, SpikeSources.SpikeSourcePoissonRefractory, SpikeSources.SpikeSourceInhGamma,
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>All standard models.</summary>
    public static IReadOnlyCollection<ModelDefinition> All => s_models.Values;

    /// <summary>Looks a model up by its PyNN name; the error lists the known names.</summary>
    public static ModelDefinition Get(string name) =>
        s_models.TryGetValue(name, out var m)
            ? m
            : throw new InvalidModelException($"Unknown cell type '{name}' (standard cell types: {string.Join(", ", s_models.Keys.Order())}).");

    /// <summary>Looks a model up without throwing.</summary>
    public static bool TryGet(string name, out ModelDefinition model) => s_models.TryGetValue(name, out model!);
}
