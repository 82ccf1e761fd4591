namespace Mft.Training;

/// <summary>What a NaN or infinite loss or gradient does to the run.</summary>
public enum NonFiniteAction
{
    /// <summary>Stop with an error naming the step, before the weights are updated.</summary>
    Stop,
    /// <summary>Skip the step: no update, the step is logged as skipped.</summary>
    Skip,
}
