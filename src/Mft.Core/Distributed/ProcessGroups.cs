namespace Mft.Distributed;

/// <summary>
/// Whether this process is one rank of an MPI job, from the environment its launcher sets, with no flag:
/// <c>OMPI_COMM_WORLD_SIZE</c> (OpenMPI's mpirun), <c>PMIX_RANK</c> (<c>srun --mpi=pmix</c>, or a PMIx launcher),
/// <c>PMI_SIZE</c> (<c>srun --mpi=pmi2</c>). <c>MFT_MPI=0</c> turns detection off (one process, MPI never loaded).
/// A job of one rank is a single process too. The group is made once per process and kept.
/// </summary>
public static class ProcessGroups
{
    private static readonly Lazy<IProcessGroup> Current = new(Create);

    /// <summary>This process's group: <see cref="SingleProcess.Instance"/> outside MPI.</summary>
    public static IProcessGroup Detect() => Current.Value;

    /// <summary>Whether the environment says this process was started by an MPI launcher.</summary>
    public static bool UnderMpi(Func<string, string?> environment)
    {
        if (environment("MFT_MPI") is "0") return false;
        return environment("OMPI_COMM_WORLD_SIZE") is not null || environment("PMIX_RANK") is not null || environment("PMI_SIZE") is not null;
    }

    private static IProcessGroup Create()
    {
        if (!UnderMpi(Environment.GetEnvironmentVariable)) return SingleProcess.Instance;
        var group = new MpiProcessGroup();
        return group.Size > 1 ? group : SingleProcess.Instance;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on every rank; an exception on any rank ends the whole job (MPI_Abort, exit code 2 for
    /// an <see cref="MftException"/>, else 1) after printing its message with the rank, so that no rank waits forever
    /// for one that failed. In a single process the exception is thrown as usual.
    /// </summary>
    public static T AbortOnFailure<T>(this IProcessGroup group, Func<T> work)
    {
        if (group.Size == 1) return work();
        try { return work(); }
        catch (Exception e)
        {
            var inner = e is AggregateException { InnerException: { } first } ? first : e;
            group.Abort($"error: rank {group.Rank} of {group.Size}: {inner.Message}", inner is MftException ? 2 : 1);
            throw;   // not reached
        }
    }
}
