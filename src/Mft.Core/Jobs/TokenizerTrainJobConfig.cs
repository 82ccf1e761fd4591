namespace Mft.Jobs;

/// <summary><c>mft tokenizer train</c>'s options: a byte-level BPE trained on a text file.</summary>
public sealed record TokenizerTrainJobConfig
{
    [Option("data", Help = "training text (documents separated by blank lines)", Value = "FILE")]
    public required string DataPath { get; init; }
    [Option("vocab_size", Help = "tokens in the vocabulary")]
    public int VocabSize { get; init; } = 4096;
    [Option("out", Help = "folder to write tokenizer.json and tokenizer_config.json in", Value = "DIR")]
    public required string OutputDirectory { get; init; }
    [Option("overwrite", Help = "replace an existing tokenizer.json")]
    public bool Overwrite { get; init; }

    public void Validate()
    {
        OptionException.RequireGiven(("data", DataPath), ("out", OutputDirectory));
        if (VocabSize < 1) throw new OptionException("vocab_size", $"must be positive, got {VocabSize}");
    }
}
