using Meta.Backends.Programs;
using Meta.Expressions;

namespace Meta.Lowering.Measures;

/// <summary>
/// Adds per-cell spike measures to the cell kernels of a step program, so that a sweep reads a few numbers per cell at the
/// end of a run instead of every spike time (docs/sweeps.md, "Measures on the device"). The statements are written once,
/// here, and every backend emits them as it emits any kernel: they are ordinary <see cref="BufferRole.State"/> buffers updated in the
/// reset phase where the cell spiked, so no backend changes and none can differ in meaning.
/// <para>
/// Times are counted in steps: a spike emitted in step k carries the stamp s = k + 1 (docs/semantics.md), computed in the
/// kernel as <c>floor(t/dt + 0.5) + 1</c>. Two consecutive spikes belong to one run when their stamps differ by less than
/// <see cref="GapSteps"/>; a run of at least two spikes is a burst (the rule of <c>Meta.Analysis.Bursts</c>, with its
/// largest interval turned into whole steps by <see cref="GapStepsOf"/>). Every value is a whole number below 2^24, so it
/// is exact in float32 as in float64; the stamp itself is exact in float32 for runs up to <see cref="Float32StepLimit"/>
/// steps.
/// </para>
/// </summary>
public static class SpikeMeasureLowering
{
    /// <summary>The spikes of the cell.</summary>
    public const string Spikes = "__measure_spikes";
    /// <summary>The stamp of its last spike (0 before the first).</summary>
    public const string LastSpike = "__measure_last_spike";
    /// <summary>The spikes of the run in progress (spikes closer than the gap).</summary>
    public const string RunLength = "__measure_run_length";
    /// <summary>The stamp of the first spike of the run in progress.</summary>
    public const string RunStart = "__measure_run_start";
    /// <summary>The bursts so far (runs of at least two spikes).</summary>
    public const string Bursts = "__measure_bursts";
    /// <summary>The stamp of the first spike of the first burst.</summary>
    public const string FirstBurst = "__measure_first_burst";
    /// <summary>The stamp of the first spike of the last burst.</summary>
    public const string LastBurst = "__measure_last_burst";
    /// <summary>The start stamp of the burst before the last one.</summary>
    public const string SecondLastBurst = "__measure_second_last_burst";
    /// <summary>The start stamp of the burst before that.</summary>
    public const string ThirdLastBurst = "__measure_third_last_burst";
    /// <summary>The spikes of all bursts.</summary>
    public const string BurstSpikes = "__measure_burst_spikes";
    /// <summary>The shortest interval between two consecutive spikes, in steps (0 before the second spike).</summary>
    public const string MinInterval = "__measure_min_interval";
    /// <summary>The longest interval between two consecutive spikes, in steps.</summary>
    public const string MaxInterval = "__measure_max_interval";
    /// <summary>The uniform buffer of the gap in steps: consecutive spikes closer than this belong to one run.</summary>
    public const string GapSteps = "__measure_gap_steps";

    /// <summary>The state buffers this lowering adds, in the order a reader takes them.</summary>
    public static IReadOnlyList<string> States { get; } =
        [Spikes, LastSpike, RunLength, RunStart, Bursts, FirstBurst, LastBurst, SecondLastBurst, ThirdLastBurst, BurstSpikes, MinInterval, MaxInterval];

    /// <summary>
    /// The largest number of steps of a float32 run whose spike stamps the kernel still computes exactly from <c>t</c>
    /// (2^21: t/dt then carries an error well below half a step). Longer float32 runs must measure on the host.
    /// </summary>
    public const long Float32StepLimit = 1L << 21;

