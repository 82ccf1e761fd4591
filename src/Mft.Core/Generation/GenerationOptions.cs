namespace Mft.Generation;

/// <summary>Sampling settings. Temperature 0 is greedy decoding; top-p 1 disables nucleus filtering.</summary>
public sealed record GenerationOptions
{
    [Option("max_new_tokens", Help = "tokens to generate at most")]
    public int MaxNewTokens { get; init; } = 64;
    [Option("temperature", Help = "0 is greedy decoding", Value = "T")]
    public double Temperature { get; init; } = 1.0;
    [Option("top_p", Help = "nucleus sampling: keep the most likely tokens up to this probability mass", Value = "P")]
    public double TopP { get; init; } = 1.0;
    [Option("seed", Help = "sampling seed")]
    public long Seed { get; init; } = 0;
    /// <summary>Reuse keys and values of past positions (faster; same tokens as recomputing).</summary>
    public bool UseKvCache { get; init; } = true;
    /// <summary><see cref="UseKvCache"/> as a switch.</summary>
    [Option("no_cache", Help = "recompute every position each step instead of using the KV cache")]
    [System.Text.Json.Serialization.JsonIgnore]
    public bool NoCache { get => !UseKvCache; init => UseKvCache = !value; }
    public bool StopAtEos { get; init; } = true;

    public void Validate()
    {
        if (MaxNewTokens < 0) throw new OptionException("max_new_tokens", $"must be >= 0, got {MaxNewTokens}");
        if (Temperature < 0 || double.IsNaN(Temperature)) throw new OptionException("temperature", $"must be >= 0, got {Temperature}");
        if (!(TopP > 0 && TopP <= 1)) throw new OptionException("top_p", $"must be in (0, 1], got {TopP}");
    }
}
