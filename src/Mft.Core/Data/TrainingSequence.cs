namespace Mft.Data;

/// <summary>
/// Token ids of one training row and a per-token loss mask: LossMask[i] = 1 means token i is a target,
/// predicted from position i - 1 (so LossMask[0] is always 0).
/// </summary>
public sealed record TrainingSequence(int[] Ids, int[] LossMask)
{
    public int TargetCount => LossMask.Skip(1).Sum();
}
