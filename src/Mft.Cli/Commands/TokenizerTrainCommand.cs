using System.ComponentModel;
using Mft.Data;
using Mft.Tokenization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mft.Cli.Commands;

public sealed class TokenizerTrainSettings : CommandSettings
{
    [CommandOption("--data <FILE>")] [Description("training text (documents separated by blank lines)")]
    public string Data { get; init; } = "";
    [CommandOption("--vocab-size <N>")] [DefaultValue(4096)] public int VocabSize { get; init; } = 4096;
    [CommandOption("--out <DIR>")] public string Out { get; init; } = "";
    [CommandOption("--overwrite")] public bool Overwrite { get; init; }
    [CommandOption("--verbose")] public bool Verbose { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Data) || string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--data and --out are required") : ValidationResult.Success();
}

/// <summary><c>mft tokenizer train</c>: a byte-level BPE saved as tokenizer.json + tokenizer_config.json.</summary>
public sealed class TokenizerTrainCommand : Command<TokenizerTrainSettings>
{
    public override int Execute(CommandContext context, TokenizerTrainSettings s, CancellationToken cancellationToken)
    {
        var target = Path.Combine(s.Out, HfTokenizer.FileName);
        if (File.Exists(target) && !s.Overwrite) throw new MftException($"{target}: already exists; pass --overwrite to replace it");
        var docs = SampleReader.Read(s.Data).Select(x => x.Text);
        var result = ByteLevelBpeTrainer.Train(docs, s.VocabSize);
        Directory.CreateDirectory(s.Out);
        Checkpoints.AtomicFile.WriteAllText(target, result.ToTokenizerJson().ToJsonString());
        Checkpoints.AtomicFile.WriteAllText(Path.Combine(s.Out, "tokenizer_config.json"),
            $$"""{"add_bos_token": true, "bos_token": "{{ByteLevelBpeTrainer.EndOfText}}", "eos_token": "{{ByteLevelBpeTrainer.EndOfText}}", "model_max_length": 512}""");
        using var check = HfTokenizer.Load(s.Out);
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(target)}: {check.VocabSize} tokens ({result.Merges.Count} merges)");
        return 0;
    }
}
