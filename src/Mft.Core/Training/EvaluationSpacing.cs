namespace Mft.Training;

/// <summary>Where a fixed number of evaluations fall in a run (<see cref="TrainerConfig.Evaluations"/>).</summary>
public enum EvaluationSpacing
{
    /// <summary>Evenly: step = total x i/n.</summary>
    Linear,
    /// <summary>Dense early, where finetuning moves fastest: step = total x (i/n)².</summary>
    Quadratic,
}
