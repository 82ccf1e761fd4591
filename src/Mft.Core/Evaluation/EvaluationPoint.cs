namespace Mft.Evaluation;

/// <summary>Perplexities at one point of training, and the resulting S and D against the base model.</summary>
public sealed record EvaluationPoint(int Step, double DomainValidation, double DomainTest, double? General, SpecializationReport Report);
