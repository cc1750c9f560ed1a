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
                                   variable <var>: <var> (samples x cells), <var>_times (ms), <var>_channels
          summary.json             rates, spike counts, connection counts, timings, backend, dt, duration, seed
          raster.png               spikes of every spike-recording population
          <label>_<var>.png        traces of up to 5 recorded cells
          rates.png                histogram of the cells' firing rates

        network file (JSON, PyNN's names; "description" and "comment" keys are allowed anywhere):
          name, simulation {timestep, min_delay, max_delay, seed, duration, precision},
          populations [{label, size, cell_type, parameters, initial_values, record}],
          views [{label, population, indices | slice | mask}], assemblies [{label, members}],
          projections [{label, pre, post, connector {type, ...}, synapse {type, weight, delay}, receptor_type}],
          current_sources [{type, inject_into, ...}], record [{cells, variables, sampling_interval}]
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
}
