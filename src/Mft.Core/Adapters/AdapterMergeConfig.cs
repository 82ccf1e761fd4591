namespace Mft.Adapters;

/// <summary><c>mft merge</c>'s options: a base model, a PEFT adapter trained on it, and where the merged model goes.</summary>
public sealed record AdapterMergeConfig
{
    [Option("model", Help = "the base model the adapter was trained on", Value = "DIR")]
    public required string ModelDirectory { get; init; }
    [Option("adapter", Help = "PEFT adapter folder (adapter_config.json, adapter_model.safetensors)", Value = "DIR")]
    public required string AdapterDirectory { get; init; }
    [Option("out", Help = "where to write the merged Hugging Face checkpoint", Value = "DIR")]
    public required string OutputDirectory { get; init; }
    [Option("overwrite", Help = "replace a non-empty output folder")]
    public bool Overwrite { get; init; }

    public void Validate()
    {
        OptionException.RequireGiven(("model", ModelDirectory), ("adapter", AdapterDirectory), ("out", OutputDirectory));
    }
}
