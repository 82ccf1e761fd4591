using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Mft.Teachers;

namespace Mft.Cli.Commands;

/// <summary><c>mft teacher-cache</c> takes <c>mft train</c>'s options, so that its rows are the training run's rows, and a share.</summary>
public sealed class TeacherCacheSettings : TrainSettings
{
    [CommandOption("--shard <K/N>")] [Description("compute only the K-th of N shares of the training rows (1 <= K <= N); default: all of them")]
    public string? Shard { get; init; }

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (Shard is not null)
        {
            try { Mft.Cluster.Shard.Parse(Shard); }
            catch (MftException e) { return ValidationResult.Error(e.Message); }
        }
        if (string.IsNullOrWhiteSpace(TeacherCache))
            return ValidationResult.Error("--teacher-cache FILE is required: the shards are written beside it, and mft train --teacher-cache FILE joins them");
        if (TeacherCacheTopK <= 0 && !TeacherCacheExact) return ValidationResult.Error("a cache kind is required: --teacher-cache-exact (hidden states) or --teacher-cache-topk K");
        return ValidationResult.Success();
    }
}
