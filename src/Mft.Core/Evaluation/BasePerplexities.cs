using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mft.Evaluation;

/// <summary>
/// The base model's perplexities on a job's evaluation sets, measured once and given to every run on the same sets
/// (a sweep's runs of one domain and seed, the demo's runs of one domain). NaN domain validation: no validation set.
/// </summary>
public sealed record BasePerplexities(double DomainValidation, double DomainTest, double? General, double? GeneralValidation = null)
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>As saved: a JSON array [domain validation, domain test, general, general validation].</summary>
    public string ToJson() => JsonSerializer.Serialize(new double?[] { DomainValidation, DomainTest, General, GeneralValidation }, Json);

    /// <summary>Reads what <see cref="ToJson"/> wrote (files from before general validation sets have three entries).</summary>
    public static BasePerplexities Read(string path)
    {
        double?[]? values;
        try { values = JsonSerializer.Deserialize<double?[]>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new MftException($"{path}: not a base perplexity file ({e.Message})"); }
        if (values is not { Length: >= 3 } || values[1] is null)
            throw new MftException($"{path}: not a base perplexity file (expected [domain validation, domain test, general, general validation])");
        return new BasePerplexities(values[0] ?? double.NaN, values[1]!.Value, values[2], values.Length > 3 ? values[3] : null);
    }
}
