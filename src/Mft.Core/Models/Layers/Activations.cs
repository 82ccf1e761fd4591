using TorchSharp;
using static Mft.Runtime.Scalars;
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
        x.mul(HalfDouble).mul(tanh(x.add(x.pow(Three).mul(Cubic), One).mul(SqrtTwoOverPi)).add(OneDouble, One));

    private static readonly Scalar Three = 3.0.ToScalar();
    private static readonly Scalar Cubic = 0.044715.ToScalar();
    private static readonly Scalar SqrtTwoOverPi = Math.Sqrt(2.0 / Math.PI).ToScalar();
}
