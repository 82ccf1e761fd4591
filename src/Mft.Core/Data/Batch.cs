using static TorchSharp.torch;

namespace Mft.Data;

/// <summary>
/// A training batch: inputs (B, T), next-token labels (B, T) and a float loss mask (B, T), right-padded.
/// Labels at padded or unscored positions are 0 and masked out.
/// </summary>
public sealed record Batch(Tensor Inputs, Tensor Labels, Tensor LossMask)
{
    public static Batch Collate(IReadOnlyList<TokenSequence> rows, Device device)
    {
        int t = rows.Max(r => r.Ids.Length) - 1;
        var inputs = new long[rows.Count * t];
        var labels = new long[rows.Count * t];
        var mask = new float[rows.Count * t];
        for (int b = 0; b < rows.Count; b++)
        {
            var r = rows[b];
            for (int i = 0; i + 1 < r.Ids.Length; i++)
            {
                inputs[b * t + i] = r.Ids[i];
                labels[b * t + i] = r.Ids[i + 1];
                mask[b * t + i] = r.ScoreMask[i + 1];
            }
        }
        return new Batch(tensor(inputs, [rows.Count, t], device: device), tensor(labels, [rows.Count, t], device: device),
            tensor(mask, [rows.Count, t], device: device));
    }
}
