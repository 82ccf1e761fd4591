namespace Mft.Evaluation;

/// <summary>Summed negative log-likelihood (nats) over a number of scored tokens.</summary>
public sealed record PerplexityResult(double TotalNll, long Tokens)
{
    public double MeanNll => Tokens == 0 ? double.NaN : TotalNll / Tokens;
    public double Perplexity => Math.Exp(MeanNll);
}
