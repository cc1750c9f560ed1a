namespace Meta.Distributed.Mpi;

/// <summary>
/// <see cref="ICommunicator"/> over Open MPI's <c>MPI_COMM_WORLD</c> (<see cref="MpiLibrary"/>). Creating one initialises MPI;
/// disposing it finalises MPI, after which MPI cannot be used again in the process.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    private readonly MpiLibrary _mpi;
    private bool _disposed;

    /// <summary>Loads <c>libmpi.so.40</c> and calls <c>MPI_Init</c>.</summary>
    /// <exception cref="DllNotFoundException">Open MPI is not installed.</exception>
    public MpiCommunicator()
    {
        _mpi = MpiLibrary.Open();
        _mpi.Init();
        Rank = _mpi.Rank();
        Size = _mpi.Size();
        LocalRank = LocalRankFrom(Environment.GetEnvironmentVariable(LocalRankVariable), Rank);
    }

    /// <summary>The variable in which Open MPI's <c>mpirun</c> gives each process its rank among those on its machine.</summary>
    public const string LocalRankVariable = "OMPI_COMM_WORLD_LOCAL_RANK";

    /// <summary>
    /// The local rank that <paramref name="value"/> (the value of <see cref="LocalRankVariable"/>) states; when it is unset,
    /// <paramref name="rank"/> (all ranks on one machine).
    /// </summary>
    /// <exception cref="FormatException"><paramref name="value"/> is set but not a non-negative integer.</exception>
    public static int LocalRankFrom(string? value, int rank)
    {
        if (string.IsNullOrWhiteSpace(value)) return rank;
        if (int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int local)) return local;
        throw new FormatException($"{LocalRankVariable} is '{value}': expected a non-negative integer (the rank among the processes on this machine).");
    }

    /// <inheritdoc />
    public int LocalRank { get; }

    /// <summary>
    /// Whether this process was started by Open MPI's <c>mpirun</c>/<c>mpiexec</c> (it sets <c>OMPI_COMM_WORLD_SIZE</c>), with
    /// more than one rank when <paramref name="severalRanks"/>.
    /// </summary>
    public static bool StartedByMpirun(bool severalRanks = false) =>
        int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE"), out int size) && size >= (severalRanks ? 2 : 1);

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public int[] AllGather(int value)
    {
        var all = new int[Size];
        fixed (int* receive = all) _mpi.AllGather(&value, 1, _mpi.Int, receive);
        return all;
    }

    /// <inheritdoc />
    public int[] AllGatherV(int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var (counts, displacements, total) = Layout(AllGather(values.Length));
        var all = new int[total];
        fixed (int* send = values, receive = all, c = counts, d = displacements)
            _mpi.AllGatherV(send, values.Length, _mpi.Int, receive, c, d);
        return all;
    }

    /// <inheritdoc />
    public int AllGatherV(int[] values, int count, ref int[] received)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, values.Length);
        // The counts and displacements are kept between calls: an exchange of spikes every interval allocates nothing.
        if (_counts.Length != Size) (_counts, _displacements) = (new int[Size], new int[Size]);
        fixed (int* c = _counts) _mpi.AllGather(&count, 1, _mpi.Int, c);
        long total = 0;
        for (int r = 0; r < Size; r++)
        {
            _displacements[r] = (int)total;
            total += _counts[r];
        }
        if (total > int.MaxValue) throw new InvalidOperationException($"A gather of {total} elements exceeds MPI's int counts.");
        if (received.Length < total) received = new int[Math.Min(Math.Max(total, 2L * received.Length), Array.MaxLength)];
        fixed (int* send = values, receive = received, c = _counts, d = _displacements)
            _mpi.AllGatherV(send, count, _mpi.Int, receive, c, d);
        return (int)total;
    }

    /// <inheritdoc />
    public void AllGatherBlocks(int[] values, int blockLength, int[] received)
    {
        CheckBlocks(values, blockLength, received, nameof(AllGatherBlocks));
        fixed (int* send = values, receive = received) _mpi.AllGather(send, blockLength, _mpi.Int, receive);
    }

    /// <inheritdoc />
    public IPendingCollective StartAllGatherBlocks(int[] values, int blockLength, int[] received)
    {
        CheckBlocks(values, blockLength, received, nameof(StartAllGatherBlocks));
        // The request object of the last all-gather is reused once waited for: an exchange per interval allocates nothing.
        if (_request is not { Done: true }) _request = new MpiPendingCollective(_mpi);
        return _request.Begin(values, blockLength, received);
    }

    private MpiPendingCollective? _request;

    /// <summary>Refuses the arguments of an all-gather of <paramref name="blockLength"/> ints per rank that MPI would overrun.</summary>
    private void CheckBlocks(int[] values, int blockLength, int[] received, string call)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(received);
        ArgumentOutOfRangeException.ThrowIfNegative(blockLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockLength, values.Length);
        if (received.Length < (long)Size * blockLength)
            throw new ArgumentException($"{call}: the receive buffer holds {received.Length} elements, fewer than {Size} ranks × {blockLength}.", nameof(received));
    }

    private int[] _counts = [];
    private int[] _displacements = [];

    /// <inheritdoc />
    public long[] GatherV(long[] values) => GatherToRoot(values, _mpi.Long);

    /// <inheritdoc />
    public double[] GatherV(double[] values) => GatherToRoot(values, _mpi.Double);

    /// <summary><c>MPI_Gatherv</c> of every rank's <paramref name="values"/> (of MPI type <paramref name="type"/>) to rank 0, in rank order; empty on other ranks.</summary>
    private T[] GatherToRoot<T>(T[] values, IntPtr type) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        var (counts, displacements, total) = Layout(AllGather(values.Length));
        var all = new T[Rank == 0 ? total : 0];
        fixed (T* send = values, receive = all)
        fixed (int* c = counts, d = displacements)
            _mpi.GatherV(send, values.Length, type, receive, c, d, 0);
        return all;
    }

    /// <inheritdoc />
    public void Barrier() => _mpi.Barrier();

    private static (int[] Counts, int[] Displacements, int Total) Layout(int[] counts)
    {
        var displacements = new int[counts.Length];
        long total = 0;
        for (int r = 0; r < counts.Length; r++)
        {
            displacements[r] = (int)total;
            total += counts[r];
        }
        if (total > int.MaxValue) throw new InvalidOperationException($"A gather of {total} elements exceeds MPI's int counts.");
        return (counts, displacements, (int)total);
    }

    /// <summary>Calls <c>MPI_Finalize</c>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _mpi.Shutdown();
    }
}
