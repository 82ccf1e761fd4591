using Mft.Adapters;
using Mft.Data;
using Mft.Runs;
using Mft.Evaluation;
using Mft.Training;

namespace Mft.Jobs;

/// <summary>A whole finetuning job: which model, which data, where to write, and how to train.</summary>
public sealed record FinetuneJobConfig
{
    /// <summary>The base model: a Hugging Face model directory (config.json, safetensors, tokenizer).</summary>
    [Option("model", Help = "base model directory (Hugging Face format)", Value = "DIR", Scope = OptionScope.Rows)]
    public required string ModelDirectory { get; init; }
    /// <summary>Domain data: text or JSONL; split into train, validation and test by <see cref="TrainerConfig.Seed"/>.</summary>
    [Option("data", Help = "domain data: text or JSONL; split into train/validation/test", Value = "FILE", Scope = OptionScope.Rows)]
    public required string DataPath { get; init; }
    /// <summary>An explicit domain test set; then <see cref="DataPath"/> is split into train and validation only.</summary>
    public string? DomainTestPath { get; init; }
    /// <summary>At most this many domain test samples are evaluated (chosen by the seed).</summary>
    public int? DomainTestMaxSamples { get; init; }
    /// <summary>With <see cref="DomainTestPath"/>: this many domain validation samples are taken from that file, disjoint from the test samples, instead of from the training data.</summary>
    public int? DomainValidationSamples { get; init; }
    /// <summary>A general validation set of this many samples from <see cref="GeneralPath"/>, disjoint from the general samples evaluated as test.</summary>
    public int? GeneralValidationSamples { get; init; }
    /// <summary>Base-model perplexities (domain validation, domain test, general, optionally general validation) measured earlier on the same sets, to skip measuring them again.</summary>
    public Evaluation.BasePerplexities? BasePerplexities { get; init; }
    /// <summary>General-domain text for measuring degeneralization (evaluation only, never trained on).</summary>
    [Option("general", Help = "general-domain text, for measuring degeneralization only", Value = "FILE", Scope = OptionScope.Measurement)]
    public string? GeneralPath { get; init; }
    /// <summary>Where the tuned model (model/ or adapter/), reports, metrics and checkpoints are written.</summary>
    [Option("out", Help = "output folder (model/, report.md, metrics.jsonl)", Value = "DIR", Scope = OptionScope.Process)]
    public required string OutputDirectory { get; init; }
    /// <summary>Replace an existing output folder; without it, a non-empty one is an error.</summary>
    [Option("overwrite", Help = "replace a non-empty output folder", Scope = OptionScope.Process)]
    public bool Overwrite { get; init; }
    /// <summary>Continue from the checkpoint in the output folder.</summary>
    [Option("resume", Help = "continue from the checkpoint in {out}", Scope = OptionScope.Process)]
    public bool Resume { get; init; }
    /// <summary>cpu, cuda or cuda:N (CUDA needs a build with -p:TorchBackend=cuda).</summary>
    [Option("device", Help = Runtime.ComputeOptions.DeviceHelp, Value = "DEVICE", Scope = OptionScope.Process)]
    public string Device { get; init; } = "cpu";
    /// <summary>libtorch intra-op threads; 0 keeps libtorch's default.</summary>
    [Option("threads", Help = Runtime.ComputeOptions.ThreadsHelp, Scope = OptionScope.Process)]
    public int Threads { get; init; }
    /// <summary>Data budget: at most this many training samples (the paper uses 500 and up).</summary>
    [Option("max_samples", Help = "data budget: training samples to use", Scope = OptionScope.Rows)]
    public int? MaxSamples { get; init; }
    [Option("validation_fraction", Help = "share of the domain data held out for validation", Value = "F", Scope = OptionScope.Rows)]
    public double ValidationFraction { get; init; } = 0.1;
    [Option("test_fraction", Help = "share of the domain data held out for test", Value = "F", Scope = OptionScope.Rows)]
    public double TestFraction { get; init; } = 0.1;
    /// <summary>At most this many general samples are evaluated (chosen by the seed).</summary>
    [Option("general_max_samples", Help = "general samples evaluated (chosen by the seed)", Scope = OptionScope.Measurement)]
    public int? GeneralMaxSamples { get; init; } = 200;
    public TextSplit TextSplit { get; init; } = TextSplit.BlankLines;
    /// <summary><see cref="TextSplit"/> as the command line's switch: one document per line.</summary>
    [Option("lines", Help = "one document per line in text files (default: documents separated by blank lines)", Scope = OptionScope.Rows)]
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Lines { get => TextSplit == TextSplit.Lines; init => TextSplit = value ? TextSplit.Lines : TextSplit.BlankLines; }
    /// <summary>A chat template (Jinja, or JSON with "chat_template") for "messages" data instead of the model's own.</summary>
    [Option("chat_template", Help = "chat template for \"messages\" data (Jinja, or JSON with chat_template) instead of the model's own", Value = "FILE", Scope = OptionScope.Rows)]
    public string? ChatTemplatePath { get; init; }
    [Option("eval_batch_size", Help = "evaluation windows (tasks: sequences) per batch", Scope = OptionScope.Measurement)]
    public int EvalBatchSize { get; init; } = 8;
    /// <summary>
    /// Multiple-choice task files (<see cref="ChoiceTaskFile"/>) scored on the base model and on the returned weights
    /// (<see cref="ChoiceTask"/>, at <see cref="TrainerConfig.ContextLength"/>, <see cref="EvalBatchSize"/> sequences a batch, fp32).
    /// </summary>
    [Option("tasks", Help = "multiple-choice task files (JSONL lines: context, choices, gold), comma-separated: acc and acc_norm of the base and the tuned weights on each", Value = "FILES", Scope = OptionScope.Measurement)]
    public IReadOnlyList<string> TaskPaths { get; init; } = [];
    /// <summary>The base model's scores on <see cref="TaskPaths"/> measured earlier at the same context, to skip measuring them again.</summary>
    public BaseTaskScores? BaseTaskScores { get; init; }
    /// <summary>How to train: method (ft, mft, kd), tau, learning rate, steps, batch, context, evaluations.</summary>
    [OptionGroup] public required TrainerConfig Trainer { get; init; }
    /// <summary>Train a PEFT adapter (LoRA, DoRA, IA3) instead of all weights; the MFT teacher is then the base with adapters off.</summary>
    [OptionGroup(CreatedBy = "adapter")] public AdapterConfig? Adapter { get; init; }
    /// <summary>General-domain text mixed into training (replay); must not be the general evaluation set.</summary>
    [Option("replay_data", Help = "general-domain text to mix into training (replay)", Value = "FILE", Scope = OptionScope.Rows)]
    public string? ReplayPath { get; init; }
    /// <summary>Share of training samples drawn from <see cref="ReplayPath"/>: r / (domain + r).</summary>
    [Option("replay_fraction", Help = "share of training samples taken from {replay_data}", Value = "F", TeacherFolder = "replay")]
    public double ReplayFraction { get; init; }
    /// <summary>With a teacher cache (<see cref="TrainerConfig.TeacherCacheExact"/> or <see cref="TrainerConfig.TeacherCacheTopK"/>): where it is kept (default: teacher_states.safetensors or teacher_cache.safetensors in the output folder); an existing cache for other data is refused.</summary>
    [Option("teacher_cache", Help = "where to keep the teacher cache (default: in {out}); reused when it matches model, tokenizer and data, refused otherwise", Value = "FILE", Scope = OptionScope.Process)]
    public string? TeacherCachePath { get; init; }

