using Mft.Cluster;
using Spectre.Console;
using Mft.Jobs;

namespace Mft.Cli.Commands;

/// <summary>
/// <c>mft teacher-cache</c>: the teacher pass of an mft/kd run on its own, or one share of its rows (--shard K/N),
/// so that it can run across a cluster before the training run; <c>mft train</c> with the same options and
/// --teacher-cache joins the shares, checking their fingerprint.
/// </summary>
public static class TeacherCacheCommand
{
    public const string Description = "The teacher pass of an mft/kd run on its own, or a share of its rows (--shard K/N); mft train joins the shares.";

    public static int Run(TeacherCacheOptions options)
    {
        var config = options.Train.Job;
        var shard = options.Shard is null ? Shard.All : Shard.Parse(options.Shard);
        // The library writes beside --out by default; here the file is named, so that mft train finds it wherever its --out is.
        if (string.IsNullOrWhiteSpace(config.TeacherCachePath))
            throw new OptionException("teacher_cache", "FILE is required: the shards are written beside it, and mft train {teacher_cache} FILE joins them");
        var written = TeacherPass.Run(config, shard);
        AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(written)}[/]");
        if (!shard.IsAll)
            AnsiConsole.MarkupLine(Markup.Escape($"once all {shard.Count} shares are there, mft train with the same options joins them into {config.TeacherCachePath}"));
        return 0;
    }
}
