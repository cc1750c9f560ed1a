using Meta.Backends.Runtime;
using Meta.Backends.Cpu.Codegen;
using Meta.Models;
using Meta.Expressions;
using Meta.Lowering;
using Meta.Network;
using Meta.Random;

namespace Meta.Backends.Cpu;

/// <summary>The cells of one population on the CPU: a neuron group or a spike source group.</summary>
internal abstract class CellGroup(PopulationSpec spec)
{
    public PopulationSpec Spec { get; } = spec;
    public int Size => Spec.Size;
    public abstract void SetParameter(string name, double[] values);
    public abstract void SetSequence(string name, double[][] values, long currentStep);
    public abstract void Reset(IReadOnlyDictionary<string, double[]> initial);
    public abstract double[] StateArray(string name);
}

/// <summary>A population of model neurons updated by a compiled kernel.</summary>
internal sealed class NeuronGroup : CellGroup
{
    private NeuronKernel _kernel = null!;
    private readonly IntegrationPlan _plan;
    private readonly string[] _stateNames;
    private readonly string[] _parameterNames;
    private readonly double _dt;
    private readonly ulong _seed;
    private readonly ulong[][] _drawStreams;

    public NeuronGroup(PopulationSpec spec, double dt, ulong seed) : base(spec)
    {
        _dt = dt;
        _seed = seed;
        var model = spec.Model;
        _plan = IntegrationPlan.For(model);
        _stateNames = model.States.Select(s => s.Name).ToArray();
        _parameterNames = model.KernelParameters.ToArray();
        int w = KernelGenerator.Width;
        PaddedSize = (Size + w - 1) / w * w;
        State = _stateNames.Select(n => Pad(spec.InitialValues[n])).ToArray();
        Parameters = _parameterNames.Select(n => Pad(spec.Parameters[n])).ToArray();
        Coefficients = _plan.Coefficients.Select(_ => new double[PaddedSize]).ToArray();
        Refractory = new double[PaddedSize];
        RefractorySteps = new double[PaddedSize];
        Injected = new double[PaddedSize];
        Spiked = new double[PaddedSize];
        Receptors = model.Receptors.Select(r => new Receptor(r, Array.IndexOf(_stateNames, r.Target), new double[PaddedSize])).ToArray();
        Draws = Enumerable.Range(0, model.RandomDraws).Select(_ => new double[PaddedSize]).ToArray();
        _drawStreams = Enumerable.Range(0, model.RandomDraws)
            .Select(d => Enumerable.Range(0, PaddedSize).Select(i => RandomStreams.NeuronDraw(spec.FirstGlobalIndex + Math.Min(i, Size - 1), d)).ToArray())
            .ToArray();
        Recompute();
    }

    /// <summary>The size rounded up to the SIMD width; padding lanes copy the last cell and are never read.</summary>
    public int PaddedSize { get; }
    public double[][] State { get; }
    public double[][] Parameters { get; }
    public double[][] Coefficients { get; }
    /// <summary>Remaining refractory steps per cell.</summary>
    public double[] Refractory { get; }
    /// <summary>The refractory period in steps per cell.</summary>
    public double[] RefractorySteps { get; }
    public double[] Injected { get; }
    /// <summary>1 where the cell spiked at the end of the last step.</summary>
    public double[] Spiked { get; }

    /// <summary>A copy of per-cell values padded to <see cref="PaddedSize"/> by repeating the last cell.</summary>
    private double[] Pad(double[] values)
    {
        var padded = new double[PaddedSize];
        values.CopyTo(padded, 0);
        for (int i = values.Length; i < PaddedSize; i++) padded[i] = values[^1];
        return padded;
    }
    public Receptor[] Receptors { get; }
    /// <summary>The delay ring of each receptor; set by the engine.</summary>
    public double[][] Rings { get; set; } = [];
    private double[][] _ringScales = [];

    /// <summary>A receptor: incoming weights (times its per-cell scale) are added to one state variable.</summary>
    internal sealed record Receptor(ReceptorDefinition Definition, int StateIndex, double[] Scale);

    /// <summary>This step's <c>uniform()</c> draws per cell, one array per draw of the model.</summary>
    public double[][] Draws { get; }

    /// <summary>
    /// Advances cells [begin, end) by step <paramref name="step"/>; <paramref name="slotOffset"/> locates this step's input
    /// in the rings. The model's random draws of the step are made first (docs/semantics.md).
    /// </summary>
    public void Update(int begin, int end, int slotOffset, long step)
    {
        for (int d = 0; d < Draws.Length; d++)
        {
            var draws = Draws[d];
            var streams = _drawStreams[d];
            for (int i = begin; i < end; i++) draws[i] = Philox.Uniform(_seed, streams[i], (ulong)step);
        }
        _kernel(begin, end, State, Parameters, Coefficients, Injected, Refractory, RefractorySteps, Spiked, Rings, _ringScales, Draws, slotOffset, _dt, step * _dt);
    }

    public override void SetParameter(string name, double[] values)
    {
        int k = Array.IndexOf(_parameterNames, name);
        if (k < 0) throw new NonExistentParameterException(name, Spec.Model.Name, _parameterNames);
        Pad(values).CopyTo(Parameters[k], 0);
        Recompute();
    }

    public override void SetSequence(string name, double[][] values, long currentStep) =>
        throw new NonExistentParameterException(name, Spec.Model.Name, _parameterNames);