    /// <summary>Where the teacher cache is (or its shards are) kept: <see cref="TeacherCachePath"/>, else in the output folder.</summary>
    public string TeacherCacheFile => TeacherCachePath ?? Layout.TeacherCache(Teachers.TeacherCacheKind.FileNameOf(Trainer.TeacherCacheTopK, Trainer.TeacherCacheExact));

    /// <summary>The paths in <see cref="OutputDirectory"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public RunLayout Layout => new(OutputDirectory);

    /// <summary>
    /// A run on one domain of a corpora folder laid out like data/ (<see cref="CorpusLayout"/>), as the demo and
    /// the sweep make them: train on the domain's train.txt, measure on its test.txt and on general/test.txt, no
    /// validation set (comparisons select no checkpoints).
    /// </summary>
    public static FinetuneJobConfig OnCorpusDomain(string model, string corpora, string domain, int domainTestSamples, int generalTestSamples,
        string outputDirectory, TrainerConfig trainer) => new()
    {
        ModelDirectory = model,
        DataPath = CorpusLayout.DomainTrain(corpora, domain),
        DomainTestPath = CorpusLayout.DomainTest(corpora, domain),
        DomainTestMaxSamples = domainTestSamples,
        GeneralPath = CorpusLayout.GeneralTest(corpora),
        GeneralMaxSamples = generalTestSamples,
        OutputDirectory = outputDirectory,
        ValidationFraction = 0,
        EvalBatchSize = 16,
        Trainer = trainer,
    };

