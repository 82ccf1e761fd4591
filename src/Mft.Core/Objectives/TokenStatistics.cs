using static TorchSharp.torch;

namespace Mft.Objectives;

/// <summary>
/// Per-token diagnostics of the MFT correction over the trained tokens: the share whose teacher argmax is
/// wrong, the mean and 95th percentile of the mixing weight m, and the share capped at one-hot (m = 1).
/// </summary>
public sealed class TokenStatistics
{
    private readonly List<float> _mix = new();
    public long Tokens { get; private set; }
    public long ArgmaxWrong { get; private set; }
    public long Capped { get; private set; }

    public void AddTokens(Tensor mask) => Tokens += (long)mask.sum().item<float>();

    public void Add(Tensor mask, TauCorrection.Result correction)
    {
        using var scope = NewDisposeScope();
        var keep = mask > 0;
        Tokens += keep.sum().item<long>();
        ArgmaxWrong += correction.ArgmaxWrong.logical_and(keep).sum().item<long>();
        Capped += correction.Capped.logical_and(keep).sum().item<long>();
        _mix.AddRange(correction.Mix.masked_select(keep).to_type(ScalarType.Float32).cpu().data<float>());
    }

    public bool HasCorrection => _mix.Count > 0;
    public double WrongShare => Tokens == 0 ? 0 : (double)ArgmaxWrong / Tokens;
    public double CappedShare => Tokens == 0 ? 0 : (double)Capped / Tokens;
    public double MeanMix => _mix.Count == 0 ? double.NaN : _mix.Average();

    public double MixPercentile(double q)
    {
        if (_mix.Count == 0) return double.NaN;
        var sorted = _mix.OrderBy(x => x).ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];
    }

    public void Reset()
    {
        _mix.Clear();
        Tokens = ArgmaxWrong = Capped = 0;
    }
}
