using Mft.Runtime;
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
    /// <summary>Summed negative log-likelihood of the labels under the student (nats), over <see cref="NllTokens"/>.</summary>
    public double LabelNll { get; private set; }
    public long NllTokens { get; private set; }

    /// <summary>Adds the student's per-token label NLL (N,) of the unmasked tokens.</summary>
    public void AddLabelNll(Tensor nll, Tensor mask)
    {
        using var _ = no_grad();
        LabelNll += Sum(nll.detach() * mask);
        NllTokens += (long)Sum(mask);
    }

    /// <summary>exp(mean label NLL): the student's perplexity on the trained tokens, whatever the objective.</summary>
    public double TrainPerplexity => NllTokens == 0 ? double.NaN : Math.Exp(LabelNll / NllTokens);

    public void AddTokens(Tensor mask) => Tokens += (long)Sum(mask);

    private static double Sum(Tensor t) => t.sum().to_type(ScalarType.Float64).item<double>();

    public void Add(Tensor mask, TauCorrection.Result correction)
    {
        using var scope = NewDisposeScope();
        var keep = mask > Scalars.Zero;
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
        Tokens = ArgmaxWrong = Capped = NllTokens = 0;
        LabelNll = 0;
    }
}
