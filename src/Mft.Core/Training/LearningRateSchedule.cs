namespace Mft.Training;

/// <summary>Linear warm-up from 0, then cosine or linear decay to <c>minRatio</c> x peak, or constant.</summary>
public sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, ScheduleKind Kind = ScheduleKind.Cosine, double MinRatio = 0.1)
{
    /// <summary>Learning rate for optimizer step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        if (Kind == ScheduleKind.Constant) return Peak;
        int decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        double shape = Kind == ScheduleKind.Linear ? 1 - progress : 0.5 * (1 + Math.Cos(Math.PI * progress));
        return Peak * (MinRatio + (1 - MinRatio) * shape);
    }
}
