namespace Meta.Cli.Commands;

/// <summary>The help texts.</summary>
internal static class Usage
{
    public const string Main =
        """
        meta - run spiking neural networks described in PyNN's vocabulary on pluggable backends

        usage:
          meta run NETWORK.json [options]    build a network from a JSON file, simulate it, write data and plots
          meta backends [--plugins DIR]...   list the backends that load, their capabilities and any plugin problems
          meta conformance --plugin DIR      certify the backend plugin(s) in DIR with the conformance suite
          meta help [COMMAND]                show this text, or the help of a command
          meta --version                     show the version

        Plugins are searched in the 'plugins' folder next to meta, in the folders listed in META_PLUGIN_PATH
        and in every --plugins DIR. Run 'meta run --help' for the options of a run and the network format.

        """;

    public const string Run =
        """
        usage: meta run NETWORK.json [options]

        Builds the network described in NETWORK.json, simulates it on a backend, prints a summary per population
        and writes the recorded data, a summary and plots.

        options:
          --backend NAME, -b NAME  the backend to run on (default: cpu; see 'meta backends')
          --duration MS            simulated time in ms (default: simulation.duration in the file)
          --seed N                 seed for connectivity, random values and Poisson sources (default: simulation.seed)
          --out DIR, -o DIR        output folder (default: out/<network name>)
          --plugins DIR            a further folder to search for backend plugins (repeatable)
          --threads N              worker threads for the backend (default: the backend decides)
          --no-plots               write data and summary.json only
          --quiet, -q              print nothing but errors
          --verbose                print the stack trace of an error
          --help, -h               show this text

        output (in DIR):
          <label>.npz              for each population, view or assembly that records: spike_times (ms, float64),
                                   spike_cells (index in the population, int32), recorded_cells; for each analog
                                   variable <var>: <var> (samples x cells), <var>_times (ms), <var>_channels;
                                   for each current source with "record": true: i (samples x 1, nA), i_times (ms)
          summary.json             rates, spike counts, connection counts, timings, backend, dt, duration, seed
          raster.png               spikes of every spike-recording population
          <label>_<var>.png        traces of up to 5 recorded cells (<label>_i.png: a recorded source's current)
          rates.png                histogram of the cells' firing rates

        network file (JSON, PyNN's names; "description" and "comment" keys are allowed anywhere):
          name, simulation {timestep, min_delay, max_delay, seed, duration, precision},
          populations [{label, size, cell_type, parameters, initial_values, record}],
          views [{label, population, indices | slice | mask}], assemblies [{label, members}],
          projections [{label, pre, post, connector {type, ...}, synapse {type, weight, delay}, receptor_type}],
          current_sources [{type, inject_into, label, record, PARAM: value, ...}] (DCSource, StepCurrentSource,
            ACSource, NoisyCurrentSource), record [{cells, variables, sampling_interval}]
          Values: a number, an array (one per cell), or {"distribution": NAME, PARAM: value, ..., "seed": N}.

        exit codes: 0 success, 1 error, 2 wrong command line

        """;

    public const string Backends =
        """
        usage: meta backends [--plugins DIR]... [--verbose]

        Loads the backend plugins and lists each backend: name, version, contract version, devices,
        capabilities and the folder it was loaded from; then any plugin that could not be loaded, and why.
        Exits with 1 when no backend loads.

        options:
          --plugins DIR      a further folder to search for backend plugins (repeatable)
          --verbose          print the stack trace of an error
          --help, -h         show this text

        """;

    public const string Conformance =
        """
        usage: meta conformance --plugin DIR [options]

        The conformance kit: loads the backend plugin(s) in DIR as a host would, runs every conformance scenario on
        each (single cells against NEURON and Brian2 reference traces, timing contracts, sources, recording, run/reset,
        networks cross-checked with a reference backend, bad input), prints a table (scenario, result, measured error,
        tolerance) and writes the same as JSON. Exits 0 when no scenario failed; features the backend declares
        unsupported are reported as such.

        options:
          --plugin DIR         the plugin folder to certify (repeatable)
          --backend NAME       only this backend of the folder
          --reference NAME     the backend to cross-check with, from meta's own plugins (default: cpu; 'none' for none)
          --precision P        float64 (default) or float32
          --filter TEXT        only scenarios whose name contains TEXT
          --out FILE, -o FILE  the JSON report (default: conformance-report.json)
          --verbose            print the stack trace of an error
          --help, -h           show this text

        Reference traces are read from ../shared/reference or META_REFERENCE_DIR.

        """;
}
