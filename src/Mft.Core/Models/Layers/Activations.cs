using static TorchSharp.torch;

namespace Mft.Models.Layers;

/// <summary>Activations that TorchSharp's functional API does not offer in the form Hugging Face uses.</summary>
public static class Activations
{
    /// <summary>
    /// GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). transformers' gelu_new (GPT-2) and
    /// gelu_pytorch_tanh (Gemma) are both this function.
    /// </summary>
    public static Tensor GeluTanh(Tensor x) =>
        0.5 * x * (1.0 + tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3.0))));
}
