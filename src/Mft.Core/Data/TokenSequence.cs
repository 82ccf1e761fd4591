namespace Mft.Data;

/// <summary>
/// Token ids and which of them are scored, the one record from text to batch: a sample as encoded
/// (<see cref="SampleEncoder"/>), a training row (<see cref="SequenceBuilder"/>) and an evaluation window
/// (<see cref="Evaluation.Perplexity"/>). ScoreMask[i] = 1 means token i is a target, predicted from position i - 1;
/// the first token has no position before it, so it is never a target (<see cref="TargetCount"/> skips it).
/// </summary>
public sealed record TokenSequence(int[] Ids, int[] ScoreMask)
{
    public int TargetCount => ScoreMask.Skip(1).Sum();
}
