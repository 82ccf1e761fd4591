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
public sealed record TeacherCacheTarget(IReadOnlyList<TokenSequence> Rows, string Fingerprint, CausalLM Model, bool SharesHead, int BatchSize);