    /// <summary>Throws <see cref="OptionException"/> naming the first invalid option by its key (<see cref="MftException"/> for the library-only settings).</summary>
    public void Validate()
    {
        Trainer.Validate();
        if (string.IsNullOrWhiteSpace(ModelDirectory)) throw new OptionException("model", "is required");
        if (string.IsNullOrWhiteSpace(DataPath)) throw new OptionException("data", "is required");
        if (string.IsNullOrWhiteSpace(OutputDirectory)) throw new OptionException("out", "is required");
        if (MaxSamples is <= 0) throw new OptionException("max_samples", $"must be positive, got {MaxSamples}");
        if (GeneralMaxSamples is <= 0) throw new OptionException("general_max_samples", $"must be positive, got {GeneralMaxSamples}");
        if (DomainValidationSamples is <= 0) throw new MftException($"domain validation samples must be positive, got {DomainValidationSamples}");
        if (DomainValidationSamples is not null && (DomainTestPath is null || DomainTestMaxSamples is null))
            throw new MftException("domain validation samples from the test file need a domain test file and a test sample count");
        if (GeneralValidationSamples is <= 0) throw new MftException($"general validation samples must be positive, got {GeneralValidationSamples}");
        if (GeneralValidationSamples is not null && (GeneralPath is null || GeneralMaxSamples is null))
            throw new MftException("general validation samples need a general file and a general test sample count");
        if (EvalBatchSize <= 0) throw new OptionException("eval_batch_size", $"must be positive, got {EvalBatchSize}");
        if (TaskPaths.Any(string.IsNullOrWhiteSpace)) throw new OptionException("tasks", "a task file's path is empty");
        if (BaseTaskScores is not null && !BaseTaskScores.AreFor(TaskPaths))
            throw new MftException($"base task scores given for {string.Join(", ", BaseTaskScores.Paths)}, but the tasks are {string.Join(", ", TaskPaths)}");
        Adapter?.Validate();
        if (Trainer.GradientCheckpointing && Adapter is { Dropout: > 0 })
            throw new OptionException("gradient_checkpointing", $"recomputes each layer in backward, which needs the same dropout mask twice: use {{lora_dropout}} 0 (got {Adapter.Dropout})");
        if (Trainer.MaxDegeneralization is not null && GeneralPath is null) throw new OptionException("max_degeneralization", "needs {general} (general-domain text to measure degeneralization on)");
        if (Trainer.MaxDegeneralization is not null && Trainer.Evaluations == 0 && Trainer.EvalEvery == 0)
            throw new OptionException("max_degeneralization", "chooses among evaluated steps: give {eval_every} or {evaluations}");
        if (ReplayFraction is < 0 or >= 1) throw new OptionException("replay_fraction", $"must be in [0, 1), got {ReplayFraction}");
        if (ReplayFraction > 0 && string.IsNullOrWhiteSpace(ReplayPath)) throw new OptionException("replay_fraction", "needs {replay_data} (general-domain text)");
        if (ReplayPath is not null && GeneralPath is not null && Path.GetFullPath(ReplayPath) == Path.GetFullPath(GeneralPath))
            throw new MftException($"{ReplayPath}: the replay data is also the general evaluation set; degeneralization would be measured on trained text");
        if (Threads < 0) throw new OptionException("threads", $"must be >= 0, got {Threads}");
    }
}
