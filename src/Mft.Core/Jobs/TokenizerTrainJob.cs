using Mft.Checkpoints;
using Mft.Data;
using Mft.Tokenization;

namespace Mft.Jobs;

/// <summary><c>mft tokenizer train</c>: a byte-level BPE saved as tokenizer.json + tokenizer_config.json, loaded back as a check.</summary>
public static class TokenizerTrainJob
{
    /// <summary>Returns the tokenizer.json written, its vocabulary size and its number of merges.</summary>
    public static (string Path, int VocabSize, int Merges) Run(TokenizerTrainJobConfig config)
    {
        config.Validate();
        var target = Path.Combine(config.OutputDirectory, HfTokenizer.FileName);
        if (File.Exists(target) && !config.Overwrite) throw MftException.NamingOptions($"{target}: already exists; pass {{overwrite}} to replace it");
        var docs = SampleReader.Read(config.DataPath).Select(x => x.Text);
        var result = ByteLevelBpeTrainer.Train(docs, config.VocabSize);
        Directory.CreateDirectory(config.OutputDirectory);
        AtomicFile.WriteAllText(target, result.ToTokenizerJson().ToJsonString());
        AtomicFile.WriteAllText(Path.Combine(config.OutputDirectory, "tokenizer_config.json"),
            $$"""{"add_bos_token": true, "bos_token": "{{ByteLevelBpeTrainer.EndOfText}}", "eos_token": "{{ByteLevelBpeTrainer.EndOfText}}", "model_max_length": 512}""");
        using var check = HfTokenizer.Load(config.OutputDirectory);
        return (target, check.VocabSize, result.Merges.Count);
    }
}
