using Mft.Jobs;
using Spectre.Console;

namespace Mft.Cli.Commands;

/// <summary><c>mft tokenizer train</c>: a byte-level BPE saved as tokenizer.json + tokenizer_config.json (<see cref="TokenizerTrainJob"/>).</summary>
public static class TokenizerTrainCommand
{
    public static int Run(TokenizerTrainJobConfig config)
    {
        var (path, vocabSize, merges) = TokenizerTrainJob.Run(config);
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(path)}: {vocabSize} tokens ({merges} merges)");
        return 0;
    }
}
