namespace Mft.Models.Layers;

/// <summary>
/// The <c>rope_scaling</c> entry of a Llama config: <c>linear</c> (positions divided by a factor) or
/// <c>llama3</c> (frequency-dependent scaling of Llama 3.1/3.2). Other kinds are refused.
/// </summary>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositions)
{
    internal static RopeScaling? Read(ModelConfig.ConfigReader r)
    {
        if (r.Raw["rope_scaling"] is not System.Text.Json.Nodes.JsonObject o) return null;
        var inner = new ModelConfig.ConfigReader(o, r.Path + " (rope_scaling)");
        var type = inner.Has("rope_type") ? inner.String("rope_type") : inner.Has("type") ? inner.String("type") : "default";
        return type switch
        {
            "default" => null,
            "linear" => new RopeScaling(type, inner.Double("factor", 1.0), 0, 0, 0),
            "llama3" => new RopeScaling(type, inner.Double("factor", 8.0), inner.Double("low_freq_factor", 1.0),
                inner.Double("high_freq_factor", 4.0), inner.Int("original_max_position_embeddings", 8192)),
            _ => throw new MftException($"{r.Path}: rope_scaling type '{type}' is not supported (supported: linear, llama3)"),
        };
    }
}
