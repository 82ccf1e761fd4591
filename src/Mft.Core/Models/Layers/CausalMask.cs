using Mft.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>
/// Boolean attention masks (true = may attend) for queries at positions [past, past + T) over keys [0, past + T).
/// Returns null when scaled_dot_product_attention's own is_causal flag gives the same result.
/// </summary>
public static class CausalMask
{
    public static Tensor? Build(long past, long queries, Device device, int? slidingWindow = null)
    {
        long keys = past + queries;
        bool windowMatters = slidingWindow is int w && keys > w;
        if (past == 0 && !windowMatters) return null;                        // is_causal suffices
        if (queries == 1 && !windowMatters) return null;                     // one query sees every key
        var q = Scalars.Int64Range(past, keys, device).unsqueeze(1);         // (T, 1)
        var k = Scalars.Int64Range(0, keys, device).unsqueeze(0);            // (1, Tk)
        var allowed = k <= q;                                                  // (T, Tk)
        if (!windowMatters) return allowed;
        using var window = slidingWindow!.Value.ToScalar();
        return allowed.logical_and(q - k < window);
    }
}
