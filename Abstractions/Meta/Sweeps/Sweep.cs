using System.Diagnostics;
using Meta.Backends;
using Meta.Lowering.Measures;
using Meta.Models;
using Meta.Network;

namespace Meta.Sweeps;

/// <summary>
/// A parameter sweep (docs/sweeps.md): many variants of one network, each given by a <see cref="ParameterSet"/>, run
/// together as one batch (one program, one compile, one run: <see cref="Lowering.Batching.NetworkBatch"/>) on any backend,
/// with variant-level measures (<see cref="PopulationMeasures"/>) and, optionally, a thermalisation whose end states are
/// cached on disk (<see cref="Thermalise"/>). Variant b gives exactly what the network gives when run alone with b's values
/// and seed.
/// </summary>
public sealed class Sweep
{
    private readonly IBackend _backend;
    private readonly Func<ulong, Simulation> _create;
    private readonly ulong _seed;
    private double _thermaliseMs;
    private string? _cacheDirectory;
    private bool _useCache = true;

    /// <summary>
    /// A sweep over the network that <paramref name="build"/> creates in a fresh simulation on <paramref name="backend"/> with
    /// <paramref name="options"/> (a variant's seed replaces <see cref="SimulationOptions.Seed"/>).
    /// </summary>
    public Sweep(IBackend backend, Action<Simulation> build, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(build);
        var settings = options ?? new SimulationOptions();
        if (settings.SpikePrecision != Network.SpikePrecision.OnGrid)
            throw new InvalidParameterValueException("spike_precision \"off_grid\" is not supported by sweeps yet (their spike measures count whole steps); use \"on_grid\".");
        _backend = backend;
        _seed = settings.Seed;
        _create = seed =>
        {
            var simulation = new Simulation(backend, settings with { Seed = seed });
            build(simulation);
            return simulation;
        };
    }

