using Mft.Jobs;

namespace Mft.Cli.Commands;

/// <summary><c>mft evaluate</c>: specialization and degeneralization of any tuned model against its base (<see cref="EvaluateJob"/>).</summary>
public static class EvaluateCommand
{
    public static int Run(EvaluateJobConfig config)
    {
        var report = EvaluateJob.Run(config, Console.Error.WriteLine);   // what auto chose, on stderr
        ResultTable.Write(Path.GetFileName(Path.TrimEndingDirectorySeparator(config.TunedDirectory)), report);
        return 0;
    }
}
