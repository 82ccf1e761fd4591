namespace Mft.Training;

/// <summary>The learning rate's shape after warm-up (<see cref="LearningRateSchedule"/>).</summary>
public enum ScheduleKind
{
    /// <summary>Half a cosine from the peak down to the minimum ratio.</summary>
    Cosine,
    /// <summary>A straight line from the peak down to the minimum ratio.</summary>
    Linear,
    /// <summary>The peak throughout.</summary>
    Constant,
}