    public override void Reset(IReadOnlyDictionary<string, double[]> initial)
    {
        for (int k = 0; k < _stateNames.Length; k++) Pad(initial[_stateNames[k]]).CopyTo(State[k], 0);
        Array.Clear(Refractory);
        Array.Clear(Spiked);
    }

    public override double[] StateArray(string name)
    {
        int k = Array.IndexOf(_stateNames, name);
        return k >= 0 ? State[k] : throw new NonExistentParameterException(name, Spec.Model.Name, _stateNames);
    }

    /// <summary>Per-cell coefficients, refractory step counts and receptor scales from the current parameters.</summary>
    private void Recompute()
    {
        var model = Spec.Model;
        for (int i = 0; i < PaddedSize; i++)
        {
            int cell = i;
            double Lookup(string n) => Parameters[Array.IndexOf(_parameterNames, n)][cell];
            var c = _plan.ComputeCoefficients(Lookup, _dt);
            for (int k = 0; k < c.Length; k++) Coefficients[k][i] = c[k];
            if (model.Refractory is { } r)
            {
                double period = r.Period.Evaluate(Lookup);
                if (!(period >= 0)) throw new InvalidParameterValueException($"The refractory period {r.Period} must be ≥ 0 ms, got {period} (cell {i} of '{Spec.Label}').");
                RefractorySteps[i] = Math.Round(period / _dt);
            }
            foreach (var rec in Receptors) rec.Scale[i] = rec.Definition.Scale.Evaluate(Lookup);
        }
        _ringScales = Receptors.Select(r => r.Scale).ToArray();

        // Values equal for every cell become literals in the kernel (the compiler folds them).
        var constants = new Dictionary<string, double>(StringComparer.Ordinal);
        void AddIfHomogeneous(string name, double[] values)
        {
            if (values.Length > 0 && values.All(v => v.Equals(values[0]))) constants[name] = values[0];
        }
        for (int k = 0; k < _parameterNames.Length; k++) AddIfHomogeneous(_parameterNames[k], Parameters[k]);
        for (int k = 0; k < _plan.Coefficients.Count; k++) AddIfHomogeneous(_plan.Coefficients[k].Name, Coefficients[k]);
        AddIfHomogeneous(KernelGenerator.RefractoryStepsName, RefractorySteps);
        foreach (var rec in Receptors) AddIfHomogeneous(KernelGenerator.ScaleName(rec.Definition.Name), rec.Scale);
        _kernel = KernelCompiler.Compile(model, constants);
    }
}

/// <summary>
/// Spike sources: Poisson (counter-based draws per step), or a host-scheduled source (arrays, gamma, Poisson with dead time,
/// inhomogeneous gamma) produced by the backend-neutral <see cref="HostSpikeSchedule"/>.
/// </summary>
internal sealed class SourceGroup : CellGroup
{
    private readonly string _kind;
    private readonly double _dt;
    private readonly ulong _seed;
    private double[] _rate, _start, _duration;
    private readonly HostSpikeSchedule? _schedule;

    public SourceGroup(PopulationSpec spec, double dt, ulong seed) : base(spec)
    {
        _kind = spec.Model.SourceKind!;
        _dt = dt;
        _seed = seed;
        _rate = spec.Parameters.GetValueOrDefault("rate") ?? [];
        _start = spec.Parameters.GetValueOrDefault("start") ?? [];
        _duration = spec.Parameters.GetValueOrDefault("duration") ?? [];
        if (HostSpikeSchedule.Handles(_kind)) _schedule = new HostSpikeSchedule(spec, dt, seed);
        else if (_kind != SpikeSourceKinds.Poisson) throw new NotSupportedByBackendException(CpuBackend.BackendName, $"Spike source {spec.Model.Name}");
    }

    /// <summary>Adds the cells that emit at time index s (a cell once per spike); <paramref name="lastIndex"/> is the run's last index.</summary>
    public void Emit(long s, long lastIndex, List<int> cells)
    {
        if (_schedule is not null)
        {
            foreach (int i in _schedule.WindowAt(s, lastIndex).CellsAt(s)) cells.Add(i);
            return;
        }
        double t = s * _dt;
        for (int i = 0; i < Size; i++)
        {
            if (t < _start[i] || t >= _start[i] + _duration[i] || _rate[i] <= 0) continue;
            double p = 1.0 - Math.Exp(-_rate[i] * _dt / 1000.0);
            double u = Philox.Uniform(_seed, RandomStreams.PoissonCell(Spec.FirstGlobalIndex + i), (ulong)s);
            if (u < p) cells.Add(i);
        }
    }

    public override void SetParameter(string name, double[] values)
    {
        if (_schedule is not null)
        {
            _schedule.SetParameter(name, values);
            return;
        }
        switch (name)
        {
            case "rate": _rate = (double[])values.Clone(); break;
            case "start": _start = (double[])values.Clone(); break;
            case "duration": _duration = (double[])values.Clone(); break;
            default: throw new NonExistentParameterException(name, Spec.Model.Name, Spec.Model.Parameters.Select(p => p.Name));
        }
    }

    public override void SetSequence(string name, double[][] values, long currentStep)
    {
        if (_schedule is null) throw new NonExistentParameterException(name, Spec.Model.Name, Spec.Model.Parameters.Select(p => p.Name));
        _schedule.SetSequence(name, values);
    }

    public override void Reset(IReadOnlyDictionary<string, double[]> initial) => _schedule?.Reset();

    public override double[] StateArray(string name) =>
        throw new RecordingException(name, Spec.Model.Name, Spec.Model.Recordables);
}