    /// <summary>
    /// A sweep over networks that <paramref name="create"/> builds for a seed (for example from a network file), with
    /// <paramref name="seed"/> for the variants that name none.
    /// </summary>
    public Sweep(IBackend backend, Func<ulong, Simulation> create, ulong seed)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _create = create ?? throw new ArgumentNullException(nameof(create));
        _seed = seed;
    }

    /// <summary>
    /// Runs every variant for <paramref name="milliseconds"/> from its initial values before each measured run, which then
    /// starts at t = 0 from the state reached (cell states and coupling states; queued spikes, refractory counters and
    /// plastic synapse states start afresh). The states are cached in <paramref name="cacheDirectory"/> (null: the
    /// default, <see cref="ThermalisationCache.DefaultDirectory"/>) unless <paramref name="useCache"/> is false.
    /// </summary>
    public Sweep Thermalise(double milliseconds, string? cacheDirectory = null, bool useCache = true)
    {
        if (!(milliseconds >= 0) || double.IsInfinity(milliseconds))
            throw new InvalidParameterValueException($"Thermalise needs a non-negative duration, got {milliseconds} ms.");
        _thermaliseMs = milliseconds;
        _cacheDirectory = cacheDirectory;
        _useCache = useCache;
        return this;
    }

    /// <summary>
    /// Runs every variant of <paramref name="sets"/> for <paramref name="duration"/> ms and measures it.
    /// <paramref name="progress"/>, if given, is told the phase ("thermalising", "running") and the fraction done.
    /// </summary>
    public SweepResult Run(IReadOnlyList<ParameterSet> sets, double duration, SweepOptions? options = null, Action<string, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0) throw new InvalidParameterValueException("A sweep needs at least one parameter set.");
        if (!(duration > 0)) throw new InvalidParameterValueException($"A sweep needs a positive duration, got {duration} ms.");
        options ??= new SweepOptions();
        foreach (int v in options.RecordVariants)
            if (v < 0 || v >= sets.Count) throw new InvalidParameterValueException($"Cannot record variant {v}: the sweep has variants 0 to {sets.Count - 1}.");

        var clock = Stopwatch.StartNew();
        var (specs, engineOptions) = Resolve(sets);
        double resolveSeconds = clock.Elapsed.TotalSeconds;
        var runner = new BatchRunner(_backend, engineOptions);
        double dt = specs[0].Timestep;

        clock.Restart();
        var fromCache = new bool[sets.Count];
        if (_thermaliseMs > 0) ThermaliseAll(specs, runner, engineOptions.Precision, options.OneByOne, fromCache, progress);
        double thermaliseSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        long steps = Math.Max(1, (long)Math.Round(duration / dt));
        var neurons = specs[0].Populations.Where(p => p.Model.Kind == ModelKind.Neuron).ToArray();
        int[]? pyloric = options.Pyloric is { } labels ? PyloricRecorders(neurons, labels) : null;
        bool onDevice = options.MeasuresOnDevice && options.Pyloric is null
                        && (engineOptions.Precision == Precision.Float64 || steps <= SpikeMeasureLowering.Float32StepLimit);
        var all = Enumerable.Range(0, sets.Count).ToHashSet();
        var recorders = onDevice
            ? neurons.SelectMany(p => SpikeMeasureLowering.States.Select(s => new VariantRecorder(p.Index, s, Enumerable.Range(0, p.Size).ToArray(), checked((int)steps), all))).ToList()
            : neurons.Select(p => new VariantRecorder(p.Index, "spikes", Enumerable.Range(0, p.Size).ToArray(), 1, all)).ToList();
        int first = recorders.Count;
        var recorded = options.RecordVariants.ToHashSet();
        var own = specs[0].Recorders;
        recorders.AddRange(own.Select(r => new VariantRecorder(r.Population, r.Variable, r.Cells, r.IntervalSteps, recorded)));
        var outcome = runner.Run(specs, recorders, steps, options.OneByOne, readCouplingStates: false, onDevice ? options.BurstMaxInterval : null,
            progress is null ? null : f => progress("running", f));
        double runSeconds = clock.Elapsed.TotalSeconds;

        var variants = new VariantResult[sets.Count];
        for (int v = 0; v < sets.Count; v++)
        {
            variants[v] = new VariantResult
            {
                Index = v,
                Parameters = sets[v],
                Seed = specs[v].Seed,
                Populations = neurons.Select((p, r) => onDevice
                    ? VariantMeasures.FromDevice(p.Label, FinalMeasures(outcome, r, v, p.Size, steps), steps * dt, dt)
                    : VariantMeasures.Of(p.Label, p.Size, outcome.Spikes[r, v]!, steps * dt, dt, options.BurstMaxInterval)).ToArray(),
                ThermalisedFromCache = fromCache[v],
                Pyloric = pyloric is null ? null : Analysis.PyloricRhythm.Measure(FirstCell(outcome.Spikes[pyloric[0], v]!, dt),
                    FirstCell(outcome.Spikes[pyloric[1], v]!, dt), FirstCell(outcome.Spikes[pyloric[2], v]!, dt), options.PyloricFrom, options.BurstMaxInterval),
                Recording = recorded.Contains(v) ? Recording(specs[v], own, outcome, first, v, dt) : null,
            };
        }
        return new SweepResult
        {
            Variants = variants,
            Batched = outcome.Batched,
            MeasuredOnDevice = onDevice,
            BatchRefusal = outcome.Refusal,
            DurationMs = steps * dt,
            ThermaliseMs = _thermaliseMs,
            ResolveSeconds = resolveSeconds,
            ThermaliseSeconds = thermaliseSeconds,
            RunSeconds = runSeconds,
            LoadSeconds = outcome.LoadSeconds,
        };
    }

    /// <summary>
    /// The values of the spike measures of neuron population <paramref name="population"/> (its position among the neuron
    /// populations) of variant <paramref name="variant"/> at the end of the run: per measure state, one value per cell.
    /// </summary>
    private static double[][] FinalMeasures(BatchOutcome outcome, int population, int variant, int size, long steps)
    {
        int count = SpikeMeasureLowering.States.Count;
        var result = new double[count][];
        for (int m = 0; m < count; m++)
        {
            var samples = outcome.Samples[population * count + m, variant]!;
            if (samples.FirstStep + (samples.Count - 1) * steps != steps)
                throw new InvalidOperationException($"The spike measures were sampled last at step {samples.FirstStep + (samples.Count - 1) * steps}, not {steps}.");
            result[m] = samples.Values[((samples.Count - 1) * size)..];
        }
        return result;
    }

    /// <summary>The positions (among the neuron populations) of the pacemaker, LP and PY populations; the error lists the labels.</summary>
    private static int[] PyloricRecorders(PopulationSpec[] neurons, (string Pacemaker, string LP, string PY) labels) =>
        new[] { labels.Pacemaker, labels.LP, labels.PY }.Select(label =>
        {
            int r = Array.FindIndex(neurons, p => p.Label == label);
            return r >= 0 ? r : throw new InvalidParameterValueException(
                $"The pyloric rhythm needs a neuron population labelled '{label}' (neuron populations: {string.Join(", ", neurons.Select(p => p.Label))}).");
        }).ToArray();

    private static double[] FirstCell(VariantSpikes spikes, double dt) =>
        spikes.Cells.Select((c, i) => (c, i)).Where(x => x.c == 0).Select(x => spikes.Steps[x.i] * dt).ToArray();

    /// <summary>Builds and resolves every variant: its own simulation, seed and values, checked as a run would check them.</summary>
    private (NetworkSpec[] Specs, EngineOptions Engine) Resolve(IReadOnlyList<ParameterSet> sets)
    {
        var specs = new NetworkSpec[sets.Count];
        EngineOptions? engine = null;
        for (int v = 0; v < sets.Count; v++)
        {
            using var simulation = _create(sets[v].Seed ?? _seed);
            VariantTargets.Apply(simulation, sets[v]);
            foreach (var p in simulation.Populations) p.ValidateParameters();
            specs[v] = simulation.Resolve();
            if (v == 0) simulation.CheckCapabilities(specs[v]);
            engine ??= new EngineOptions { Precision = simulation.Options.Precision, Device = simulation.Options.Device, Threads = simulation.Options.Threads };
        }
        return (specs, engine!);
    }

    /// <summary>Replaces every variant's initial state with its thermalised state, from the cache or by running the misses as one batch.</summary>
    private void ThermaliseAll(NetworkSpec[] specs, BatchRunner runner, Precision? precision, bool oneByOne, bool[] fromCache, Action<string, double>? progress)
    {
        long steps = Math.Max(1, (long)Math.Round(_thermaliseMs / specs[0].Timestep));
        var cache = _useCache ? new ThermalisationCache(_cacheDirectory) : null;
        var keys = specs.Select(s => ThermalisationCache.KeyOf(s, steps, _backend.Descriptor.Name, precision)).ToArray();
        var states = keys.Select(k => cache?.TryLoad(k)).ToArray();
        var misses = Enumerable.Range(0, specs.Length).Where(v => states[v] is null).ToArray();
        if (misses.Length > 0)
        {
            var positions = Enumerable.Range(0, misses.Length).ToHashSet();
            var recorders = specs[0].Populations.Where(p => p.Model.Kind == ModelKind.Neuron)
                .SelectMany(p => p.Model.States.Select(s => new VariantRecorder(p.Index, s.Name, Enumerable.Range(0, p.Size).ToArray(), checked((int)steps), positions)))
                .ToArray();
            var outcome = runner.Run(misses.Select(v => specs[v]).ToArray(), recorders, steps, oneByOne, readCouplingStates: true, spikeMeasureInterval: null,
                progress is null ? null : f => progress("thermalising", f));
            for (int k = 0; k < misses.Length; k++)
            {
                var state = new Dictionary<string, double[]>(StringComparer.Ordinal);
                for (int r = 0; r < recorders.Length; r++)
                {
                    var samples = outcome.Samples[r, k]!;
                    int cells = recorders[r].Cells.Length;
                    if (samples.FirstStep + (samples.Count - 1) * steps != steps)
                        throw new InvalidOperationException($"The thermalisation recorded its last sample at step {samples.FirstStep + (samples.Count - 1) * steps}, not {steps}.");
                    state[$"population/{recorders[r].Population}/{recorders[r].Variable}"] = samples.Values[((samples.Count - 1) * cells)..];
                }
                foreach (var ((coupling, name), values) in outcome.CouplingStates[k]) state[$"coupling/{coupling}/{name}"] = values;
                states[misses[k]] = state;
                cache?.Store(keys[misses[k]], state);
            }
        }
        for (int v = 0; v < specs.Length; v++)
        {
            fromCache[v] = !misses.Contains(v);
            specs[v] = WithState(specs[v], states[v]!);
        }
    }

    /// <summary>The variant with its initial cell states and coupling states replaced by <paramref name="state"/>.</summary>
    internal static NetworkSpec WithState(NetworkSpec spec, IReadOnlyDictionary<string, double[]> state) => new()
    {
        Timestep = spec.Timestep,
        Seed = spec.Seed,
        Populations = spec.Populations.Select(p => new PopulationSpec
        {
            Index = p.Index,
            Label = p.Label,
            Size = p.Size,
            Model = p.Model,
            Parameters = p.Parameters,
            Sequences = p.Sequences,
            InitialValues = p.InitialValues.ToDictionary(kv => kv.Key,
                kv => state.TryGetValue($"population/{p.Index}/{kv.Key}", out var values) ? values : kv.Value),
            FirstGlobalIndex = p.FirstGlobalIndex,
        }).ToArray(),
        Projections = spec.Projections,
        Couplings = spec.Couplings.Select(c => c with
        {
            Values = c.Values.ToDictionary(kv => kv.Key, kv => state.TryGetValue($"coupling/{c.Index}/{kv.Key}", out var values) ? values : kv.Value),
        }).ToArray(),
        CurrentSources = spec.CurrentSources,
        Recorders = spec.Recorders,
    };

    private static VariantRecording Recording(NetworkSpec spec, IReadOnlyList<Backends.Programs.RecorderSpec> own, BatchOutcome outcome, int first, int v, double dt)
    {
        var spikes = new List<RecordedSpikes>();
        var signals = new List<RecordedSignal>();
        for (int i = 0; i < own.Count; i++)
        {
            var rec = own[i];
            string label = spec.Populations[rec.Population].Label;
            if (rec.IsSpikes)
            {
                var data = outcome.Spikes[first + i, v]!;
                var position = rec.Cells.Select((c, k) => (c, k)).ToDictionary(x => x.c, x => x.k);
                var times = rec.Cells.Select(_ => new List<double>()).ToArray();
                for (int s = 0; s < data.Cells.Length; s++) times[position[data.Cells[s]]].Add(data.Steps[s] * dt);
                spikes.Add(new RecordedSpikes(label, rec.Cells, times.Select(t => t.ToArray()).ToArray()));
            }
            else
            {
                var data = outcome.Samples[first + i, v]!;
                var t = Enumerable.Range(0, data.Count).Select(k => (data.FirstStep + (long)k * rec.IntervalSteps) * dt).ToArray();
                signals.Add(new RecordedSignal(label, rec.Variable, rec.Cells, t, data.Values));
            }
        }
        return new VariantRecording(spikes, signals);
    }
}
