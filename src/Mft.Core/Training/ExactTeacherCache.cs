using System.Globalization;
using Mft.Checkpoints;
using Mft.Data;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// The teacher run once per training set, kept exactly: its final hidden state (after the final norm) at every
/// training position, fp32, hidden_size floats each. Training projects them through the base model's output head
/// chunk by chunk, as the online teacher does, so the loss is the online teacher's up to the rounding of a different
/// batch shape. The head is a frozen copy of the starting output weight (full finetuning), or the student's own head
/// when only adapters train (the head is then frozen anyway). Saved as safetensors with the fingerprint of the base
/// weights, the tokenizer and the rows (which fix context and packing); a cache with another fingerprint is refused.
/// One file serves every run that trains on the same rows: every tau, method and seed of a sweep.
/// </summary>
public sealed class ExactTeacherCache : ITeacher
{
    public const string FileName = "teacher_states.safetensors";
    private const string Format = "mft-teacher-states-1";

    private readonly Dictionary<TrainingSequence, long> _offsets = new(ReferenceEqualityComparer.Instance);
    private readonly Tensor _hidden;   // (P + 1, C): every scored position of every row, then a zero row for padding
    private readonly Tensor _head;     // (V, C)
    private readonly long _positions;

    public string Fingerprint { get; }

    private ExactTeacherCache(IReadOnlyList<TrainingSequence> rows, Tensor hidden, Tensor head, string fingerprint)
    {
        long offset = 0;
        foreach (var r in rows) { _offsets[r] = offset; offset += r.Ids.Length - 1; }
        _positions = offset;
        (_hidden, _head, Fingerprint) = (hidden, head, fingerprint);
    }

    /// <summary>Bytes of hidden states held: (positions + 1) × hidden_size × 4.</summary>
    public long Bytes => _hidden.NumberOfElements * 4;

    /// <summary>Bytes a cache of <paramref name="rows"/> takes for a model of <paramref name="hiddenSize"/>, before building it.</summary>
    public static long BytesFor(IReadOnlyList<TrainingSequence> rows, int hiddenSize) => (rows.Sum(r => (long)r.Ids.Length - 1) + 1) * hiddenSize * 4L;

    /// <summary>
    /// Runs <paramref name="teacher"/> (a frozen model, or the student with adapters off: a teacher that gives hidden
    /// states) over every row once, <paramref name="batchSize"/> rows at a time.
    /// </summary>
    public static ExactTeacherCache Build(ITeacher teacher, IReadOnlyList<TrainingSequence> rows, Tensor head,
        int batchSize, string fingerprint, Device device)
    {
        long positions = rows.Sum(r => (long)r.Ids.Length - 1);
        var hidden = zeros(positions + 1, head.shape[1], device: device);                            // (P + 1, C)
        long offset = 0;
        for (int start = 0; start < rows.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var _ = inference_mode();
            var group = rows.Skip(start).Take(batchSize).ToList();
            var batch = Batch.Collate(group, device);
            var states = teacher.Run(batch.Inputs, group) as HiddenStatesTeacherBatch
                         ?? throw new InvalidOperationException("the exact cache needs a teacher that gives hidden states");
            long t = batch.Inputs.shape[1];
            for (int b = 0; b < group.Count; b++)
            {
                long n = group[b].Ids.Length - 1;
                hidden.narrow(0, offset, n).copy_(states.Hidden.narrow(0, b * t, n));                  // (n, C)
                offset += n;
            }
        }
        return new ExactTeacherCache(rows, hidden, head, fingerprint);
    }

    public void Save(string path) =>
        SafetensorsWriter.Write(path, [("hidden", _hidden.cpu())], new Dictionary<string, string>
        {
            ["fingerprint"] = Fingerprint, ["format"] = Format, ["positions"] = _positions.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>Loads a saved cache, refusing one built for another model, tokenizer or data.</summary>
    public static ExactTeacherCache Load(string path, IReadOnlyList<TrainingSequence> rows, Tensor head, string fingerprint, Device device)
    {
        using var reader = new SafetensorsReader(path);
        if (!reader.Metadata.TryGetValue("fingerprint", out var stored) || reader.Metadata.GetValueOrDefault("format") != Format)
            throw new MftException($"{path}: not an Mft teacher-states cache");
        if (stored != fingerprint)
            throw new MftException($"{path}: stale teacher cache: it was built for another model, tokenizer or data (fingerprint {stored}, this run needs {fingerprint}); delete it to rebuild");
        var hidden = reader.Load("hidden").clone().to(device);
        var cache = new ExactTeacherCache(rows, hidden, head, fingerprint);
        if (hidden.shape[0] != cache._positions + 1 || hidden.shape[1] != head.shape[1])
            throw new MftException($"{path}: holds {hidden.shape[0] - 1} positions of {hidden.shape[1]} values, the data has {cache._positions} of {head.shape[1]}");
        return cache;
    }

    public ITeacherBatch Run(Tensor inputs, IReadOnlyList<TrainingSequence> rows)
    {
        long t = inputs.shape[1];
        var index = new long[rows.Count * t];
        for (int b = 0; b < rows.Count; b++)
        {
            if (!_offsets.TryGetValue(rows[b], out var offset)) throw new InvalidOperationException("a training row is not in the teacher cache");
            long n = rows[b].Ids.Length - 1;
            for (long i = 0; i < t; i++) index[b * t + i] = i < n ? offset + i : _positions;   // padding and last positions read the zero row
        }
        var hidden = _hidden.index_select(0, tensor(index, device: _hidden.device));                    // (B·T, C)
        return new HiddenStatesTeacherBatch(_head, hidden);
    }

    public void Dispose()
    {
        _hidden.Dispose();
        _head.Dispose();
    }
}
