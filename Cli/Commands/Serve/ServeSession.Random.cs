using System.Text.Json.Nodes;
using Meta.Random;

namespace Meta.Cli.Commands.Serve;

internal sealed partial class ServeSession
{
    private readonly List<RandomStream> _randomStreams = [];

    /// <summary>
    /// <c>rng_create</c>: <c>{seed?}</c>, a stream of Meta's own counter-based generator (pyNN.meta's <c>NativeRNG</c>);
    /// without a seed, seed 0. Streams outlive <c>setup</c>, as a script's random number generators outlive <c>sim.setup</c>.
    /// </summary>
    private JsonObject RngCreate(ServeRequest r)
    {
        double seed = r.OptionalNumber("seed") ?? 0;
        if (seed < 0 || seed != Math.Floor(seed) || seed > ulong.MaxValue)
            throw new InvalidParameterValueException($"'rng_create': the seed must be a whole number ≥ 0, not {seed}.");
        _randomStreams.Add(new RandomStream((ulong)seed));
        return new JsonObject { ["rng"] = _randomStreams.Count - 1 };
    }

    /// <summary>
    /// <c>rng_next</c>: <c>{rng, distribution, parameters: {NAME: number}, n}</c>, the next n draws of one of PyNN's
    /// distributions (the names and parameters of <see cref="RandomDistribution.Distributions"/>) from the stream.
    /// </summary>
    private JsonObject RngNext(ServeRequest r)
    {
        int index = r.Int("rng");
        if (index < 0 || index >= _randomStreams.Count)
            throw new ServeProtocolException($"'rng_next': no random stream {index} (there are {_randomStreams.Count}; make one with 'rng_create')");
        int n = r.Int("n");
        if (n < 0) throw new InvalidParameterValueException($"'rng_next': n must be ≥ 0, not {n}.");
        var parameters = r.Members("parameters").ToDictionary(m => m.Name, m => ServeRequest.Number(m.Value, $"parameter '{m.Name}'"));
        var distribution = new RandomDistribution(r.String("distribution"), parameters, _randomStreams[index]);
        return new JsonObject { ["values"] = Npy(distribution.Next(n)) };
    }
}
