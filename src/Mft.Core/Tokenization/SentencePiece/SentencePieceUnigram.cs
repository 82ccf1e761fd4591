namespace Mft.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece's unigram segmentation: the Viterbi path of highest total piece score over every way to spell
/// the text with pieces. User-defined symbols score length·max_score − 0.1 so they always win; a character no
/// piece starts with is an unknown piece scoring min_score − 10. Scores add up as SentencePiece's C++ adds them (see Segment).
/// </summary>
internal sealed class SentencePieceUnigram
{
    private const float UnknownPenalty = 10f;
    private const float FltMin = 1.17549435E-38f;   // C's FLT_MIN, SentencePiece's starting max_score

    private readonly SentencePieceVocabulary _vocabulary;
    private readonly float _minScore = float.MaxValue, _maxScore = FltMin;

    public SentencePieceUnigram(SentencePieceVocabulary vocabulary)
    {
        _vocabulary = vocabulary;
        foreach (var p in vocabulary.Pieces)
        {
            if (p.Type != PieceType.Normal) continue;
            _minScore = Math.Min(_minScore, p.Score);
            _maxScore = Math.Max(_maxScore, p.Score);
        }
    }

    private struct Best
    {
        public float Score;
        public int StartsAt, Id;
    }

    /// <summary>(start, length, id) of the pieces of normalized UTF-8 text; id is the unk id for unknown spans.</summary>
    public List<(int Start, int Length, int Id)> Segment(byte[] text)
    {
        var best = new Best[text.Length + 1];
        for (int i = 0; i <= text.Length; i++) best[i] = new Best { StartsAt = -1 };
        best[0].StartsAt = 0;
        float unknownScore = _minScore - UnknownPenalty;
        for (int start = 0; start < text.Length;)
        {
            float here = best[start].Score;
            int charLength = Math.Min(text.Length - start, Utf8.LengthFromLeadByte(text[start]));
            bool single = false;
            foreach (var (length, id) in _vocabulary.Mergeable.PrefixesOf(text, start))
            {
                var piece = _vocabulary.Pieces[id];
                if (piece.Type == PieceType.Unused) continue;
                // As in SentencePiece: the user-defined bonus subtracts the double 0.1, which makes the score and
                // the candidate double; the candidate is compared in double and stored as float. Ties depend on it.
                double score = piece.Type == PieceType.UserDefined ? length * _maxScore - 0.1 : piece.Score;
                double candidate = score + here;
                ref var target = ref best[start + length];
                if (target.StartsAt == -1 || candidate > target.Score) target = new Best { Score = (float)candidate, StartsAt = start, Id = id };
                if (length == charLength) single = true;
            }
            if (!single)
            {
                float candidate = unknownScore + here;
                ref var target = ref best[start + charLength];
                if (target.StartsAt == -1 || candidate > target.Score)
                    target = new Best { Score = candidate, StartsAt = start, Id = _vocabulary.UnkId };
            }
            start += charLength;
        }
        var result = new List<(int, int, int)>();
        for (int end = text.Length; end > 0; end = best[end].StartsAt)
            result.Add((best[end].StartsAt, end - best[end].StartsAt, best[end].Id));
        result.Reverse();
        return result;
    }
}
