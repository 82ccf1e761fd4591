using Mft.Data;
using Mft.Objectives;

namespace Mft.Training;

/// <summary>Everything that decides how a model is trained. Defaults suit a few hundred domain samples.</summary>
public sealed record TrainerConfig
{
    /// <summary>ft, mft or kd.</summary>
    [Option("method", Help = "ft, mft or kd", Value = "METHOD")]
    public string Method { get; init; } = "mft";
    /// <summary>MFT correction strength: 0 = pure self-distillation, 1 = plain finetuning targets.</summary>
    [Option("tau", Help = "MFT correction strength: 0 pure self-distillation, 1 plain finetuning targets", Value = "TAU")]
    public double Tau { get; init; } = 0.2;
    /// <summary>Softens teacher and student alike; the loss is scaled by T².</summary>
    [Option("temperature", Help = "softens teacher and student alike (the loss is scaled by T²)", Value = "T")]
    public double Temperature { get; init; } = 1.0;
    /// <summary>Correct only tokens whose teacher argmax is wrong (m = 0 where it is right).</summary>
    [Option("correct_only_wrong", Help = "MFT variant: correct only tokens whose teacher argmax is wrong")]
    public bool CorrectOnlyWrong { get; init; }
    [Option("lr", Help = "peak learning rate (AdamW)", Value = "LR")]
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>AdamW decoupled weight decay, applied to matrices only (not norms or biases).</summary>
    [Option("weight_decay", Help = "AdamW decoupled weight decay, on matrices only", Value = "W")]
    public double WeightDecay { get; init; } = 0.0;
    [Option("adam_beta1", Help = "AdamW's beta1", Value = "B")]
    public double Beta1 { get; init; } = 0.9;
    [Option("adam_beta2", Help = "AdamW's beta2", Value = "B")]
    public double Beta2 { get; init; } = 0.95;
    /// <summary>Optimizer steps; 0 derives them from <see cref="Epochs"/>.</summary>
    [Option("max_steps", Help = "optimizer steps; 0 derives them from {epochs}", Scope = OptionScope.Measurement)]
    public int MaxSteps { get; init; }
    [Option("epochs", Help = "passes over the training data when {max_steps} is 0", Value = "E", Scope = OptionScope.Measurement)]
    public double Epochs { get; init; } = 3;
    [Option("warmup_steps", Help = "linear warm-up steps")]
    public int WarmupSteps { get; init; } = 10;
    [Option("schedule", Help = "learning-rate schedule after warm-up")]
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    [Option("min_lr_ratio", Help = "the schedule ends at this share of the peak learning rate", Value = "R")]
    public double MinLrRatio { get; init; } = 0.1;
    [Option("batch_size", Help = "training rows per micro-batch", Scope = OptionScope.Rows)]
    public int BatchSize { get; init; } = 8;
    [Option("grad_accum", Help = "micro-batches per optimizer step", Scope = OptionScope.Rows)]
    public int GradientAccumulation { get; init; } = 1;
    /// <summary>Global gradient-norm clip; 0 disables.</summary>
    [Option("clip", Help = "global gradient-norm clip; 0 disables", Value = "NORM")]
    public double ClipNorm { get; init; } = 1.0;
    [Option("seed", Help = "data split and order, and adapter initialisation", Value = "S", Scope = OptionScope.Rows)]
    public int Seed { get; init; } = 0;
    /// <summary>Evaluate every N steps (and at the end); 0 only at the end.</summary>
    [Option("eval_every", Help = "evaluate every N steps (and at the end); 0 only at the end", Scope = OptionScope.Measurement)]
    public int EvalEvery { get; init; } = 0;
    /// <summary>Evaluate this many times, evenly spaced (overrides <see cref="EvalEvery"/> when positive).</summary>
    [Option("evaluations", Help = "evaluate this many times instead, spaced by {evaluation_spacing}; 0: use {eval_every}", Scope = OptionScope.Measurement)]
    public int Evaluations { get; init; }
    /// <summary>Where the <see cref="Evaluations"/> fall: evenly, or dense early.</summary>
    [Option("evaluation_spacing", Help = "where {evaluations} fall: evenly, or dense early", Scope = OptionScope.Measurement)]
    public EvaluationSpacing EvaluationSpacing { get; init; } = EvaluationSpacing.Linear;
    /// <summary>Return the weights of the evaluation with the lowest domain validation perplexity.</summary>
    [Option("keep_best", Help = "end with the evaluated weights of the lowest domain validation perplexity", Scope = OptionScope.Measurement)]
    public bool KeepBest { get; init; }
    /// <summary>Whether the run ends with its best evaluated weights: asked for, or implied by a degeneralization budget (<see cref="MaxDegeneralization"/>).</summary>
    public bool KeepsBestWeights => KeepBest || MaxDegeneralization is not null;
    /// <summary>
    /// With <see cref="KeepBest"/>: only evaluations whose degeneralization is at most this (0.02: general perplexity
    /// rose at most 2%) may be kept; if none qualifies, the base weights are returned.
    /// </summary>
    [Option("max_degeneralization", Help = "keep the evaluated step with the lowest domain validation perplexity whose general perplexity (its validation set in a tuned sweep) rose at most D (0.02 = 2%); needs {general} and evaluations", Value = "D", Scope = OptionScope.Measurement)]
    public double? MaxDegeneralization { get; init; }
    /// <summary>Stop after this many evaluations without improvement; 0 never stops early.</summary>
    [Option("patience", Help = "early stopping: evaluations without improvement; 0 never stops early", Scope = OptionScope.Measurement)]
    public int EarlyStoppingPatience { get; init; }
    /// <summary>Write a resumable checkpoint every N steps; 0 only when stopping.</summary>
    [Option("checkpoint_every", Help = "write a resumable checkpoint every N steps; 0 only when stopping", Scope = OptionScope.Process)]
    public int CheckpointEvery { get; init; } = 0;
    /// <summary>Tokens per training row.</summary>
    [Option("context", Help = "tokens per training row", Scope = OptionScope.Rows)]
    public int ContextLength { get; init; } = 256;
    [Option("packing", Help = "pack documents into full rows, or pad each to its own row", Scope = OptionScope.Rows)]
    public Packing Packing { get; init; } = Packing.Pack;
    /// <summary>Positions projected to the vocabulary at once in the loss (fewer where they would exceed <see cref="Models.LogitChunks.MaxLogits"/>).</summary>
    [Option("loss_chunk", Help = "positions whose logits are made at once (at most 16M logits: 110 positions at a 151,936-token vocabulary)")]
    public int LossChunkTokens { get; init; } = 1024;
    /// <summary>
    /// Distillation objectives: compute the teacher once per dataset and keep its top-k probabilities per token
    /// (plus the label's and the tail's), instead of running it every step; 0 runs the teacher online.
    /// </summary>
    [Option("teacher_cache_topk", Help = "mft/kd: compute the teacher once and keep its top-K probabilities per token (0: run it every step)", Value = "K")]
    public int TeacherCacheTopK { get; init; }
    /// <summary>
    /// Distillation objectives: compute the teacher once per dataset and keep its final hidden states (exact: the loss
    /// is the online teacher's), projecting them through a frozen copy of the base output head each step.
    /// </summary>
    [Option("teacher_cache_exact", Help = "mft/kd: compute the teacher once and keep its hidden states (hidden_size floats per token): the same loss as running it every step, at about the cost of finetuning")]
    public bool TeacherCacheExact { get; init; }
    /// <summary>Recompute each decoder layer's activations in backward instead of keeping them (<c>--gradient-checkpointing</c>).</summary>
    [Option("gradient_checkpointing", Help = "recompute each decoder layer's activations in backward instead of keeping them: less memory, one more forward per step")]
    public bool GradientCheckpointing { get; init; }
    /// <summary>
    /// The arithmetic of training: fp32; bf16, the matrix products in bf16 as PyTorch's CPU autocast makes them, with fp32
    /// weights, gradients, AdamW moments, norms, softmax and loss (<see cref="Models.Layers.Autocast"/>); or auto, bf16
    /// where the CPU has native bf16 and fp32 elsewhere (<see cref="Runtime.PrecisionChoice"/>). Evaluation is fp32 in every case.
    /// A sweep keeps one teacher cache per precision (a cache holds the teacher of one precision and refuses the other).
    /// </summary>
    [Option("precision", Help = Runtime.ComputeOptions.PrecisionHelp,
        TeacherFolder = "precision-", TeacherFolderOmitsDefault = true)]
    public Runtime.Precision Precision { get; init; } = Runtime.Precision.Fp32;
    /// <summary>Differentiate the loss by autograd instead of its closed-form logit gradient (slower; for comparison).</summary>
    public bool AutogradLoss { get; init; }
    /// <summary>What a NaN or infinite loss or gradient does: stop (default) or skip the step.</summary>
    [Option("on_nonfinite", Help = "what a NaN or infinite loss or gradient does")]
    public NonFiniteAction OnNonFinite { get; init; } = NonFiniteAction.Stop;

