namespace Mft.Generation;

/// <summary>Sampling settings. Temperature 0 is greedy decoding; top-p 1 disables nucleus filtering.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 64;
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;
    public long Seed { get; init; } = 0;
    /// <summary>Reuse keys and values of past positions (faster; same tokens as recomputing).</summary>
    public bool UseKvCache { get; init; } = true;
    public bool StopAtEos { get; init; } = true;

    public void Validate()
    {
        if (MaxNewTokens < 0) throw new OptionException("max_new_tokens", $"must be >= 0, got {MaxNewTokens}");
        if (Temperature < 0 || double.IsNaN(Temperature)) throw new OptionException("temperature", $"must be >= 0, got {Temperature}");
        if (!(TopP > 0 && TopP <= 1)) throw new OptionException("top_p", $"must be in (0, 1], got {TopP}");
    }
}
