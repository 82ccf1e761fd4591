using Mft.Data;
using Mft.Models;

namespace Mft.Teachers;

/// <summary>
/// What a teacher cache is made for: the training rows in the order training keeps them, the fingerprint that names
/// them with the base weights, the tokenizer and the kind (<see cref="TeacherCacheKind.Fingerprint"/>), and the base
/// model whose teacher the cache stands in for.
/// </summary>
/// <param name="Rows">The training rows, in order.</param>
/// <param name="Fingerprint">The fingerprint a saved cache or shard must carry.</param>
/// <param name="Model">The base model: its sizes, its device and (for the exact kind) its output head.</param>
/// <param name="SharesHead">The model's output head stays frozen (only adapters train, or the model is the teacher pass's own), so the exact kind reads it instead of copying it.</param>
/// <param name="BatchSize">Rows per teacher batch: shares of a sharded cache are whole batches of it.</param>
/// <param name="Precision">The precision the teacher runs in (fp32 or bf16, resolved): a bf16 cache holds bf16 hidden states and head, and is refused by an fp32 run and the other way round.</param>
public sealed record TeacherCacheTarget(IReadOnlyList<TokenSequence> Rows, string Fingerprint, CausalLM Model, bool SharesHead, int BatchSize,
    Runtime.Precision Precision = Runtime.Precision.Fp32)
{
    /// <summary>The dtype of what the cache keeps of the teacher's states and head: bf16 under bf16 (exactly what the bf16 products would read), else fp32.</summary>
    public TorchSharp.torch.ScalarType StateType => Precision == Runtime.Precision.Bf16 ? TorchSharp.torch.ScalarType.BFloat16 : TorchSharp.torch.ScalarType.Float32;
}
