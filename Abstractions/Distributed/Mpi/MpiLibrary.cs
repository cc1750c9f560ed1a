using System.Runtime.InteropServices;

namespace Meta.Distributed.Mpi;

/// <summary>
/// A thin binding to Open MPI's C library (<c>libmpi.so.40</c>, Debian's <c>libopenmpi3</c>/<c>openmpi-bin</c>), loaded on
/// first use only. Open MPI's handles are addresses of global objects exported by the library (<c>MPI_COMM_WORLD</c> is
/// <c>&amp;ompi_mpi_comm_world</c>, <c>MPI_INT</c> is <c>&amp;ompi_mpi_int</c>, ...), so they are looked up with
/// <see cref="NativeLibrary.GetExport"/>; the functions are called through unmanaged function pointers. The library is
/// opened with <c>RTLD_GLOBAL</c> first, because Open MPI's own plugins (MCA components) resolve their symbols against it.
/// MPI.NET (NuGet) binds MS-MPI's integer handles and does not work with Open MPI, hence this binding.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>The file name of Open MPI's C library on Linux.</summary>
    public const string FileName = "libmpi.so.40";

    private const int RtldNow = 2, RtldGlobal = 0x100;

    private readonly delegate* unmanaged<IntPtr, IntPtr, int> _init;
    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int*, int> _finalized;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<IntPtr, int*, int> _commRank;
    private readonly delegate* unmanaged<IntPtr, int*, int> _commSize;
    private readonly delegate* unmanaged<IntPtr, int> _barrier;
    private readonly delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, int> _allgather;
    private readonly delegate* unmanaged<void*, int, IntPtr, void*, int*, int*, IntPtr, IntPtr, int> _allgatherv;
    private readonly delegate* unmanaged<void*, int, IntPtr, void*, int*, int*, IntPtr, int, IntPtr, int> _gatherv;
    private readonly delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, IntPtr*, int> _iallgather;
    private readonly delegate* unmanaged<IntPtr*, void*, int> _wait;

    private MpiLibrary(IntPtr handle)
    {
        _init = (delegate* unmanaged<IntPtr, IntPtr, int>)Export(handle, "MPI_Init");
        _initialized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Finalized");
        _finalize = (delegate* unmanaged<int>)Export(handle, "MPI_Finalize");
        _commRank = (delegate* unmanaged<IntPtr, int*, int>)Export(handle, "MPI_Comm_rank");
        _commSize = (delegate* unmanaged<IntPtr, int*, int>)Export(handle, "MPI_Comm_size");
        _barrier = (delegate* unmanaged<IntPtr, int>)Export(handle, "MPI_Barrier");
        _allgather = (delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, int>)Export(handle, "MPI_Allgather");
        _allgatherv = (delegate* unmanaged<void*, int, IntPtr, void*, int*, int*, IntPtr, IntPtr, int>)Export(handle, "MPI_Allgatherv");
        _gatherv = (delegate* unmanaged<void*, int, IntPtr, void*, int*, int*, IntPtr, int, IntPtr, int>)Export(handle, "MPI_Gatherv");
        _iallgather = (delegate* unmanaged<void*, int, IntPtr, void*, int, IntPtr, IntPtr, IntPtr*, int>)Export(handle, "MPI_Iallgather");
        _wait = (delegate* unmanaged<IntPtr*, void*, int>)Export(handle, "MPI_Wait");
        CommWorld = Export(handle, "ompi_mpi_comm_world");
        Int = Export(handle, "ompi_mpi_int");
        Long = Export(handle, "ompi_mpi_long");
        Double = Export(handle, "ompi_mpi_double");
    }

    /// <summary><c>MPI_COMM_WORLD</c>.</summary>
    public IntPtr CommWorld { get; }
    /// <summary><c>MPI_INT</c> (32 bits).</summary>
    public IntPtr Int { get; }
    /// <summary><c>MPI_LONG</c> (64 bits on 64-bit Linux).</summary>
    public IntPtr Long { get; }
    /// <summary><c>MPI_DOUBLE</c>.</summary>
    public IntPtr Double { get; }

    /// <summary>Opens the library, or throws a <see cref="DllNotFoundException"/> naming the packages to install.</summary>
    public static MpiLibrary Open()
    {
        try
        {
            // RTLD_GLOBAL, so that the MCA components Open MPI loads later find libmpi's symbols.
            if (OperatingSystem.IsLinux()) _ = dlopen(FileName, RtldNow | RtldGlobal);
            return new MpiLibrary(NativeLibrary.Load(FileName));
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"Distributed runs need Open MPI's library {FileName}, which was not found: install Debian's openmpi-bin and libopenmpi-dev " +
                "(.ci/install-debian-packages does) and start the ranks with mpirun.", e);
        }
    }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen(string file, int mode);

    private static IntPtr Export(IntPtr handle, string name) => NativeLibrary.GetExport(handle, name);

    private static void Check(int code, string call)
    {
        if (code != 0) throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
    }

    /// <summary><c>MPI_Init(NULL, NULL)</c>, unless MPI is initialised already.</summary>
    public void Init()
    {
        int flag;
        Check(_initialized(&flag), "MPI_Initialized");
        if (flag == 0) Check(_init(IntPtr.Zero, IntPtr.Zero), "MPI_Init");
    }

    /// <summary><c>MPI_Finalize()</c>, unless MPI is finalised already.</summary>
    public void Shutdown()
    {
        int flag;
        Check(_finalized(&flag), "MPI_Finalized");
        if (flag == 0) Check(_finalize(), "MPI_Finalize");
    }

    /// <summary>This process's rank in <c>MPI_COMM_WORLD</c>.</summary>
    public int Rank()
    {
        int rank;
        Check(_commRank(CommWorld, &rank), "MPI_Comm_rank");
        return rank;
    }

    /// <summary>The number of ranks in <c>MPI_COMM_WORLD</c>.</summary>
    public int Size()
    {
        int size;
        Check(_commSize(CommWorld, &size), "MPI_Comm_size");
        return size;
    }

    /// <summary><c>MPI_Barrier(MPI_COMM_WORLD)</c>.</summary>
    public void Barrier() => Check(_barrier(CommWorld), "MPI_Barrier");

    /// <summary><c>MPI_Allgather</c> of <paramref name="count"/> elements of <paramref name="type"/> per rank.</summary>
    public void AllGather(void* send, int count, IntPtr type, void* receive) =>
        Check(_allgather(send, count, type, receive, count, type, CommWorld), "MPI_Allgather");

    /// <summary><c>MPI_Allgatherv</c>: <paramref name="counts"/> and <paramref name="displacements"/> per rank, in elements.</summary>
    public void AllGatherV(void* send, int count, IntPtr type, void* receive, int* counts, int* displacements) =>
        Check(_allgatherv(send, count, type, receive, counts, displacements, type, CommWorld), "MPI_Allgatherv");

    /// <summary><c>MPI_Gatherv</c> to <paramref name="root"/>: <paramref name="counts"/> and <paramref name="displacements"/> per rank, in elements.</summary>
    public void GatherV(void* send, int count, IntPtr type, void* receive, int* counts, int* displacements, int root) =>
        Check(_gatherv(send, count, type, receive, counts, displacements, type, root, CommWorld), "MPI_Gatherv");

    /// <summary>
    /// <c>MPI_Iallgather</c> of <paramref name="count"/> elements of <paramref name="type"/> per rank (MPI 3): starts the
    /// collective and returns its request (Open MPI's <c>MPI_Request</c> is the address of its request object). Neither
    /// buffer may move or be touched until <see cref="Wait"/> completed it, so managed arrays must stay pinned that long; every rank starts its non-blocking collectives in the same order.
    /// </summary>
    public IntPtr StartAllGather(void* send, int count, IntPtr type, void* receive)
    {
        IntPtr request;
        Check(_iallgather(send, count, type, receive, count, type, CommWorld, &request), "MPI_Iallgather");
        return request;
    }

    /// <summary>
    /// <c>MPI_Wait(&amp;request, MPI_STATUS_IGNORE)</c>: blocks until the non-blocking operation completes (Open MPI also
    /// progresses it here, and the library sets the request to <c>MPI_REQUEST_NULL</c>, which is returned).
    /// </summary>
    public IntPtr Wait(IntPtr request)
    {
        Check(_wait(&request, null), "MPI_Wait"); // MPI_STATUS_IGNORE is the null pointer in Open MPI's mpi.h
        return request;
    }
}
