using System.ComponentModel;
using Mft.Data;
using Mft.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using Mft.Jobs;
using Mft.Teachers;

namespace Mft.Cli.Commands;

public class TrainSettings : ComputeSettings
{
    [CommandOption("--config <FILE>")]
    [Description("YAML file of options (keys are option names: lr, max-steps, ...); flags given on the command line win")]
    public string? Config { get; init; }

    [CommandOption("--model <DIR>")] [Description("base model directory (Hugging Face format)")]
    public string Model { get; init; } = "";
    [CommandOption("--data <FILE>")] [Description("domain data: text or JSONL; split into train/validation/test")]
    public string Data { get; init; } = "";
    [CommandOption("--general <FILE>")] [Description("general-domain text, for measuring degeneralization only")]
    public string? General { get; init; }
    [CommandOption("--out <DIR>")] [Description("output folder (model/, report.md, metrics.jsonl)")]
    public string Out { get; init; } = "";
    [CommandOption("--overwrite")] public bool Overwrite { get; init; }
    [CommandOption("--resume")] [Description("continue from the checkpoint in --out")]
    public bool Resume { get; init; }

    [CommandOption("--method <METHOD>")] [Description("ft, mft or kd")] [DefaultValue("mft")]
    public string Method { get; init; } = "mft";
    [CommandOption("--tau <TAU>")] [DefaultValue(0.2)] public double Tau { get; init; } = 0.2;
    [CommandOption("--temperature <T>")] [DefaultValue(1.0)] public double Temperature { get; init; } = 1.0;
    [CommandOption("--correct-only-wrong")] [Description("MFT variant: correct only tokens whose teacher argmax is wrong")]
    public bool CorrectOnlyWrong { get; init; }

    [CommandOption("--adapter <KIND>")] [Description("train a PEFT adapter instead of all weights: lora, dora or ia3 (saved in PEFT format; mft merge folds it in)")]
    public string? Adapter { get; init; }
    [CommandOption("--lora-rank <R>")] [DefaultValue(8)] public int LoraRank { get; init; } = 8;
    [CommandOption("--lora-alpha <A>")] [DefaultValue(16.0)] public double LoraAlpha { get; init; } = 16;
    [CommandOption("--lora-dropout <P>")] [DefaultValue(0.0)] public double LoraDropout { get; init; }
    [CommandOption("--target-modules <NAMES>")] [Description("comma-separated layer names to adapt (default: all attention and MLP projections; IA3: k_proj,v_proj,down_proj)")]
    public string? TargetModules { get; init; }
    [CommandOption("--replay-data <FILE>")] [Description("general-domain text to mix into training (replay)")]
    public string? ReplayData { get; init; }
    [CommandOption("--replay-fraction <F>")] [Description("share of training samples taken from --replay-data")] [DefaultValue(0.0)]
    public double ReplayFraction { get; init; }
    [CommandOption("--max-degeneralization <D>")] [Description("keep the evaluated step with the lowest domain validation perplexity whose general perplexity rose at most D (0.02 = 2%); needs --general and evaluations")]
    public double? MaxDegeneralization { get; init; }

    [CommandOption("--teacher-cache-topk <K>")] [Description("mft/kd: compute the teacher once and keep its top-K probabilities per token (0: run it every step)")] [DefaultValue(0)]
    public int TeacherCacheTopK { get; init; }
    [CommandOption("--teacher-cache-exact")] [Description("mft/kd: compute the teacher once and keep its hidden states (hidden_size floats per token): the same loss as running it every step, at about the cost of finetuning")]
    public bool TeacherCacheExact { get; init; }
    [CommandOption("--gradient-checkpointing")] [Description("recompute each decoder layer's activations in backward instead of keeping them: less memory, one more forward per step")]
    public bool GradientCheckpointing { get; init; }
    [CommandOption("--teacher-cache <FILE>")] [Description("where to keep the teacher cache (default: in --out); reused when it matches model, tokenizer and data, refused otherwise")]
    public string? TeacherCache { get; init; }

    [CommandOption("--max-samples <N>")] [Description("data budget: training samples to use")]
    public int? MaxSamples { get; init; }
    [CommandOption("--lines")] [Description("one document per line in text files")]
    public bool Lines { get; init; }
    [CommandOption("--chat-template <FILE>")] [Description("chat template for \"messages\" data (Jinja, or JSON with chat_template) instead of the model's own")]
    public string? ChatTemplate { get; init; }
    [CommandOption("--validation-fraction <F>")] [DefaultValue(0.1)] public double ValidationFraction { get; init; } = 0.1;
    [CommandOption("--test-fraction <F>")] [DefaultValue(0.1)] public double TestFraction { get; init; } = 0.1;
    [CommandOption("--general-max-samples <N>")] [DefaultValue(200)] public int GeneralMaxSamples { get; init; } = 200;

