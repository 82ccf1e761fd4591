using Mft.Models.Llama;
using Mft.Training;

namespace Mft.Jobs;

/// <summary>Training a Llama-architecture model from scratch on general text (the embedded base model).</summary>
public sealed record PretrainJobConfig
{
    public required string DataPath { get; init; }
    public required string TestPath { get; init; }
    /// <summary>Folder with tokenizer.json (and tokenizer_config.json), copied into the model.</summary>
    public required string TokenizerDirectory { get; init; }
    public required string OutputDirectory { get; init; }
    public bool Resume { get; init; }
    public bool Overwrite { get; init; }
    public int Threads { get; init; }
    public int HiddenSize { get; init; } = 256;
    public int Layers { get; init; } = 6;
    public int Heads { get; init; } = 8;
    public int KvHeads { get; init; } = 4;
    public int IntermediateSize { get; init; } = 688;
    public int MaxPositions { get; init; } = 512;
    public double RopeTheta { get; init; } = 10000;
    /// <summary>Evaluate on at most this many held-out documents.</summary>
    public int EvalDocuments { get; init; } = 400;
    public required TrainerConfig Trainer { get; init; }
}
