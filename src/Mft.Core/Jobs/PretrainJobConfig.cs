using Mft.Training;

namespace Mft.Jobs;

/// <summary>
/// Training a Llama-architecture model from scratch on general text (the embedded base model, <c>mft pretrain</c>):
/// the model's shape and the pretraining recipe, whose trainer settings are <see cref="Trainer"/>.
/// </summary>
public sealed record PretrainJobConfig
{
    [Option("data", Help = "training text (documents separated by blank lines)", Value = "FILE")]
    public string DataPath { get; init; } = "data/general/train.txt";
    [Option("test", Help = "held-out text, evaluated during training", Value = "FILE")]
    public string TestPath { get; init; } = "data/general/test.txt";
    /// <summary>Folder with tokenizer.json (and tokenizer_config.json), copied into the model.</summary>
    [Option("tokenizer", Help = "folder with tokenizer.json", Value = "DIR")]
    public required string TokenizerDirectory { get; init; }
    [Option("out", Help = "output folder: the model, and its checkpoints while it trains", Value = "DIR")]
    public required string OutputDirectory { get; init; }
    [Option("resume", Help = "continue from the checkpoint in the output folder")]
    public bool Resume { get; init; }
    [Option("overwrite", Help = "replace a non-empty output folder")]
    public bool Overwrite { get; init; }
    [Option("threads", Help = Runtime.ComputeOptions.ThreadsHelp)]
    public int Threads { get; init; }
    /// <summary>The products' arithmetic while training (evaluation is fp32, as in <c>mft train</c>); the embedded model was trained in fp32.</summary>
    [Option("precision", Help = Runtime.ComputeOptions.PrecisionHelp)]
    public Runtime.Precision Precision { get; init; } = Runtime.Precision.Fp32;
    [Option("hidden", Help = "hidden size")]
    public int HiddenSize { get; init; } = 256;
    [Option("layers", Help = "decoder layers")]
    public int Layers { get; init; } = 6;
    [Option("heads", Help = "attention heads")]
    public int Heads { get; init; } = 8;
    [Option("kv_heads", Help = "key/value heads")]
    public int KvHeads { get; init; } = 4;
    [Option("mlp", Help = "MLP intermediate size")]
    public int IntermediateSize { get; init; } = 688;
    public double RopeTheta { get; init; } = 10000;
    /// <summary>Evaluate on at most this many held-out documents.</summary>
    public int EvalDocuments { get; init; } = 400;
    [Option("context", Help = "tokens per training row")]
    public int ContextLength { get; init; } = 256;
    [Option("batch_size", Help = "rows per step")]
    public int BatchSize { get; init; } = 16;
    [Option("lr", Help = "peak learning rate (cosine schedule down to a tenth)", Value = "LR")]
    public double LearningRate { get; init; } = 2e-3;
    [Option("max_steps", Help = "optimizer steps")]
    public int MaxSteps { get; init; } = 3000;
    [Option("warmup_steps", Help = "linear warmup steps")]
    public int WarmupSteps { get; init; } = 100;
    [Option("eval_every", Help = "evaluate every N steps")]
    public int EvalEvery { get; init; } = 500;
    [Option("checkpoint_every", Help = "save a checkpoint every N steps")]
    public int CheckpointEvery { get; init; } = 100;
    [Option("seed", Help = "seed of the initial weights and the row order")]
    public int Seed { get; init; }

    /// <summary>Positions the model supports: at least 512, and the training context.</summary>
    public int MaxPositions => Math.Max(512, ContextLength);

    /// <summary>The pretraining recipe: cross-entropy, AdamW with weight decay 0.1, a cosine schedule down to a tenth of the peak rate.</summary>
    public TrainerConfig Trainer => new()
    {
        Method = "ft", ContextLength = ContextLength, BatchSize = BatchSize, LearningRate = LearningRate, MaxSteps = MaxSteps,
        WarmupSteps = WarmupSteps, EvalEvery = EvalEvery, CheckpointEvery = CheckpointEvery, Seed = Seed,
        WeightDecay = 0.1, Schedule = ScheduleKind.Cosine, MinLrRatio = 0.1, Precision = Precision,
    };

    public void Validate()
    {
        OptionException.RequireGiven(("tokenizer", TokenizerDirectory), ("out", OutputDirectory));
        Trainer.Validate();
    }
}
