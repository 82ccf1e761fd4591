namespace Mft.Runs;

/// <summary>
/// Every path in a run folder (the --out of <c>mft train</c>; one run of a sweep or the demo), named in one place:
/// the counterpart of <see cref="Data.CorpusLayout"/> for what a run writes. Each file's owner writes it atomically;
/// a folder holding <see cref="Report"/> is a finished run (resume refuses it, sweeps skip it).
/// </summary>
public sealed record RunLayout(string Directory)
{
    public const string ReportFile = "report.json";
    public const string MetricsFile = "metrics.jsonl";
    public const string CheckpointFolder = "checkpoint";
    /// <summary>A checkpoint folder's files: the weights, the optimizer's state and the <see cref="Training.TrainingState"/>.</summary>
    public const string CheckpointWeightsFile = "model.safetensors", CheckpointOptimizerFile = "optimizer.bin", CheckpointStateFile = "state.json";
    /// <summary>The default file names of the two teacher caches (<see cref="Teachers.ExactTeacherCache"/>, <see cref="Teachers.TopKTeacherCache"/>).</summary>
    public const string ExactTeacherCacheFile = "teacher_states.safetensors", TopKTeacherCacheFile = "teacher_cache.safetensors";

    /// <summary>The finished run's summary (<see cref="Jobs.RunReport"/>).</summary>
    public string Report => In(ReportFile);
    /// <summary>The same for people.</summary>
    public string ReportMarkdown => In("report.md");
    /// <summary>Every setting of the job as resolved, options or not (JSON, property names in snake_case).</summary>
    public string ResolvedConfig => In("run_config.json");
    /// <summary>Every option as <c>mft train --config</c> reads it: replays the run.</summary>
    public string ReplayConfig => In("run_config.yaml");
    /// <summary>One line per step and per evaluation (<see cref="Training.MetricsLog"/>).</summary>
    public string Metrics => In(MetricsFile);
    /// <summary>The base model's perplexities, measured once and reused on resume.</summary>
    public string BasePerplexities => In("base_perplexity.json");
    /// <summary>The base model's task scores (<see cref="Evaluation.BaseTaskScores"/>), measured once and reused on resume.</summary>
    public string BaseTaskScores => In("base_tasks.json");
    /// <summary>The resumable checkpoint (<see cref="Training.TrainingCheckpoint"/>); deleted when the run finishes.</summary>
    public string Checkpoint => In(CheckpointFolder);
    /// <summary>The previous checkpoint while a new one replaces it.</summary>
    public string PreviousCheckpoint => In($"{CheckpointFolder}.old");
    /// <summary>A checkpoint being written by process <paramref name="processId"/>.</summary>
    public string CheckpointInProgress(int processId) => In($".{CheckpointFolder}.{processId}.tmp");
    /// <summary>The best evaluated weights under keep-best (<see cref="Training.BestWeights"/>).</summary>
    public string BestWeights => In("best.safetensors");
    /// <summary>The tuned model (Hugging Face format) of full finetuning.</summary>
    public string Model => In("model");
    /// <summary>The PEFT adapter folder when adapters train.</summary>
    public string Adapter => In("adapter");
    /// <summary>The teacher cache, when the run keeps its own, by its kind's file name (<see cref="Teachers.TeacherCacheKind.FileName"/>).</summary>
    public string TeacherCache(string fileName) => In(fileName);
    /// <summary>The model card of a pretrained model (<see cref="Jobs.PretrainJob"/> writes the model at the root of its folder).</summary>
    public string ModelCard => In("README.md");
    /// <summary>The run folder of pretraining inside the model folder it writes: checkpoints, metrics and <see cref="ElapsedHours"/>.</summary>
    public RunLayout Pretraining => new(In("training"));
    /// <summary>Hours spent training so far, summed over resumed sessions (pretraining).</summary>
    public string ElapsedHours => In("elapsed_hours.txt");
    /// <summary>Scratch space of the top-k cache's fidelity check (<see cref="Jobs.TeacherCacheFidelity"/>), deleted after it.</summary>
    public string TeacherCacheCheck => In(".teacher-cache-check");

    public bool IsFinished => File.Exists(Report);

    /// <summary>The checkpoint folder to resume from: the checkpoint, or the previous one if a swap was interrupted; null when neither is whole.</summary>
    public string? ResumableCheckpoint =>
        new[] { Checkpoint, PreviousCheckpoint }.FirstOrDefault(dir =>
            new[] { CheckpointStateFile, CheckpointWeightsFile, CheckpointOptimizerFile }.All(f => File.Exists(Path.Combine(dir, f))));

    private string In(string name) => Path.Combine(Directory, name);
}
