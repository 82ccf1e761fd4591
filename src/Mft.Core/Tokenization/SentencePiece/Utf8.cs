namespace Mft.Tokenization.SentencePiece;

/// <summary>UTF-8 helpers with SentencePiece's rules for malformed input.</summary>
internal static class Utf8
{
    /// <summary>The length of the character starting with this byte by its lead byte alone (1 for a stray byte).</summary>
    public static int LengthFromLeadByte(byte b) => b < 0x80 ? 1 : b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF8 ? 4 : 1;

    /// <summary>The length of a well-formed character at <paramref name="start"/>, or 0 when it is malformed.</summary>
    public static int ValidCharLength(byte[] s, int start)
    {
        int n = s.Length - start;
        byte b0 = s[start];
        if (b0 < 0x80) return 1;
        int len = b0 >= 0xC2 && b0 <= 0xDF ? 2 : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xF0 && b0 <= 0xF4 ? 4 : 0;
        if (len == 0 || n < len) return 0;
        for (int i = 1; i < len; i++) if ((s[start + i] & 0xC0) != 0x80) return 0;
        int cp = len switch
        {
            2 => ((b0 & 0x1F) << 6) | (s[start + 1] & 0x3F),
            3 => ((b0 & 0x0F) << 12) | ((s[start + 1] & 0x3F) << 6) | (s[start + 2] & 0x3F),
            _ => ((b0 & 0x07) << 18) | ((s[start + 1] & 0x3F) << 12) | ((s[start + 2] & 0x3F) << 6) | (s[start + 3] & 0x3F),
        };
        bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        bool surrogate = cp is >= 0xD800 and <= 0xDFFF;
        return overlong || surrogate || cp > 0x10FFFF ? 0 : len;
    }
}
