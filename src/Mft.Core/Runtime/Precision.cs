namespace Mft.Runtime;

/// <summary>
/// The arithmetic a run trains in (<c>--precision</c>): fp32 throughout, or bf16 matrix products with fp32 weights,
/// gradients, optimizer state, norms, softmax and loss (<see cref="Models.Layers.Autocast"/>), or whichever of the two
/// the CPU runs natively (<see cref="PrecisionChoice"/>). docs/performance.md says why fp32 is the default.
/// </summary>
public enum Precision
{
    /// <summary>Everything in fp32: the published figures.</summary>
    Fp32,
    /// <summary>Matrix products in bf16 (as PyTorch's CPU autocast), everything else in fp32.</summary>
    Bf16,
    /// <summary>bf16 where the CPU has native bf16 (avx512_bf16 or amx_bf16), fp32 elsewhere.</summary>
    Auto,
}
