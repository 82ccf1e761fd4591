using Mft.Jobs;

namespace Mft.Cli.Commands;

/// <summary><c>mft evaluate</c>: specialization and degeneralization of any tuned model against its base, and both models' task scores (<see cref="EvaluateJob"/>).</summary>
public static class EvaluateCommand
{
    public static int Run(EvaluateJobConfig config)
    {
        var result = EvaluateJob.Run(config, Console.Error.WriteLine);   // what auto chose, on stderr
        if (result.Perplexity is { } report) ResultTable.Write(Path.GetFileName(Path.TrimEndingDirectorySeparator(config.TunedDirectory)), report);
        if (result.Tasks.Count > 0) TaskTable.Write(result.Tasks);
        return 0;
    }
}
