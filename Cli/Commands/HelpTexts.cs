namespace Meta.Cli.Commands;

/// <summary>What the help of a command adds after its options: output files, the network format, exit codes.</summary>
internal static class HelpTexts
{
    public const string Main =
        """

        Plugins are searched in the 'plugins' folder next to meta, in the folders listed in META_PLUGIN_PATH
        and in every --plugins DIR. Run 'meta run --help' for the options of a run and the network format.
        Exit codes: 0 success, 1 error, 2 wrong command line.

        """;

    public const string Run =
        """

        Output (in the --out folder):
          <label>.npz              for each population, view or assembly that records: spike_times (ms, float64),
                                   spike_cells (index in the population, int32), recorded_cells; for each analog
                                   variable <var>: <var> (samples x cells), <var>_times (ms), <var>_channels;
                                   for each current source with "record": true: i (samples x 1, nA), i_times (ms)
          summary.json             rates, spike counts, connection counts, timings, backend, dt, duration, seed
          raster.png, .svg         spikes of every spike-recording population, one band per population
          rates.png, .svg          histogram of the cells' firing rates, per population
          <label>_<var>.png, .svg  traces of up to 5 recorded cells with their spikes and the stimuli driving them
                                   (<label>_i: a recorded source's current)
          positions.png, .svg      cell positions of the populations given a structure or positions
          weights_<proj>.png, .svg the learned weights of a plastic projection (and weight_change_<proj>)

        Network file (JSON, PyNN's names; "description" and "comment" keys are allowed anywhere):
          name, simulation {timestep, min_delay, max_delay, seed, duration, precision, spike_precision},
          populations [{label, size, cell_type (or nestml: a .nestml file), parameters, initial_values, record}],
          views [{label, population, indices | slice | mask}], assemblies [{label, members}],
          projections [{label, pre, post, connector {type, ...}, synapse {type, weight, delay}, receptor_type}],
          current_sources [{type, inject_into, label, record, PARAM: value, ...}] (DCSource, StepCurrentSource,
            ACSource, NoisyCurrentSource), record [{cells, variables, sampling_interval}]
          Values: a number, an array (one per cell), or {"distribution": NAME, PARAM: value, ..., "seed": N}.

        Exit codes: 0 success, 1 error, 2 wrong command line.

        """;

    public const string Sweep =
        """

        Parameter sets (--sets): CSV with a header of targets and one row of numbers per variant, e.g.
          E.tau_m,E.i_offset,seed
          10,0.5,1
        or JSON: [{"E.tau_m": 10, "seed": 1}, ...], {"sets": [...]} or {"grid": {"E.tau_m": [10, 20], ...}}.
        A target is POPULATION.PARAMETER, POPULATION.STATE (its initial value) or PROJECTION.weight|delay;
        'seed' gives the variant its own seed. All variants run as one batch (one compile, one run) unless the
        network draws random numbers while running; then they run one by one (summary.json says why).
        The backend keeps each cell's spike and burst counts while it runs, so no spike time comes back
        (--host-measures records every spike instead; the pyloric measure always does).

        Output (in the --out folder):
          sweep.csv                one row per variant: variant, seed, the targets, then per neuron population
                                   the measures (POP.spikes, POP.rate_hz, POP.burst_period_ms, POP.spikes_per_burst,
                                   POP.silent, POP.tonic, POP.bursting, POP.irregular: cells of each activity class)
          summary.json             network, backend, batched or not, measured on the backend or not, durations,
                                   cache hits, timings, the table's columns
          variant-<i>.npz          for each --record-variants i: the network's recordings of that variant
                                   (<pop>.spike_times, <pop>.spike_cells, <pop>.<var> samples x cells, <pop>.<var>_times)

        Exit codes: 0 success, 1 error, 2 wrong command line.

        """;

    public const string Backends =
        """

        Exits with 1 when no backend loads.

        """;

    public const string Conformance =
        """

        Loads the backend plugin(s) in DIR as a host would, runs every conformance scenario on each (single cells
        against NEURON and Brian2 reference traces, timing contracts, sources, recording, run/reset, networks
        cross-checked with a reference backend, bad input), prints a table (scenario, result, measured error,
        tolerance) and writes the same as JSON. Features the backend declares unsupported are reported as such. Reference traces are read from
        ../shared/reference or META_REFERENCE_DIR. Exits 0 when no scenario failed, 1 otherwise.

        """;
}
