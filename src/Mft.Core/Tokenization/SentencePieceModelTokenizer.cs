using System.Text;
using Mft.Tokenization.SentencePiece;

namespace Mft.Tokenization;

/// <summary>
/// A SentencePiece <c>tokenizer.model</c>, for models that ship no tokenizer.json, encoded by our own
/// implementation of SentencePiece (normalizer, BPE and unigram segmentation, byte fallback, user-defined
/// symbols), checked id for id against python3-sentencepiece. Control pieces written in the text (such as
/// <c>&lt;s&gt;</c> or <c>[INST]</c>) and added tokens from tokenizer_config.json are matched whole, as
/// transformers does, and the text between them is encoded piece by piece. bos/eos ids come from the model
/// file unless tokenizer_config.json names others. See docs/tokenizers.md.
/// </summary>
public sealed class SentencePieceModelTokenizer : ITextTokenizer
{
    public const string FileName = "tokenizer.model";

    private readonly SentencePieceModelFile _model;
    private readonly SentencePieceVocabulary _vocabulary;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly SentencePieceBpe? _bpe;
    private readonly SentencePieceUnigram? _unigram;
    private readonly SpecialTokenSplitter _specials;

    public int VocabSize { get; }
    public SpecialTokens Special { get; }

    /// <summary>The model, and the special tokens its tokenizer_config.json names (none for a bare model file).</summary>
    private SentencePieceModelTokenizer(SentencePieceModelFile model, string path, TokenizerConfig? config)
    {
        _model = model;
        _vocabulary = new SentencePieceVocabulary(model);
        _normalizer = new SentencePieceNormalizer(model.Normalizer, model.TreatWhitespaceAsSuffix, _vocabulary.UserDefined, path);
        if (model.Algorithm == SentencePieceAlgorithm.Bpe) _bpe = new SentencePieceBpe(_vocabulary);
        else _unigram = new SentencePieceUnigram(_vocabulary);
        var added = config?.AddedTokens ?? new Dictionary<string, int>();
        var whole = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < model.Pieces.Count; id++)
            if (model.Pieces[id].Type is PieceType.Control or PieceType.Unknown && model.Pieces[id].Text.Length > 0)
                whole.TryAdd(model.Pieces[id].Text, id);
        foreach (var (content, id) in added) whole[content] = id;
        _specials = new SpecialTokenSplitter(whole);
        VocabSize = Math.Max(model.Pieces.Count, added.Count == 0 ? 0 : added.Values.Max() + 1);
        int? Lookup(string? token) => token is null ? null : PieceId(token);
        Special = new SpecialTokens(
            Lookup(config?.BosToken) ?? config?.BosIdFromModelConfig ?? ValidId(model.BosId),
            Lookup(config?.EosToken) ?? config?.EosIdFromModelConfig ?? ValidId(model.EosId),
            Lookup(config?.PadToken) ?? config?.PadIdFromModelConfig ?? ValidId(model.PadId),
            config?.AddBos ?? true, config?.AddEos ?? false);
    }

    /// <summary>Reads a SentencePiece model file alone (no tokenizer_config.json): bos/eos from the model, bos added.</summary>
    public static SentencePieceModelTokenizer FromFile(string path) => new(ReadModel(path), path, null);

    public static SentencePieceModelTokenizer Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        return new SentencePieceModelTokenizer(ReadModel(path), path, TokenizerConfig.Load(directory));
    }

    private static SentencePieceModelFile ReadModel(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new MftException($"{path}: not found"); }
        return SentencePieceModelFile.Read(data, path);
    }

    private int? ValidId(int id) => id >= 0 && id < _model.Pieces.Count ? id : null;

    /// <summary>The id of a piece or whole-matched token spelled exactly so, or null.</summary>
    public int? PieceId(string piece)
    {
        if (_specials.TryGet(piece, out var special)) return special;
        var bytes = Encoding.UTF8.GetBytes(piece);
        var id = bytes.Length == 0 ? -1 : _vocabulary.IdOf(bytes, 0, bytes.Length);
        return id >= 0 ? id : null;
    }

    public int[] Encode(string text)
    {
        var ids = new List<int>();
        foreach (var (chunk, specialId) in _specials.Split(text))
        {
            if (specialId is int s) ids.Add(s);
            else EncodePlain(chunk, ids);
        }
        return ids.ToArray();
    }

    /// <summary>SentencePiece's Encode of text with no special tokens in it: python's <c>sp.encode(text)</c>.</summary>
    public int[] EncodePlain(string text)
    {
        var ids = new List<int>();
        EncodePlain(text, ids);
        return ids.ToArray();
    }

    private void EncodePlain(string text, List<int> ids)
    {
        var normalized = _normalizer.Normalize(text);
        if (normalized.Length == 0) return;
        IEnumerable<(int Start, int Length, int Id)> pieces = _bpe is not null
            ? _bpe.Segment(normalized).Select(p => (p.Start, p.Length, _vocabulary.IdOf(normalized, p.Start, p.Length)))
            : _unigram!.Segment(normalized);
        bool previousUnknown = false;
        foreach (var (start, length, found) in pieces)
        {
            int id = found < 0 ? _model.UnkId : found;
            bool unknown = id == _model.UnkId;
            if (unknown && _model.ByteFallback)
            {
                for (int i = 0; i < length; i++)
                {
                    int b = _vocabulary.ByteId(normalized[start + i]);
                    ids.Add(b >= 0 ? b : _model.UnkId);
                }
            }
            else if (!(unknown && previousUnknown)) ids.Add(id);   // a run of unknown pieces is one <unk>
            previousUnknown = unknown;
        }
    }

    /// <summary>SentencePiece's Decode: runs of byte pieces become UTF-8 (U+FFFD per malformed byte), control
    /// pieces vanish, "▁" becomes a space, and the leading "▁" the dummy prefix added is taken off.</summary>
    public string Decode(IReadOnlyList<int> ids)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        bool expectBosSpace = true, bosSpaceSeen = false;
        var spec = _model.Normalizer;
        foreach (var id in ids)
        {
            if (id < 0 || id >= _model.Pieces.Count) continue;
            var piece = _model.Pieces[id];
            if (piece.Type == PieceType.Byte)
            {
                bytes.Add(Convert.ToByte(piece.Text.Substring(3, 2), 16));
                continue;
            }
            FlushBytes(bytes, text);
            if (bosSpaceSeen || text.Length > 0) expectBosSpace = false;
            bosSpaceSeen = false;
            switch (piece.Type)
            {
                case PieceType.Control: break;
                case PieceType.Unknown: text.Append(_model.UnkSurface); break;
                default:
                    var surface = piece.Text;
                    if (expectBosSpace && (spec.AddDummyPrefix || spec.RemoveExtraWhitespaces) && surface.StartsWith('\u2581'))
                    {
                        surface = surface[1..];
                        bosSpaceSeen = !spec.RemoveExtraWhitespaces;   // with extra-whitespace removal every leading space goes
                    }
                    text.Append(surface.Replace('\u2581', ' '));
                    break;
            }
        }
        FlushBytes(bytes, text);
        return text.ToString();
    }

    private static void FlushBytes(List<byte> bytes, StringBuilder text)
    {
        var b = bytes.ToArray();
        for (int i = 0; i < b.Length;)
        {
            int length = Utf8.ValidCharLength(b, i);   // SentencePiece: one U+FFFD for each malformed byte
            if (length == 0) { text.Append('\uFFFD'); i++; }
            else { text.Append(Encoding.UTF8.GetString(b, i, length)); i += length; }
        }
        bytes.Clear();
    }

    public void Dispose() { }
}
