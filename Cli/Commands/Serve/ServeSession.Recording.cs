using System.Text.Json.Nodes;

namespace Meta.Cli.Commands.Serve;

internal sealed partial class ServeSession
{
    /// <summary><c>record</c>: <c>{population, indices?, variables: [...], sampling_interval?}</c>.</summary>
    private JsonObject Record(ServeRequest r)
    {
        var cells = Cells(r, out _);
        cells.Record(r.Strings("variables"), r.OptionalNumber("sampling_interval"));
        return [];
    }

    /// <summary><c>stop_recording</c>: <c>{population, indices?}</c> stops every variable of those cells.</summary>
    private JsonObject StopRecording(ServeRequest r)
    {
        Cells(r, out _).StopRecording();
        return [];
    }

    /// <summary>
    /// <c>recorded</c>: <c>{population, variable}</c>, the data of the current segment (since the last reset or clear): for
    /// spikes, <c>indices</c> and <c>times</c> (one entry per spike, in time order; spikes at the same time in cell order); for a signal, <c>channels</c> (cell indices) and
    /// <c>data</c> (samples × channels), <c>t_start</c> and <c>sampling_period</c> in ms.
    /// </summary>
    private JsonObject Recorded(ServeRequest r)
    {
        var population = (Meta.Populations.Population)Cells(r, out _);
        string variable = r.String("variable");
        if (variable == "spikes")
        {
            // Flat columns in time order, without one train per cell (CellCollection.GetSpikeEvents).
            var events = population.GetSpikeEvents();
            return new JsonObject { ["indices"] = Npy(events.Cells.Select(c => (long)c).ToArray()), ["times"] = Npy(events.Times) };
        }
        var segment = population.GetData([variable]).Segments[^1];
        var signal = segment.AnalogSignals.FirstOrDefault(s => s.Name == variable);
        if (signal is null)
            return new JsonObject { ["channels"] = Npy(Array.Empty<double>()), ["data"] = Npy([], 0, 0), ["t_start"] = 0.0, ["sampling_period"] = Sim.Timestep };
        return new JsonObject
        {
            ["channels"] = Npy(signal.ChannelIndex.Select(i => (long)i).ToArray()),
            ["data"] = Npy(signal.Data, signal.SampleCount, signal.ChannelCount),
            ["t_start"] = signal.TStart,
            ["sampling_period"] = signal.SamplingPeriod,
            ["units"] = signal.Units,
        };
    }

    /// <summary><c>clear_recording</c>: <c>{population}</c> discards its recorded data; recording goes on from now.</summary>
    private JsonObject ClearRecording(ServeRequest r)
    {
        Cells(r, out _).GetData([], clear: true);
        return [];
    }
}