    /// <summary>The method <see cref="Method"/> names.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public TrainingMethod Kind => TrainingMethod.Of(Method);

    /// <summary><see cref="Precision"/> as this CPU resolves it: fp32 or bf16 (auto by the CPU's flags; silently: the job says which).</summary>
    public Runtime.Precision ResolvedPrecision() => Runtime.PrecisionChoice.Resolve(Precision, say: null);

    public ITrainingObjective CreateObjective() => Kind.Create(Tau, Temperature, !CorrectOnlyWrong);

    /// <summary>
    /// The teacher cache these options choose (<see cref="TeacherCacheExact"/> or <see cref="TeacherCacheTopK"/>,
    /// through <see cref="Teachers.TeacherCacheKind.Of"/>); null when the method has no teacher or no cache is chosen.
    /// </summary>
    public Teachers.TeacherCacheKind? TeacherCache() =>
        Kind.NeedsTeacher ? Teachers.TeacherCacheKind.Of(TeacherCacheTopK, TeacherCacheExact) : null;

    /// <summary>Throws <see cref="OptionException"/> naming the first invalid option by its key.</summary>
    public void Validate()
    {
        static void Require(bool ok, string key, string problem) { if (!ok) throw new OptionException(key, problem); }
        _ = Kind;   // an unknown method names the key
        TauCorrection.RequireValid(Tau);
        Require(Temperature > 0, "temperature", $"must be positive, got {Temperature}");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "lr", $"must be positive, got {LearningRate}");
        Require(WeightDecay >= 0, "weight_decay", $"must be >= 0, got {WeightDecay}");
        Require(Beta1 is >= 0 and < 1, "adam_beta1", $"must be in [0, 1), got {Beta1}");
        Require(Beta2 is >= 0 and < 1, "adam_beta2", $"must be in [0, 1), got {Beta2}");
        Require(MaxSteps >= 0, "max_steps", $"must be >= 0, got {MaxSteps}");
        Require(MaxSteps > 0 || Epochs > 0, "epochs", "must be positive when {max_steps} is 0");
        Require(WarmupSteps >= 0, "warmup_steps", $"must be >= 0, got {WarmupSteps}");
        Require(Enum.IsDefined(Schedule), "schedule", $"{(int)Schedule} is not a schedule");
        Require(MinLrRatio is >= 0 and <= 1, "min_lr_ratio", $"must be in [0, 1], got {MinLrRatio}");
        Require(BatchSize > 0, "batch_size", $"must be positive, got {BatchSize}");
        Require(GradientAccumulation > 0, "grad_accum", $"must be positive, got {GradientAccumulation}");
        Require(ClipNorm >= 0, "clip", $"must be >= 0, got {ClipNorm}");
        Require(Evaluations >= 0, "evaluations", $"must be >= 0, got {Evaluations}");
        Require(Enum.IsDefined(EvaluationSpacing), "evaluation_spacing", $"{(int)EvaluationSpacing} is not a spacing");
        Require(EvalEvery >= 0, "eval_every", $"must be >= 0, got {EvalEvery}");
        Require(CheckpointEvery >= 0, "checkpoint_every", $"must be >= 0, got {CheckpointEvery}");
        Require(EarlyStoppingPatience >= 0, "patience", $"must be >= 0, got {EarlyStoppingPatience}");
        Require(ContextLength >= 2, "context", $"must be at least 2, got {ContextLength}");
        Require(LossChunkTokens > 0, "loss_chunk", $"must be positive, got {LossChunkTokens}");
        Require(MaxDegeneralization is null or > 0, "max_degeneralization", $"must be positive, got {MaxDegeneralization}");
        Require(TeacherCacheTopK >= 0, "teacher_cache_topk", $"must be >= 0, got {TeacherCacheTopK}");
        Require(!(TeacherCacheExact && TeacherCacheTopK > 0), "teacher_cache_exact", "and {teacher_cache_topk} are two kinds of cache: choose one");
        Require(TeacherCacheTopK == 0 || Temperature == 1, "teacher_cache_topk", "needs {temperature} 1 (softening needs the teacher's full logits)");
        Require(Enum.IsDefined(Precision), "precision", $"{(int)Precision} is not a precision");
        Require(Enum.IsDefined(OnNonFinite), "on_nonfinite", $"{(int)OnNonFinite} is not an action");
    }
}
