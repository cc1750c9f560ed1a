using Meta.Backends.Runtime;
using Meta.Network;

namespace Meta.Recording;

/// <summary>
/// The recorded current of one current source: one value per step, sample k being the current of step k, kept per segment
/// with the same segment rules as populations (<see cref="RecorderRegistry"/>). The host computes the values from the same
/// <see cref="CurrentSchedule"/> the backends follow.
/// </summary>
internal sealed class CurrentRecording
{
    private sealed class SegmentData
    {
        public long FirstStep { get; set; }
        public List<double> Values { get; } = [];
        public bool Ran { get; set; }
    }

    private readonly List<SegmentData> _segments = [new()];
    // Whether a run has happened since the last reset (PyNN's state.running), as in RecorderRegistry.
    private bool _running;

    public bool Enabled { get; set; }

    /// <summary>
    /// Records a run from step <paramref name="from"/> to step <paramref name="to"/> (samples up to and including
    /// <paramref name="to"/>) of source 0 of <paramref name="schedule"/>, built with the parameters the run used. The sample
    /// at <paramref name="from"/>, written at the end of the previous run, is rewritten: a change between runs applies to it.
    /// </summary>
    public void Append(long from, long to, Func<CurrentSchedule> schedule)
    {
        var seg = _segments[^1];
        seg.Ran = true;
        _running = true;
        if (!Enabled) return;
        long first;
        if (seg.Values.Count == 0)
        {
            first = from == 0 ? 0 : from + 1;
            seg.FirstStep = first;
        }
        else
        {
            long last = seg.FirstStep + seg.Values.Count - 1;
            first = Math.Min(last, from);
            seg.Values.RemoveRange((int)(first - seg.FirstStep), (int)(last - first + 1));
        }
        if (first > to) return;
        var s = schedule();
        s.Seek(first);
        seg.Values.Add(s.Amplitude(0));
        for (long k = first + 1; k <= to; k++)
        {
            s.Advance(k);
            seg.Values.Add(s.Amplitude(0));
        }
    }

    /// <summary>Closes the segment at a reset; one no run recorded into is replaced, as for populations.</summary>
    public void NewSegment()
    {
        if (_segments[^1].Ran) _segments.Add(new SegmentData());
        else _segments[^1] = new SegmentData();
        _running = false;
    }

    /// <summary>Discards the data; recording goes on with the next run's samples.</summary>
    public void Clear()
    {
        _segments.Clear();
        _segments.Add(new SegmentData());
    }

    public Block GetData(string name, double dt)
    {
        var visible = !_running && _segments.Count > 1 && !_segments[^1].Ran ? _segments.GetRange(0, _segments.Count - 1) : _segments;
        var segments = new List<Segment>();
        for (int s = 0; s < visible.Count; s++)
        {
            var seg = visible[s];
            var signals = new List<AnalogSignal>();
            if (seg.Values.Count > 0)
            {
                signals.Add(new AnalogSignal
                {
                    Name = "i",
                    Units = "nA",
                    SamplingPeriod = dt,
                    TStart = seg.FirstStep * dt,
                    SampleCount = seg.Values.Count,
                    ChannelIndex = [0],
                    SourcePopulation = name,
                    Data = seg.Values.ToArray(),
                });
            }
            segments.Add(new Segment($"segment{s:000}", [], signals));
        }
        return new Block(name, segments);
    }
}
