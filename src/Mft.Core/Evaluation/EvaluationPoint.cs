namespace Mft.Evaluation;

/// <summary>Perplexities at one point of training, and the resulting S and D on the test sets (<c>Report</c>: what is reported) against the base model.</summary>
public sealed record EvaluationPoint(int Step, double DomainValidation, double DomainTest, double? General, SpecializationReport Report)
{
    /// <summary>Perplexity on the general validation set, when the job has one.</summary>
    public double? GeneralValidation { get; init; }
    /// <summary>S and D on the validation sets (D only with a general validation set): what settings and steps are chosen by; null without a domain validation set.</summary>
    public SpecializationReport? Validation { get; init; }
}
