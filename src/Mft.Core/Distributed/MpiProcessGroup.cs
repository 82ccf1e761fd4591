namespace Mft.Distributed;

/// <summary>
/// The ranks of an MPI job (<c>mpirun -n N</c>, or <c>srun -n N --mpi=pmix</c>) through OpenMPI (<see cref="MpiLibrary"/>).
/// Made once per process (MPI is initialised once) by <see cref="ProcessGroups.Detect"/>; finalised when the process exits.
/// Large buffers are sent in pieces of at most <see cref="MaxCount"/> elements (MPI counts are ints).
/// </summary>
public sealed unsafe class MpiProcessGroup : IProcessGroup
{
    /// <summary>The most elements one MPI call carries: 2^30 (4 GB of fp32), under int.MaxValue.</summary>
    public const int MaxCount = 1 << 30;

    private readonly MpiLibrary.Handles _handles;

    public int Rank { get; }
    public int Size { get; }

    internal MpiProcessGroup()
    {
        _handles = MpiLibrary.Handles.Load();
        Check(MpiLibrary.MPI_Init_thread(IntPtr.Zero, IntPtr.Zero, MpiLibrary.ThreadSerialized, out _), "MPI_Init_thread");
        Check(MpiLibrary.MPI_Comm_rank(_handles.CommWorld, out int rank), "MPI_Comm_rank");
        Check(MpiLibrary.MPI_Comm_size(_handles.CommWorld, out int size), "MPI_Comm_size");
        (Rank, Size) = (rank, size);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Finalize_();
    }

    public void SumInPlace(Span<float> values)
    {
        for (int start = 0; start < values.Length; start += MaxCount)
        {
            var piece = values[start..Math.Min(values.Length, start + MaxCount)];
            fixed (float* p = piece)
                Check(MpiLibrary.MPI_Allreduce(MpiLibrary.InPlace, p, piece.Length, _handles.Float, _handles.Sum, _handles.CommWorld), "MPI_Allreduce");
        }
    }

    public void SumInPlace(Span<double> values)
    {
        fixed (double* p = values)
            Check(MpiLibrary.MPI_Allreduce(MpiLibrary.InPlace, p, values.Length, _handles.Double, _handles.Sum, _handles.CommWorld), "MPI_Allreduce");
    }

    public void BroadcastFromRoot(Span<double> values)
    {
        fixed (double* p = values)
            Check(MpiLibrary.MPI_Bcast(p, values.Length, _handles.Double, 0, _handles.CommWorld), "MPI_Bcast");
    }

    public void Barrier() => Check(MpiLibrary.MPI_Barrier(_handles.CommWorld), "MPI_Barrier");

    public void Abort(string message, int exitCode)
    {
        Console.Error.WriteLine(message);
        Console.Error.Flush();
        MpiLibrary.MPI_Abort(_handles.CommWorld, exitCode);
        Environment.Exit(exitCode);   // MPI_Abort does not return; in case it does
    }

    private static void Finalize_()
    {
        if (MpiLibrary.MPI_Finalized(out int done) == MpiLibrary.Success && done == 0) MpiLibrary.MPI_Finalize();
    }

    private static void Check(int code, string call)
    {
        // OpenMPI's default error handler aborts the job on an error; a code that comes back anyway is reported.
        if (code != MpiLibrary.Success) throw new MftException($"{call} failed with MPI error {code}");
    }
}
