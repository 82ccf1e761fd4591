using Mft.Data;
using Mft.Evaluation;
using Mft.Models;
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
        var domain = SampleReader.Read(s.Data, split);
        var general = s.General is null ? null : SampleReader.Read(s.General, split);
        (double Domain, double? General) Measure(string dir)
        {
            using var m = PretrainedModel.Open(dir, s.Device);
            m.Model.Config.RequireContext(s.Context, dir);
            double Ppl(IReadOnlyList<TextSample> samples) =>
                Perplexity.Evaluate(m.Model, Perplexity.WindowsOf(m.Tokenizer, samples, s.Context), s.BatchSize).Perplexity;
            return (Ppl(domain), general is null ? null : Ppl(general));
        }
        var b = Measure(s.Base);
        var t = Measure(s.Tuned);
        ResultTable.Write(Path.GetFileName(Path.TrimEndingDirectorySeparator(s.Tuned)), new SpecializationReport(b.Domain, t.Domain, b.General, t.General));
        return 0;
    }
}
