using System.Text;

namespace Mft.Tokenization.SentencePiece;

/// <summary>Piece types as SentencePiece's <c>ModelProto.SentencePiece.Type</c> numbers them.</summary>
public enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

/// <summary>The segmentation algorithm of a SentencePiece model (<c>TrainerSpec.ModelType</c>).</summary>
public enum SentencePieceAlgorithm { Unigram = 1, Bpe = 2, Word = 3, Char = 4 }

/// <summary>One vocabulary entry of a SentencePiece model.</summary>
public sealed record Piece(string Text, float Score, PieceType Type);

/// <summary>The normalizer settings of a SentencePiece model (<c>NormalizerSpec</c>).</summary>
public sealed record NormalizerSpec(string Name, byte[] PrecompiledCharsMap, bool AddDummyPrefix, bool RemoveExtraWhitespaces,
    bool EscapeWhitespaces);

/// <summary>
/// What a SentencePiece <c>tokenizer.model</c> says, read straight from its protobuf (<c>ModelProto</c> in
/// sentencepiece_model.proto): the pieces with scores and types, the algorithm, byte fallback, the special ids and
/// the normalizer. Fields that only matter for training are skipped. Defaults are the proto's own.
/// </summary>
public sealed record SentencePieceModelFile(
    IReadOnlyList<Piece> Pieces,
    SentencePieceAlgorithm Algorithm,
    bool ByteFallback,
    bool TreatWhitespaceAsSuffix,
    int UnkId, int BosId, int EosId, int PadId,
    string UnkSurface,
    NormalizerSpec Normalizer)
{
    public static SentencePieceModelFile Read(byte[] data, string path)
    {
        var pieces = new List<Piece>();
        var algorithm = SentencePieceAlgorithm.Unigram;
        bool byteFallback = false, suffix = false;
        int unk = 0, bos = 1, eos = 2, pad = -1;
        string unkSurface = " \u2047 ";
        var normalizer = new NormalizerSpec("", [], true, true, true);
        try
        {
            var model = new ProtoReader(data);
            while (model.Next(out var field, out var wire))
            {
                switch (field)
                {
                    case 1: pieces.Add(ReadPiece(model.Message())); break;
                    case 2:
                        var trainer = model.Message();
                        while (trainer.Next(out var f, out var w))
                        {
                            switch (f)
                            {
                                case 3: algorithm = (SentencePieceAlgorithm)trainer.Varint(); break;
                                case 24: suffix = trainer.Varint() != 0; break;
                                case 35: byteFallback = trainer.Varint() != 0; break;
                                case 40: unk = (int)trainer.Varint(); break;
                                case 41: bos = (int)trainer.Varint(); break;
                                case 42: eos = (int)trainer.Varint(); break;
                                case 43: pad = (int)trainer.Varint(); break;
                                case 44: unkSurface = Encoding.UTF8.GetString(trainer.Bytes()); break;
                                default: trainer.Skip(w); break;
                            }
                        }
                        break;
                    case 3:
                        var spec = model.Message();
                        string name = ""; byte[] map = []; bool dummy = true, extra = true, escape = true;
                        while (spec.Next(out var f, out var w))
                        {
                            switch (f)
                            {
                                case 1: name = Encoding.UTF8.GetString(spec.Bytes()); break;
                                case 2: map = spec.Bytes(); break;
                                case 3: dummy = spec.Varint() != 0; break;
                                case 4: extra = spec.Varint() != 0; break;
                                case 5: escape = spec.Varint() != 0; break;
                                default: spec.Skip(w); break;
                            }
                        }
                        normalizer = new NormalizerSpec(name, map, dummy, extra, escape);
                        break;
                    default: model.Skip(wire); break;
                }
            }
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidDataException or OverflowException)
        {
            throw new MftException($"{path}: not a readable SentencePiece model ({e.Message})");
        }
        if (pieces.Count == 0) throw new MftException($"{path}: not a SentencePiece model (no pieces)");
        if (algorithm is not (SentencePieceAlgorithm.Bpe or SentencePieceAlgorithm.Unigram))
            throw new MftException($"{path}: SentencePiece model_type {algorithm} is not supported (only BPE and unigram)");
        if (unk < 0 || unk >= pieces.Count || pieces[unk].Type != PieceType.Unknown)
            throw new MftException($"{path}: unk_id {unk} does not name an UNKNOWN piece");
        return new SentencePieceModelFile(pieces, algorithm, byteFallback, suffix, unk, bos, eos, pad, unkSurface, normalizer);
    }

    private static Piece ReadPiece(ProtoReader reader)
    {
        string text = ""; float score = 0; var type = PieceType.Normal;
        while (reader.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1: text = Encoding.UTF8.GetString(reader.Bytes()); break;
                case 2: score = reader.Fixed32(); break;
                case 3: type = (PieceType)reader.Varint(); break;
                default: reader.Skip(w); break;
            }
        }
        return new Piece(text, score, type);
    }

    /// <summary>The protobuf wire format, as much of it as a model file uses.</summary>
    private sealed class ProtoReader(byte[] data, int start = 0, int end = -1)
    {
        private int _pos = start;
        private readonly int _end = end < 0 ? data.Length : end;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_pos >= _end) return false;
            var key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_pos >= _end) throw new InvalidDataException("truncated varint");
                byte b = data[_pos++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new InvalidDataException("varint longer than 64 bits");
        }

        public float Fixed32()
        {
            if (_pos + 4 > _end) throw new InvalidDataException("truncated fixed32");
            var f = BitConverter.ToSingle(data, _pos);
            _pos += 4;
            return f;
        }

        public byte[] Bytes()
        {
            var length = checked((int)Varint());
            if (length < 0 || _pos + length > _end) throw new InvalidDataException("length beyond the end of the message");
            var b = data.AsSpan(_pos, length).ToArray();
            _pos += length;
            return b;
        }

        public ProtoReader Message()
        {
            var length = checked((int)Varint());
            if (length < 0 || _pos + length > _end) throw new InvalidDataException("message beyond the end of its parent");
            var reader = new ProtoReader(data, _pos, _pos + length);
            _pos += length;
            return reader;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _pos += 8; break;
                case 2: var length = checked((int)Varint()); _pos += length; break;   // read the length before _pos
                case 5: _pos += 4; break;
                default: throw new InvalidDataException($"unsupported wire type {wire}");
            }
            if (_pos > _end) throw new InvalidDataException("field beyond the end of its message");
        }
    }
}
