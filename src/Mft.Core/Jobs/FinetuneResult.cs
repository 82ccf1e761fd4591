using Mft.Evaluation;
using Mft.Training;

namespace Mft.Jobs;

/// <summary>What a finetuning job produced: where the model is, the final report and the S-D trajectory.</summary>
/// <param name="ModelDirectory">The tuned model (Hugging Face format) or the PEFT adapter folder.</param>
/// <param name="Final">The evaluation of the returned weights; <see cref="EvaluationPoint.Report"/> holds S and D.</param>
/// <param name="Trajectory">Every evaluation, base model (step 0) first.</param>
/// <param name="State">Where training stopped (step, best step, whether it stopped early).</param>
/// <param name="TrainSamples">Domain samples trained on.</param>
/// <param name="TrainTokens">Tokens per epoch of training rows.</param>
/// <param name="Elapsed">Wall time of the whole job.</param>
public sealed record FinetuneResult(string ModelDirectory, EvaluationPoint Final, IReadOnlyList<EvaluationPoint> Trajectory,
    TrainingState State, int TrainSamples, long TrainTokens, TimeSpan Elapsed)
{
    /// <summary>General-domain samples mixed in (replay).</summary>
    public int ReplaySamples { get; init; }
    public long TrainableParameters { get; init; }
    /// <summary>Memory held for the teacher beyond the student: a frozen copy (the model's fp32 size), the top-k cache's size, or 0 when the teacher is the base with adapters off.</summary>
    public long TeacherCopyBytes { get; init; }
    /// <summary>With the top-k teacher cache: its first steps repeated with the exact teacher, and the two compared.</summary>
    public TeacherCacheFidelity? TeacherCacheFidelity { get; init; }
    /// <summary>The precision the run trained in: fp32 or bf16 (auto resolved).</summary>
    public Runtime.Precision Precision { get; init; } = Runtime.Precision.Fp32;
    /// <summary>Each task file's scores, of the base model and of the returned weights (<see cref="FinetuneJobConfig.TaskPaths"/>); empty without tasks.</summary>
    public IReadOnlyList<TaskScores> Tasks { get; init; } = [];
}
