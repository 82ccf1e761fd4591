namespace Mft.Distributed;

/// <summary>
/// The processes of one job (MPI's ranks): who this one is, and the collectives data-parallel training needs. Every
/// rank must call the collectives in the same order. <see cref="SingleProcess"/> is the group of one.
/// </summary>
public interface IProcessGroup
{
    /// <summary>This process's index, 0 to <see cref="Size"/> - 1; rank 0 writes the job's files.</summary>
    int Rank { get; }
    int Size { get; }
    bool IsRoot => Rank == 0;

    /// <summary>Replaces <paramref name="values"/> on every rank by their element-wise sum over the ranks.</summary>
    void SumInPlace(Span<float> values);

    /// <summary>Replaces <paramref name="values"/> on every rank by their element-wise sum over the ranks.</summary>
    void SumInPlace(Span<double> values);

    /// <summary>Gives every rank rank 0's <paramref name="values"/>.</summary>
    void BroadcastFromRoot(Span<double> values);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>Ends every rank of the job at once with <paramref name="exitCode"/>, after printing <paramref name="message"/> (one line); does not return.</summary>
    void Abort(string message, int exitCode);
}
