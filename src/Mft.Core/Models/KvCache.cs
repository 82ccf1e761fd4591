using static TorchSharp.torch;

namespace Mft.Models;

/// <summary>
/// Keys and values of past positions, one pair per layer, each (B, n_kv_heads, T_past, head_dim). Tensors kept
/// here are detached from dispose scopes, so the cache outlives each generation step; dispose it when done.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;

    public KvCache(int layers)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
    }

    /// <summary>How many positions the cache holds (those of layer 0).</summary>
    public long Length => _keys[0]?.shape[2] ?? 0;

    /// <summary>Appends this step's keys and values for a layer and returns the full sequences.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var oldK = _keys[layer];
        var oldV = _values[layer];
        var newK = oldK is null ? k.alias() : cat([oldK, k], 2);           // (B, nkv, T_past + T, hd)
        var newV = oldV is null ? v.alias() : cat([oldV, v], 2);
        _keys[layer] = newK.DetachFromDisposeScope();
        _values[layer] = newV.DetachFromDisposeScope();
        oldK?.Dispose();
        oldV?.Dispose();
        return (newK, newV);
    }

    public void Dispose()
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i]?.Dispose();
            _values[i]?.Dispose();
            _keys[i] = _values[i] = null;
        }
    }
}
