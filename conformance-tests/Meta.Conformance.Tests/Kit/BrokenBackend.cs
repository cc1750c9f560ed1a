using Meta.Backends;
using Meta.Models;
using Meta.Network;

namespace Meta.Conformance.Tests.Kit;

/// <summary>
/// A deliberately broken backend for testing the suite: it wraps a real one and changes each neuron model before the
/// network is loaded (as a backend with a bug in its model compiler would).
/// </summary>
internal sealed class BrokenBackend(IBackend inner, string defect, Func<ModelDefinition, ModelDefinition> alter) : IBackend
{
    public BackendDescriptor Descriptor { get; } = inner.Descriptor with { Name = $"{inner.Descriptor.Name}-{defect}" };

    public IReadOnlyList<string> Devices => inner.Devices;

    public ISimulationEngine CreateEngine(EngineOptions options) => new Engine(inner.CreateEngine(options), alter);

    private sealed class Engine(ISimulationEngine engine, Func<ModelDefinition, ModelDefinition> alter) : ISimulationEngine
    {
        public long CurrentStep => engine.CurrentStep;

        public void Load(NetworkSpec network) => engine.Load(new NetworkSpec
        {
            Timestep = network.Timestep,
            Seed = network.Seed,
            Populations = network.Populations.Select(p => new PopulationSpec
            {
                Index = p.Index, Label = p.Label, Size = p.Size, Parameters = p.Parameters, Sequences = p.Sequences,
                InitialValues = p.InitialValues, FirstGlobalIndex = p.FirstGlobalIndex,
                Model = p.Model.Kind == ModelKind.Neuron ? alter(p.Model) : p.Model,
            }).ToArray(),
            Projections = network.Projections,
            CurrentSources = network.CurrentSources,
            Recorders = network.Recorders,
        });

        public RunResult Run(long steps, Action<double>? progress = null) => engine.Run(steps, progress);
        public void Update(NetworkUpdate update) => engine.Update(update);
        public void Reset(IReadOnlyList<IReadOnlyDictionary<string, double[]>> initialValues) => engine.Reset(initialValues);
        public void Dispose() => engine.Dispose();
    }

    /// <summary>A copy of <paramref name="model"/> whose reset and refractory clamp both use other assignments.</summary>
    public static ModelDefinition WithReset(ModelDefinition model, params string[] reset) => new()
    {
        Name = model.Name, Description = model.Description, Kind = model.Kind, SourceKind = model.SourceKind,
        Parameters = model.Parameters, States = model.States, Aliases = model.Aliases, Odes = model.Odes,
        Threshold = model.Threshold, Reset = reset.Select(AssignmentDefinition.Parse).ToArray(),
        Refractory = model.Refractory is { } r ? r with { Clamp = reset.Select(AssignmentDefinition.Parse).ToArray() } : null, Receptors = model.Receptors, ConductanceBased = model.ConductanceBased,
        Injectable = model.Injectable, Scheme = model.Scheme,
    };
}
