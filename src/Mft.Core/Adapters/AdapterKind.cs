namespace Mft.Adapters;

/// <summary>The parameter-efficient methods Mft trains and reads/writes in Hugging Face PEFT's format.</summary>
public enum AdapterKind
{
    /// <summary>LoRA (Hu et al. 2021): W + (alpha / r) B A, B starts at zero.</summary>
    Lora,
    /// <summary>DoRA (Liu et al. 2024): a learned per-row magnitude times the normalised direction W + (alpha / r) B A.</summary>
    Dora,
    /// <summary>IA3 (Liu et al. 2022): learned scaling of keys, values and the MLP's inner activations.</summary>
    Ia3,
}
