using System.Text;

namespace Mft.Tokenization.SentencePiece;

/// <summary>
/// The pieces of a SentencePiece model, looked up as SentencePiece does: NORMAL, USER_DEFINED and UNUSED pieces
/// can be produced by segmentation; UNKNOWN, CONTROL and BYTE pieces are reserved and only found by name.
/// </summary>
internal sealed class SentencePieceVocabulary
{
    private readonly Dictionary<string, int> _mergeable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _reserved = new(StringComparer.Ordinal);
    private readonly int[] _byteIds = new int[256];

    public IReadOnlyList<Piece> Pieces { get; }
    public int UnkId { get; }

    /// <summary>Every segmentable piece (normal, user-defined, unused), for prefix search.</summary>
    public PieceTrie Mergeable { get; } = new();

    /// <summary>User-defined symbols, matched whole before anything else.</summary>
    public PieceTrie UserDefined { get; } = new();

    public SentencePieceVocabulary(SentencePieceModelFile model)
    {
        Pieces = model.Pieces;
        UnkId = model.UnkId;
        Array.Fill(_byteIds, -1);
        for (int id = 0; id < Pieces.Count; id++)
        {
            var p = Pieces[id];
            bool segmentable = p.Type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused;
            (segmentable ? _mergeable : _reserved).TryAdd(p.Text, id);
            if (segmentable) Mergeable.Add(Encoding.UTF8.GetBytes(p.Text), id);
            if (p.Type == PieceType.UserDefined) UserDefined.Add(Encoding.UTF8.GetBytes(p.Text), id);
            if (p.Type == PieceType.Byte && p.Text.Length == 6 && p.Text.StartsWith("<0x") && p.Text.EndsWith('>')
                && int.TryParse(p.Text.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
                _byteIds[b] = id;
        }
    }

    /// <summary>The id of a segmentable piece spelled by these bytes, or -1.</summary>
    public int MergeableId(byte[] text, int start, int length) =>
        _mergeable.TryGetValue(Encoding.UTF8.GetString(text, start, length), out var id) ? id : -1;

    /// <summary>SentencePiece's PieceToId: reserved pieces first, then segmentable ones; -1 when neither.</summary>
    public int IdOf(byte[] text, int start, int length)
    {
        var s = Encoding.UTF8.GetString(text, start, length);
        return _reserved.TryGetValue(s, out var r) ? r : _mergeable.TryGetValue(s, out var m) ? m : -1;
    }

    /// <summary>The id of the byte piece &lt;0xXX&gt;, or -1 when the model has none.</summary>
    public int ByteId(byte b) => _byteIds[b];
}
