using System.Globalization;
using Mft.Checkpoints;
using Mft.Data;
using static TorchSharp.torch;

namespace Mft.Teachers;

/// <summary>
/// The teacher run once per training set, kept exactly: its final hidden state (after the final norm) at every
/// training position, fp32, hidden_size floats each. Training projects them through the base model's output head
/// chunk by chunk, as the online teacher does, so the loss is the online teacher's up to the rounding of a different
/// batch shape. The head is a frozen copy of the starting output weight (full finetuning), or the student's own head
/// when only adapters train (the head is then frozen anyway). Saved as safetensors with the fingerprint of the base
/// weights, the tokenizer and the rows (which fix context and packing); a cache with another fingerprint is refused.
/// One file serves every run that trains on the same rows: every tau, method and seed of a sweep.
/// </summary>
public sealed class ExactTeacherCache : TeacherCache
{
    public const string FileName = Runs.RunLayout.ExactTeacherCacheFile;
    private const string Format = "mft-teacher-states-1";
    /// <summary>The kind recorded in shard files (<see cref="TeacherCacheShards"/>).</summary>
    public const string Kind = "states";

    private readonly Tensor _hidden;   // (P + 1, C): every scored position of every row, then a zero row for padding
    private readonly Tensor _head;     // (V, C)
    private readonly long _positions;

    private ExactTeacherCache(IReadOnlyList<TokenSequence> rows, Tensor hidden, Tensor head, string fingerprint) : base(rows, fingerprint)
    {
        _positions = Layout.Count;
        (_hidden, _head) = (hidden, head);
    }

    /// <summary>Bytes of hidden states held: (positions + 1) × hidden_size × 4 (the head is counted by <see cref="TeacherCacheKind.HeadCopyBytes"/>).</summary>
    public override long Bytes => _hidden.NumberOfElements * _hidden.ElementSize;

    /// <summary>Bytes a cache of <paramref name="rows"/> takes for a model of <paramref name="hiddenSize"/>, before building it.</summary>
    public static long BytesFor(IReadOnlyList<TokenSequence> rows, int hiddenSize) => (PositionsOf(rows) + 1) * hiddenSize * 4L;

    /// <summary>
    /// Runs <paramref name="teacher"/> (a frozen model, or the student with adapters off: a teacher that gives hidden
    /// states) over every row once, <paramref name="batchSize"/> rows at a time.
    /// </summary>
    public static ExactTeacherCache Build(ITeacher teacher, IReadOnlyList<TokenSequence> rows, Tensor head,
        int batchSize, string fingerprint, Device device, ScalarType stateType = ScalarType.Float32)
    {
        var hidden = zeros(PositionsOf(rows) + 1, head.shape[1], stateType, device: device);                             // (P + 1, C): the last row stays zero
        Fill(hidden, teacher, rows, batchSize, device);
        return new ExactTeacherCache(rows, hidden, head, fingerprint);
    }

    /// <summary>The teacher's hidden states at every scored position of <paramref name="rows"/>, (P, C): a whole cache or a shard's share.</summary>
    public static Tensor Positions(ITeacher teacher, IReadOnlyList<TokenSequence> rows, long hiddenSize, int batchSize, Device device,
        ScalarType stateType = ScalarType.Float32)
    {
        var hidden = zeros(PositionsOf(rows), hiddenSize, stateType, device: device);        // (P, C)
        Fill(hidden, teacher, rows, batchSize, device);
        return hidden;
    }

    /// <summary>Writes the teacher's hidden state at each scored position of <paramref name="rows"/> into the first rows of <paramref name="hidden"/>.</summary>
    private static void Fill(Tensor hidden, ITeacher teacher, IReadOnlyList<TokenSequence> rows, int batchSize, Device device) =>
        CachedPositions.RunTeacher(teacher, rows, batchSize, device, row =>
        {
            var states = row.Outputs as HiddenStatesTeacherBatch
                         ?? throw new InvalidOperationException("the exact cache needs a teacher that gives hidden states");
            hidden.narrow(0, row.Offset, row.Count).copy_(states.Hidden.narrow(0, row.BatchStart, row.Count));   // (n, C)
        });

    /// <summary>A cache joined from its shards' hidden states (<see cref="TeacherCacheShards"/>).</summary>
    public static ExactTeacherCache FromShards(IReadOnlyList<TokenSequence> rows, Tensor head, string fingerprint, TeacherCacheShards.Joined joined, Device device,
        ScalarType stateType = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();   // the shards' states on the device and the padding row; the cache keeps the joined copy (docs/runtime.md)
        var hidden = joined.Positions["hidden"].to(stateType, device);
        var cache = new ExactTeacherCache(rows, cat([hidden, zeros(1, hidden.shape[1], stateType, device: device)], 0).MoveToOuterDisposeScope(), head, fingerprint);
        if (hidden.shape[0] != cache._positions || hidden.shape[1] != head.shape[1])
            throw new MftException($"teacher cache {fingerprint}: its shards hold {hidden.shape[0]} positions of {hidden.shape[1]} values, the data has {cache._positions} of {head.shape[1]}");
        return cache;
    }

    private protected override void Write(string path)
    {
        using var scope = NewDisposeScope();   // the CPU view
        SafetensorsWriter.Write(path, [("hidden", _hidden.cpu())], new Dictionary<string, string>
        {
            ["fingerprint"] = Fingerprint, ["format"] = Format, ["positions"] = _positions.ToString(CultureInfo.InvariantCulture),
        }.Concat(PrecisionMetadata).ToDictionary());
    }

    /// <summary>Loads a saved cache, refusing one built for another model, tokenizer or data.</summary>
    public static ExactTeacherCache Load(string path, IReadOnlyList<TokenSequence> rows, Tensor head, string fingerprint, Device device,
        Runtime.Precision precision = Runtime.Precision.Fp32)
    {
        using var reader = OpenSaved(path, Format, "teacher-states cache", "model, tokenizer or data", fingerprint, precision);
        var hidden = Read(reader, "hidden", device);
        var cache = new ExactTeacherCache(rows, hidden, head, fingerprint) { File = path, Precision = precision };
        if (hidden.shape[0] != cache._positions + 1 || hidden.shape[1] != head.shape[1])
            throw new MftException($"{path}: holds {hidden.shape[0] - 1} positions of {hidden.shape[1]} values, the data has {cache._positions} of {head.shape[1]}");
        return cache;
    }

    public override ITeacherBatch Run(Tensor inputs, IReadOnlyList<TokenSequence> rows)
    {
        long t = inputs.shape[1];
        var index = Layout.Index(rows, t);
        var hidden = _hidden.index_select(0, tensor(index, device: _hidden.device));                    // (B·T, C)
        return new HiddenStatesTeacherBatch(_head, hidden);
    }

    public override void Dispose()
    {
        _hidden.Dispose();
        _head.Dispose();
    }
}
