using Mft.Jobs;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary><c>mft perplexity</c>: token-level perplexity of a model over a text or JSONL file (<see cref="PerplexityJob"/>).</summary>
public static class PerplexityCommand
{
    public static int Run(PerplexityJobConfig config)
    {
        var (result, documents) = PerplexityJob.Run(config, Console.Error.WriteLine);   // what auto chose, on stderr
        var table = new Table().AddColumns("file", "documents", "tokens scored", "mean NLL (nats)", "perplexity");
        table.AddRow(Markup.Escape(config.DataPath), documents.ToString(), result.Tokens.ToString(),
            result.MeanNll.ToString("F4"), result.Perplexity.ToString("F3"));
        AnsiConsole.Write(table);
        return 0;
    }
}
