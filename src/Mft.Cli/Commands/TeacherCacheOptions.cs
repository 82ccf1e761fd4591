namespace Mft.Cli.Commands;

/// <summary><c>mft teacher-cache</c>'s options: <c>mft train</c>'s, so that its rows are the training run's rows, and a share.</summary>
public sealed record TeacherCacheOptions
{
    [Option("shard", Help = "compute only the K-th of N shares of the training rows (1 <= K <= N); default: all of them", Value = "K/N")]
    public string? Shard { get; init; }
    [OptionGroup] public TrainOptions Train { get; init; } = null!;
}