    [CommandOption("--lr <LR>")] [DefaultValue(1e-4)] public double LearningRate { get; init; } = 1e-4;
    [CommandOption("--weight-decay <W>")] [DefaultValue(0.0)] public double WeightDecay { get; init; }
    [CommandOption("--max-steps <N>")] [Description("optimizer steps; 0 derives them from --epochs")] [DefaultValue(0)]
    public int MaxSteps { get; init; }
    [CommandOption("--epochs <E>")] [DefaultValue(3.0)] public double Epochs { get; init; } = 3;
    [CommandOption("--warmup-steps <N>")] [DefaultValue(10)] public int WarmupSteps { get; init; } = 10;
    [CommandOption("--schedule <KIND>")] [Description("cosine, linear or constant")] [DefaultValue("cosine")]
    public string Schedule { get; init; } = "cosine";
    [CommandOption("--min-lr-ratio <R>")] [DefaultValue(0.1)] public double MinLrRatio { get; init; } = 0.1;
    [CommandOption("--batch-size <N>")] [DefaultValue(8)] public int BatchSize { get; init; } = 8;
    [CommandOption("--grad-accum <N>")] [DefaultValue(1)] public int GradAccum { get; init; } = 1;
    [CommandOption("--clip <NORM>")] [DefaultValue(1.0)] public double Clip { get; init; } = 1.0;
    [CommandOption("--seed <S>")] [DefaultValue(0)] public int Seed { get; init; }
    [CommandOption("--context <N>")] [DefaultValue(256)] public int Context { get; init; } = 256;
    [CommandOption("--packing <KIND>")] [Description("pack or pad")] [DefaultValue("pack")]
    public string Packing { get; init; } = "pack";
    [CommandOption("--loss-chunk <N>")] [Description("positions whose logits are made at once (at most 16M logits: 110 positions at a 151,936-token vocabulary)")] [DefaultValue(1024)] public int LossChunk { get; init; } = 1024;
    [CommandOption("--eval-every <N>")] [DefaultValue(0)] public int EvalEvery { get; init; }
    [CommandOption("--eval-batch-size <N>")] [DefaultValue(8)] public int EvalBatchSize { get; init; } = 8;
    [CommandOption("--keep-best")] public bool KeepBest { get; init; }
    [CommandOption("--patience <N>")] [Description("early stopping: evaluations without improvement")] [DefaultValue(0)]
    public int Patience { get; init; }
    [CommandOption("--checkpoint-every <N>")] [DefaultValue(0)] public int CheckpointEvery { get; init; }
    [CommandOption("--on-nonfinite <WHAT>")] [Description("stop or skip")] [DefaultValue("stop")]
    public string OnNonFinite { get; init; } = "stop";

    public FinetuneJobConfig ToJobConfig() => new()
    {
        ModelDirectory = Model, DataPath = Data, GeneralPath = General, OutputDirectory = Out, Overwrite = Overwrite, Resume = Resume,
        ChatTemplatePath = ChatTemplate,
        Device = Device, Threads = Threads, MaxSamples = MaxSamples, ValidationFraction = ValidationFraction, TestFraction = TestFraction,
        Adapter = Adapter is null ? null : new Mft.Adapters.AdapterConfig
        {
            Kind = Mft.Adapters.AdapterConfig.ParseKind(Adapter), Rank = LoraRank, Alpha = LoraAlpha, Dropout = LoraDropout,
            TargetModules = TargetModules?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        },
        ReplayPath = ReplayData, ReplayFraction = ReplayFraction, TeacherCachePath = TeacherCache,
        GeneralMaxSamples = GeneralMaxSamples, TextSplit = Lines ? TextSplit.Lines : TextSplit.BlankLines, EvalBatchSize = EvalBatchSize,
        Trainer = new TrainerConfig
        {
            Method = Method, Tau = Tau, Temperature = Temperature, CorrectOnlyWrong = CorrectOnlyWrong, LearningRate = LearningRate,
            WeightDecay = WeightDecay, MaxSteps = MaxSteps, Epochs = Epochs, WarmupSteps = WarmupSteps, Schedule = EnumOption.Parse<ScheduleKind>(Schedule, "schedule"),
            MinLrRatio = MinLrRatio, BatchSize = BatchSize, GradientAccumulation = GradAccum, ClipNorm = Clip, Seed = Seed,
            EvalEvery = EvalEvery, KeepBest = KeepBest, MaxDegeneralization = MaxDegeneralization, EarlyStoppingPatience = Patience, CheckpointEvery = CheckpointEvery,
            ContextLength = Context, Packing = EnumOption.Parse<Mft.Data.Packing>(Packing, "packing"),
            LossChunkTokens = LossChunk, OnNonFinite = EnumOption.Parse<NonFiniteAction>(OnNonFinite, "on_nonfinite"), TeacherCacheTopK = TeacherCacheTopK, TeacherCacheExact = TeacherCacheExact, GradientCheckpointing = GradientCheckpointing,
        },
    };
}
