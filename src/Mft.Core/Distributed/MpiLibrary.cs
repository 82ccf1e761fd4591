using System.Runtime.InteropServices;

namespace Mft.Distributed;

/// <summary>
/// The few calls of OpenMPI's C library (<c>libmpi.so.40</c>, OpenMPI 4.x) that data parallelism needs, bound by hand.
/// OpenMPI's handles are pointers to exported objects: <c>MPI_COMM_WORLD</c> is the address of <c>ompi_mpi_comm_world</c>,
/// <c>MPI_FLOAT</c> of <c>ompi_mpi_float</c>, <c>MPI_SUM</c> of <c>ompi_mpi_op_sum</c> (mpi.h's macros), taken with
/// <see cref="NativeLibrary.GetExport"/>. The library is opened only when a process runs under MPI
/// (<see cref="ProcessGroups.Detect"/>), so a single process never needs MPI installed. Another implementation (MPICH,
/// Intel MPI: integer handles) would be a second binding with its own constants, chosen by the library it finds.
/// </summary>
internal static class MpiLibrary
{
    public const string Name = "libmpi.so.40";
    /// <summary>MPI_THREAD_SERIALIZED in OpenMPI's mpi.h: any thread may call, one at a time (.NET's exit handler runs on another thread).</summary>
    public const int ThreadSerialized = 2;
    public const int Success = 0;

    [DllImport(Name)] public static extern int MPI_Init_thread(IntPtr argc, IntPtr argv, int required, out int provided);
    [DllImport(Name)] public static extern int MPI_Initialized(out int flag);
    [DllImport(Name)] public static extern int MPI_Finalized(out int flag);
    [DllImport(Name)] public static extern int MPI_Comm_rank(IntPtr comm, out int rank);
    [DllImport(Name)] public static extern int MPI_Comm_size(IntPtr comm, out int size);
    [DllImport(Name)] public static extern unsafe int MPI_Allreduce(IntPtr sendbuf, void* recvbuf, int count, IntPtr datatype, IntPtr op, IntPtr comm);
    [DllImport(Name)] public static extern unsafe int MPI_Bcast(void* buffer, int count, IntPtr datatype, int root, IntPtr comm);
    [DllImport(Name)] public static extern int MPI_Barrier(IntPtr comm);
    [DllImport(Name)] public static extern int MPI_Abort(IntPtr comm, int errorcode);
    [DllImport(Name)] public static extern int MPI_Finalize();

    /// <summary>MPI_IN_PLACE in OpenMPI's mpi.h: <c>(void *) 1</c>.</summary>
    public static readonly IntPtr InPlace = new(1);

    /// <summary>The handles mpi.h's macros name, as addresses of the library's exported objects.</summary>
    public sealed record Handles(IntPtr CommWorld, IntPtr Float, IntPtr Double, IntPtr Sum)
    {
        public static Handles Load()
        {
            IntPtr library;
            try { library = NativeLibrary.Load(Name); }
            catch (DllNotFoundException e)
            {
                throw new MftException($"{Name}: not found, but this process runs under MPI (supported: OpenMPI 4.x; Debian: apt-get install openmpi-bin): {e.Message}");
            }
            IntPtr Export(string symbol) => NativeLibrary.TryGetExport(library, symbol, out var address) ? address
                : throw new MftException($"{Name}: has no {symbol}: not OpenMPI 4.x (the only MPI supported; see docs/cluster.md)");
            return new Handles(Export("ompi_mpi_comm_world"), Export("ompi_mpi_float"), Export("ompi_mpi_double"), Export("ompi_mpi_op_sum"));
        }
    }
}
