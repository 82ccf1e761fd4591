using Mft.Evaluation;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary><c>mft tasks build</c>: the continuation tasks of the corpora's held-out files, as JSONL for <c>mft evaluate --tasks</c> (<see cref="ContinuationTasks"/>).</summary>
public static class TasksBuildCommand
{
    public static int Run(TaskBuildConfig config)
    {
        var table = new Table().AddColumns("task", "file", "items");
        foreach (var (name, path, items) in ContinuationTasks.Build(config)) table.AddRow(Markup.Escape(name), Markup.Escape(path), items.ToString());
        AnsiConsole.Write(table);
        return 0;
    }
}
