using Mft.Cluster;
using Mft.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using Mft.Jobs;

namespace Mft.Cli.Commands;

/// <summary>
/// <c>mft teacher-cache</c>: the teacher pass of an mft/kd run on its own, or one share of its rows (--shard K/N),
/// so that it can run across a cluster before the training run; <c>mft train</c> with the same options and
/// --teacher-cache joins the shares, checking their fingerprint.
/// </summary>
public sealed class TeacherCacheCommand : Command<TeacherCacheSettings>
{
    public override int Execute(CommandContext context, TeacherCacheSettings s, CancellationToken cancellationToken)
    {
        var shard = s.Shard is null ? Shard.All : Shard.Parse(s.Shard);
        var written = TeacherPass.Run(s.ToJobConfig(), shard);
        AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(written)}[/]");
        if (!shard.IsAll)
            AnsiConsole.MarkupLine(Markup.Escape($"once all {shard.Count} shares are there, mft train with the same options joins them into {s.TeacherCache}"));
        return 0;
    }
}
