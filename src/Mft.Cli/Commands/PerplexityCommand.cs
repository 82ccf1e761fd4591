using Mft.Data;
using Mft.Evaluation;
using Mft.Models;
using Mft.Runtime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

/// <summary><c>mft perplexity</c>: token-level perplexity of a model over a text or JSONL file.</summary>
public sealed class PerplexityCommand : Command<PerplexitySettings>
{
    public override int Execute(CommandContext context, PerplexitySettings s, CancellationToken cancellationToken)
    {
        TorchRuntime.SetThreads(s.Threads);
        var samples = SampleReader.Read(s.Data, s.Lines ? TextSplit.Lines : TextSplit.BlankLines);
        if (s.MaxDocuments is int max) samples = samples.Take(max).ToList();
        using var pretrained = PretrainedModel.Open(s.Model, s.Device, s.ChatTemplate);
        int ctx = s.Context == 0 ? pretrained.Model.Config.MaxPositions : s.Context;
        pretrained.Model.Config.RequireContext(ctx);
        var result = Perplexity.Evaluate(pretrained.Model, Perplexity.WindowsOf(pretrained.Tokenizer, samples, ctx, s.Stride,
            samples.Any(x => x.Messages is not null) ? pretrained.Chat : null), s.BatchSize);
        var table = new Table().AddColumns("file", "documents", "tokens scored", "mean NLL (nats)", "perplexity");
        table.AddRow(Markup.Escape(s.Data), samples.Count.ToString(), result.Tokens.ToString(),
            result.MeanNll.ToString("F4"), result.Perplexity.ToString("F3"));
        AnsiConsole.Write(table);
        return 0;
    }
}
