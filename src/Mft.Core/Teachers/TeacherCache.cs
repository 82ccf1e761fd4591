using System.Security.Cryptography;
using Mft.Adapters;
using Mft.Checkpoints;
using Mft.Data;
using Mft.Models;
using Mft.Models.Layers;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// The teacher run once per training set and kept, so that training looks its outputs up instead of running a
/// model: the top-k summary (<see cref="TopKTeacherCache"/>) or the exact hidden states (<see cref="ExactTeacherCache"/>).
/// A cache is made for one fingerprint (the teacher's base weights, the tokenizer, the rows and the kind's parameters)
/// and a saved one with another fingerprint is refused. How a kind is chosen, named, built, joined from shards and
/// loaded is <see cref="TeacherCacheKind"/>.
/// </summary>
public abstract class TeacherCache : ITeacher
{
    private protected TeacherCache(IReadOnlyList<TokenSequence> rows, string fingerprint)
    {
        Layout = new CachedPositions(rows);
        Fingerprint = fingerprint;
    }

    /// <summary>Where each training row's positions are kept.</summary>
    private protected CachedPositions Layout { get; }

    /// <summary>Names the model, tokenizer, rows and kind parameters the cache was made for (<see cref="ComputeFingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>The file the cache was read from or last saved to; null for a cache built or joined from shards and not yet saved.</summary>
    public string? File { get; private protected set; }

    /// <summary>The precision the teacher ran in (fp32 or bf16): saved with the cache, and a run in the other precision refuses it.</summary>
    public Runtime.Precision Precision { get; internal set; } = Runtime.Precision.Fp32;

    /// <summary>
    /// The metadata that records <see cref="Precision"/>: none for fp32 (as every cache written before bf16 existed);
    /// precision: bf16 otherwise, with autocast: the <see cref="Autocast.Arithmetic"/> that computed it.
    /// </summary>
    private protected IEnumerable<KeyValuePair<string, string>> PrecisionMetadata =>
        Precision == Runtime.Precision.Fp32 ? [] : [new("precision", EnumOption.Name(Precision)), new("autocast", Autocast.Arithmetic)];

    /// <summary>Memory the cache holds for the teacher beyond the student's own weights.</summary>
    public abstract long Bytes { get; }

    /// <summary>Writes the cache to <paramref name="path"/> (safetensors, with its fingerprint and format).</summary>
    public void Save(string path)
    {
        Write(path);
        File = path;
    }

    /// <summary>The kind's tensors and metadata, written to <paramref name="path"/>.</summary>
    private protected abstract void Write(string path);

    public abstract ITeacherBatch Run(Tensor inputs, IReadOnlyList<TokenSequence> rows);

    public abstract void Dispose();

    /// <summary>
    /// Opens a saved cache of <paramref name="format"/>, refusing another file (<paramref name="what"/> names the
    /// kind: "teacher cache") and one built for another fingerprint (<paramref name="builtFor"/> says what it hashes).
    /// </summary>
    private protected static SafetensorsReader OpenSaved(string path, string format, string what, string builtFor, string fingerprint,
        Runtime.Precision precision = Runtime.Precision.Fp32)
    {
        var reader = new SafetensorsReader(path);
        try
        {
            if (!reader.Metadata.TryGetValue("fingerprint", out var stored) || reader.Metadata.GetValueOrDefault("format") != format)
                throw new MftException($"{path}: not an Mft {what}");
            string storedPrecision = reader.Metadata.GetValueOrDefault("precision") ?? EnumOption.Name(Runtime.Precision.Fp32);
            if (storedPrecision != EnumOption.Name(precision))
                throw new MftException($"{path}: teacher cache computed in {storedPrecision}, this run's precision is {EnumOption.Name(precision)} (key precision); " +
                                       $"delete it to rebuild, or train with --precision {storedPrecision}");
            string storedArithmetic = reader.Metadata.GetValueOrDefault("autocast") ?? "1";   // bf16 caches made before the key existed
            if (precision == Runtime.Precision.Bf16 && storedArithmetic != Autocast.Arithmetic)
                throw new MftException($"{path}: stale teacher cache: computed by bf16 arithmetic {storedArithmetic} (key autocast), this build's is " +
                                       $"{Autocast.Arithmetic} and rounds other values to bf16; delete it to rebuild");
            if (stored != fingerprint)
                throw new MftException($"{path}: stale teacher cache: it was built for another {builtFor} (fingerprint {stored}, this run needs {fingerprint}); delete it to rebuild");
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The tensor <paramref name="name"/> of a saved cache, on <paramref name="device"/>, in the caller's dispose scope.</summary>
    private protected static Tensor Read(SafetensorsReader reader, string name, Device device)
    {
        using var scope = NewDisposeScope();   // the read tensor, when moving it to the device copies it
        return reader.Load(name).to(device).MoveToOuterDisposeScope();
    }

    /// <summary>Scored positions of <paramref name="rows"/>: all but each row's last token.</summary>
    private protected static long PositionsOf(IReadOnlyList<TokenSequence> rows) => rows.Sum(r => (long)r.Ids.Length - 1);

    /// <summary>
    /// SHA-256 over the teacher's base weights (adapters excluded), the tokenizer's identity, the rows, k (0 for the exact
    /// kind) and the precision (nothing for fp32, so fp32 fingerprints are those of caches made before bf16 existed;
    /// for bf16 also <see cref="Autocast.Arithmetic"/>, so a cache that an earlier bf16 arithmetic made is stale).
    /// Under bf16 the linear layers' weights are hashed as their bf16 roundings, which is all a bf16 teacher pass sees of
    /// them: a base kept in bf16 (under adapters) and the same base in fp32 make the same cache and the same fingerprint.
    /// </summary>
    public static string ComputeFingerprint(CausalLM teacherWeights, string tokenizerIdentity, IReadOnlyList<TokenSequence> rows, int topK,
        Runtime.Precision precision = Runtime.Precision.Fp32)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rounded = precision == Runtime.Precision.Bf16
            ? teacherWeights.ProductLayers().SelectMany(l => new[] { l.Name + ".weight", l.Name + ".bias" }).ToHashSet()
            : [];
        foreach (var (name, p) in teacherWeights.named_parameters().Where(p => !ModelAdapters.IsAdapterParameter(p.name)))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using var scope = NewDisposeScope();   // one parameter's copies at a time (docs/runtime.md)
            var weight = rounded.Contains(name) ? p.detach().to(ScalarType.BFloat16) : p.detach();
            var cpu = weight.to(ScalarType.Float32, CPU).contiguous();
            sha.AppendData(cpu.bytes);
        }
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(tokenizerIdentity));
        foreach (var r in rows)
        {
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(r.Ids.AsSpan()));
            sha.AppendData(BitConverter.GetBytes(-1));
        }
        sha.AppendData(BitConverter.GetBytes(topK));
        if (precision != Runtime.Precision.Fp32)
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"precision={EnumOption.Name(precision)};autocast={Autocast.Arithmetic}"));
        return Convert.ToHexString(sha.GetHashAndReset())[..32];
    }

    /// <summary>The tokenizer files' contents, hashed: a cache made with another tokenizer must not be reused.</summary>
    public static string TokenizerIdentity(string modelDirectory)
    {
        using var sha = SHA256.Create();
        var bytes = ModelFactory.TokenizerFiles.Select(f => Path.Combine(modelDirectory, f)).Where(System.IO.File.Exists)
            .SelectMany(f => System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(f)).Concat(System.IO.File.ReadAllBytes(f))).ToArray();
        return Convert.ToHexString(sha.ComputeHash(bytes));
    }
}
