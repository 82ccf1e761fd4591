using Mft.Data;
using Mft.Jobs;
using Mft.Runtime;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary><c>mft evaluate</c>: specialization and degeneralization of any tuned model against its base.</summary>
public sealed class EvaluateCommand : Command<EvaluateSettings>
{
    public override int Execute(CommandContext context, EvaluateSettings s, CancellationToken cancellationToken)
    {
        TorchRuntime.SetThreads(s.Threads);
        var split = s.Lines ? TextSplit.Lines : TextSplit.BlankLines;
        var report = EvaluateJob.Run(s.Base, s.Tuned, SampleReader.Read(s.Data, split), s.General is null ? null : SampleReader.Read(s.General, split),
            s.Context, s.BatchSize, s.Device);
        ResultTable.Write(Path.GetFileName(Path.TrimEndingDirectorySeparator(s.Tuned)), report);
        return 0;
    }
}
