namespace Mft.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece's BPE segmentation: start from characters (user-defined symbols whole and frozen), then keep
/// merging the adjacent pair whose concatenation is a piece with the highest score, leftmost on ties, until no
/// pair is a piece. Merged UNUSED pieces are split back into the pieces they were made of.
/// </summary>
internal sealed class SentencePieceBpe(SentencePieceVocabulary vocabulary)
{
    private struct Symbol
    {
        public int Start, Length, Prev, Next;
        public bool Frozen;
    }

    private readonly record struct Pair(int Left, int Right, int Size);

    /// <summary>Higher score first; on equal scores the leftmost pair first.</summary>
    private sealed class Priority : IComparer<(float Score, int Left)>
    {
        public int Compare((float Score, int Left) a, (float Score, int Left) b) =>
            a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left);
    }

    private static readonly Priority Order = new();

    /// <summary>(start, length) byte spans of the pieces of normalized UTF-8 text, left to right.</summary>
    public List<(int Start, int Length)> Segment(byte[] text)
    {
        var symbols = new List<Symbol>();
        for (int pos = 0; pos < text.Length;)
        {
            int user = vocabulary.UserDefined.IsEmpty ? 0 : vocabulary.UserDefined.LongestPrefix(text, pos);
            int length = user > 0 ? user : Math.Min(text.Length - pos, Utf8.LengthFromLeadByte(text[pos]));
            symbols.Add(new Symbol { Start = pos, Length = length, Prev = symbols.Count - 1, Frozen = user > 0 });
            pos += length;
        }
        for (int i = 0; i < symbols.Count; i++) { var s = symbols[i]; s.Next = i + 1 < symbols.Count ? i + 1 : -1; symbols[i] = s; }

        var agenda = new PriorityQueue<Pair, (float, int)>(Order);
        var unusedSplits = new Dictionary<string, ((int, int), (int, int))>();
        void Consider(int left, int right)
        {
            if (left < 0 || right < 0 || symbols[left].Frozen || symbols[right].Frozen) return;
            int size = symbols[left].Length + symbols[right].Length;
            int id = vocabulary.MergeableId(text, symbols[left].Start, size);
            if (id < 0) return;
            agenda.Enqueue(new Pair(left, right, size), (vocabulary.Pieces[id].Score, left));
            if (vocabulary.Pieces[id].Type == PieceType.Unused)
                unusedSplits[Key(text, symbols[left].Start, size)] =
                    ((symbols[left].Start, symbols[left].Length), (symbols[right].Start, symbols[right].Length));
        }
        for (int i = 1; i < symbols.Count; i++) Consider(i - 1, i);

        while (agenda.TryDequeue(out var top, out _))
        {
            var left = symbols[top.Left];
            var right = symbols[top.Right];
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Size) continue;
            left.Length += right.Length;
            left.Next = right.Next;
            symbols[top.Left] = left;
            right.Length = 0;
            symbols[top.Right] = right;
            if (right.Next >= 0) { var n = symbols[right.Next]; n.Prev = top.Left; symbols[right.Next] = n; }
            Consider(left.Prev, top.Left);
            Consider(top.Left, left.Next);
        }

        var result = new List<(int, int)>();
        void Resegment(int start, int length)
        {
            int id = vocabulary.IdOf(text, start, length);
            if (id >= 0 && vocabulary.Pieces[id].Type == PieceType.Unused
                && unusedSplits.TryGetValue(Key(text, start, length), out var parts))
            {
                Resegment(parts.Item1.Item1, parts.Item1.Item2);
                Resegment(parts.Item2.Item1, parts.Item2.Item2);
                return;
            }
            result.Add((start, length));
        }
        for (int i = symbols.Count == 0 ? -1 : 0; i >= 0; i = symbols[i].Next) Resegment(symbols[i].Start, symbols[i].Length);
        return result;
    }

    private static string Key(byte[] text, int start, int length) => Convert.ToHexString(text, start, length);
}