    /// <summary>
    /// The gap in steps that matches a largest interval inside a burst of <paramref name="maxIntervalMs"/>: the smallest
    /// whole number g ≥ 1 with g·dt ≥ maxInterval, so that two spikes g steps apart are in one burst exactly when
    /// g·dt &lt; maxInterval.
    /// </summary>
    public static int GapStepsOf(double maxIntervalMs, double dt)
    {
        if (!(maxIntervalMs > 0) || double.IsInfinity(maxIntervalMs))
            throw new ArgumentOutOfRangeException(nameof(maxIntervalMs), maxIntervalMs, "The largest interval inside a burst is a finite number of ms above 0.");
        if (!(dt > 0)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "The time step is above 0 ms.");
        double estimate = Math.Ceiling(maxIntervalMs / dt);
        if (estimate > int.MaxValue / 2) throw new ArgumentOutOfRangeException(nameof(maxIntervalMs), maxIntervalMs, $"The largest interval inside a burst is more than {int.MaxValue / 2} steps of {dt} ms.");
        int g = Math.Max(1, (int)estimate);
        while (g > 1 && (g - 1) * dt >= maxIntervalMs) g--;
        while (g * dt < maxIntervalMs) g++;
        return g;
    }

    /// <summary>
    /// The program with the measures added to every neuron group, for a largest interval inside a burst of
    /// <paramref name="maxIntervalMs"/>. Each measure is a recordable state (<see cref="NeuronGroupProgram.States"/>) that
    /// starts at 0.
    /// </summary>
    public static StepProgram Append(StepProgram program, double maxIntervalMs)
    {
        ArgumentNullException.ThrowIfNull(program);
        int gap = GapStepsOf(maxIntervalMs, program.Timestep);
        var groups = program.Groups.Select(g => g is NeuronGroupProgram n ? Append(n, gap) : g).ToArray();
        return program with { Groups = groups };
    }

    private static NeuronGroupProgram Append(NeuronGroupProgram group, int gap)
    {
        if (group.States.Any(States.Contains)) throw new InvalidOperationException($"Group '{group.Label}' already has spike measures.");
        var kernel = group.Kernel;
        var reset = kernel.Phases.FirstOrDefault(p => p.Phase == Phase.Reset)
            ?? throw new InvalidOperationException($"The kernel of '{group.Label}' has no reset phase.");
        string spike = reset.Statements.OfType<EmitSpikes>().Select(e => e.Mask).FirstOrDefault()
            ?? throw new InvalidOperationException($"The kernel of '{group.Label}' emits no spikes.");
        var phases = kernel.Phases.Select(p => p.Phase switch
        {
            Phase.Reset => p with { Statements = [.. p.Statements, .. Statements(spike)] },
            Phase.Store => p with { Statements = [.. p.Statements, .. States.Select(s => (Statement)new Store(s, L(s)))] },
            _ => p,
        }).ToList();
        var buffers = kernel.Buffers.Concat(States.Select(s => new BufferDeclaration(s, BufferRole.State, Storage.PerCell)))
            .Append(new BufferDeclaration(GapSteps, BufferRole.Coefficient, Storage.Uniform)).ToList();
        var values = new Dictionary<string, double[]>(group.Values, StringComparer.Ordinal);
        foreach (var s in States) values[s] = new double[group.Size];
        values[GapSteps] = [gap];
        return group with
        {
            Kernel = kernel with { Buffers = buffers, Phases = phases, Summary = kernel.Summary + "; spike measures" },
            Values = values,
            States = [.. group.States, .. States],
        };
    }

    private static string Local(string buffer) => KernelSymbols.Local("#m" + buffer);
    private static Expr L(string buffer) => Expr.Symbol(Local(buffer));
    private static Expr Sym(string name) => Expr.Symbol(name);
    private static Expr Op(BinaryOperator op, Expr a, Expr b) => new BinaryExpr(op, a, b);

    /// <summary>The update of the measures where <paramref name="spike"/> holds (the cells that spiked in this step).</summary>
    private static IEnumerable<Statement> Statements(string spike)
    {
        string stamp = KernelSymbols.Local("#mstamp"), interval = KernelSymbols.Local("#minterval");
        string second = KernelSymbols.Local("#msecond"), continues = KernelSymbols.Local("#mcontinues"), begins = KernelSymbols.Local("#mbegins");
        string burst = KernelSymbols.Local("#mburst"), grows = KernelSymbols.Local("#mgrows"), first = KernelSymbols.Local("#mfirst");
        string shorter = KernelSymbols.Local("#mshorter"), longer = KernelSymbols.Local("#mlonger");
        foreach (var s in States) yield return new Let(Local(s), Sym(s));
        // The stamp of a spike of this step: k + 1, from t = k·dt.
        var k = new CallExpr("floor", [Op(BinaryOperator.Add, Op(BinaryOperator.Divide, Sym(KernelSymbols.Time), Sym(KernelSymbols.Timestep)), 0.5)]);
        yield return new Let(stamp, Op(BinaryOperator.Add, k, 1.0));
        yield return new Let(interval, Op(BinaryOperator.Subtract, Sym(stamp), L(LastSpike)));
        var spiked = Sym(spike);
        var hadSpike = Op(BinaryOperator.Greater, L(Spikes), 0.5);
        // Interval extremes, from the second spike on.
        yield return new LetMask(second, Op(BinaryOperator.And, spiked, hadSpike));
        yield return new LetMask(shorter, Op(BinaryOperator.And, Sym(second),
            Op(BinaryOperator.Or, Op(BinaryOperator.Less, Sym(interval), L(MinInterval)), Op(BinaryOperator.Less, L(MinInterval), 0.5))));
        yield return new LetMask(longer, Op(BinaryOperator.And, Sym(second), Op(BinaryOperator.Greater, Sym(interval), L(MaxInterval))));
        yield return new Assign(Local(MinInterval), Sym(interval), shorter);
        yield return new Assign(Local(MaxInterval), Sym(interval), longer);
        // Runs: a spike closer than the gap to the one before continues the run, any other spike begins one.
        yield return new LetMask(continues, Op(BinaryOperator.And, Sym(second), Op(BinaryOperator.Less, Sym(interval), Sym(GapSteps))));
        yield return new LetMask(begins, Op(BinaryOperator.And, spiked, new NotExpr(Sym(continues))));
        yield return new Assign(Local(RunLength), Op(BinaryOperator.Add, L(RunLength), 1.0), continues);
        yield return new Assign(Local(RunLength), 1.0, begins);
        yield return new Assign(Local(RunStart), Sym(stamp), begins);
        // A run that reaches two spikes is a new burst; each further spike adds to it.
        yield return new LetMask(burst, Op(BinaryOperator.And, Sym(continues), Op(BinaryOperator.Less, L(RunLength), 2.5)));
        yield return new LetMask(grows, Op(BinaryOperator.And, Sym(continues), Op(BinaryOperator.Greater, L(RunLength), 2.5)));
        yield return new LetMask(first, Op(BinaryOperator.And, Sym(burst), Op(BinaryOperator.Less, L(Bursts), 0.5)));
        yield return new Assign(Local(FirstBurst), L(RunStart), first);
        yield return new Assign(Local(ThirdLastBurst), L(SecondLastBurst), burst);
        yield return new Assign(Local(SecondLastBurst), L(LastBurst), burst);
        yield return new Assign(Local(LastBurst), L(RunStart), burst);
        yield return new Assign(Local(Bursts), Op(BinaryOperator.Add, L(Bursts), 1.0), burst);
        yield return new Assign(Local(BurstSpikes), Op(BinaryOperator.Add, L(BurstSpikes), 2.0), burst);
        yield return new Assign(Local(BurstSpikes), Op(BinaryOperator.Add, L(BurstSpikes), 1.0), grows);
        // Every spike.
        yield return new Assign(Local(Spikes), Op(BinaryOperator.Add, L(Spikes), 1.0), spike);
        yield return new Assign(Local(LastSpike), Sym(stamp), spike);
    }
}
