using System.Text;

namespace Mft.Chat.Jinja;

/// <summary>The kinds of token the lexer produces.</summary>
internal enum TokenKind { Text, OpenStatement, CloseStatement, OpenExpression, CloseExpression, Name, String, Integer, Float, Punct }

/// <summary>One token with the template line it starts on.</summary>
internal sealed record Token(TokenKind Kind, string Value, int Line);

/// <summary>
/// Splits a template into text and tag tokens. Whitespace handling follows transformers' environment
/// (<c>trim_blocks</c>, <c>lstrip_blocks</c>, no trailing newline kept) and the <c>-</c> markers on tags.
/// </summary>
internal static class Lexer
{
    // Longest first, so "**" wins over "*" and "//" over "/".
    private static readonly string[] Punctuation =
        ["<=", ">=", "==", "!=", "**", "//", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "<", ">", "+", "-", "~", "*", "/", "%", "="];

    public static List<Token> Tokenize(string source)
    {
        var (src, lines) = Preprocess(source);
        var tokens = new List<Token>();
        int pos = 0, braceDepth = 0;
        bool inTag = false;

        void StripPrecedingText()
        {
            if (tokens.Count > 0 && tokens[^1].Kind == TokenKind.Text)
            {
                var trimmed = JsText.TrimEnd(tokens[^1].Value);
                if (trimmed.Length == 0) tokens.RemoveAt(tokens.Count - 1);
                else tokens[^1] = tokens[^1] with { Value = trimmed };
            }
        }
        void SkipWhitespace() { while (pos < src.Length && JsText.IsSpace(src[pos])) pos++; }
        bool At(string s) => string.CompareOrdinal(src, pos, s, 0, s.Length) == 0;
        int Line() => lines[Math.Min(pos, lines.Length - 1)];

        while (pos < src.Length)
        {
            if (!inTag)
            {
                int start = pos;
                while (pos < src.Length && !(src[pos] == '{' && pos + 1 < src.Length && src[pos + 1] is '%' or '{' or '#')) pos++;
                if (pos > start) { tokens.Add(new Token(TokenKind.Text, src[start..pos], lines[start])); continue; }

                if (At("{#"))
                {
                    int line = Line();
                    int end = src.IndexOf("#}", pos + 2, StringComparison.Ordinal);
                    if (end < 0) throw new TemplateError("comment opened with {# is never closed with #}", line);
                    bool stripBefore = src[pos + 2] == '-', stripAfter = end > pos + 2 && src[end - 1] == '-';
                    if (stripBefore) StripPrecedingText();
                    pos = end + 2;
                    if (stripAfter) SkipWhitespace();
                    continue;
                }
                bool statement = At("{%");
                int tagLine = Line();
                bool strip = pos + 2 < src.Length && src[pos + 2] == '-';
                if (strip) StripPrecedingText();
                tokens.Add(new Token(statement ? TokenKind.OpenStatement : TokenKind.OpenExpression, statement ? "{%" : "{{", tagLine));
                pos += strip ? 3 : 2;
                inTag = true;
                braceDepth = 0;
                continue;
            }

            SkipWhitespace();
            if (pos >= src.Length) break;
            int tokLine = Line();
            if (At("-%}") || At("%}") || (braceDepth == 0 && (At("-}}") || At("}}"))))
            {
                bool strip = src[pos] == '-';
                bool statement = src[strip ? pos + 1 : pos] == '%';
                tokens.Add(new Token(statement ? TokenKind.CloseStatement : TokenKind.CloseExpression, statement ? "%}" : "}}", tokLine));
                pos += strip ? 3 : 2;
                if (strip) SkipWhitespace();
                inTag = false;
                continue;
            }
            char c = src[pos];
            if (c is '\'' or '"') { tokens.Add(new Token(TokenKind.String, ReadString(src, ref pos, tokLine), tokLine)); continue; }
            if (char.IsAsciiDigit(c))
            {
                int start = pos;
                while (pos < src.Length && char.IsAsciiDigit(src[pos])) pos++;
                bool afterDot = tokens.Count > 0 && tokens[^1] is { Kind: TokenKind.Punct, Value: "." };
                if (!afterDot && pos + 1 < src.Length && src[pos] == '.' && char.IsAsciiDigit(src[pos + 1]))
                {
                    pos++;
                    while (pos < src.Length && char.IsAsciiDigit(src[pos])) pos++;
                    tokens.Add(new Token(TokenKind.Float, src[start..pos], tokLine));
                }
                else tokens.Add(new Token(TokenKind.Integer, src[start..pos], tokLine));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = pos;
                while (pos < src.Length && (char.IsAsciiLetterOrDigit(src[pos]) || src[pos] == '_')) pos++;
                tokens.Add(new Token(TokenKind.Name, src[start..pos], tokLine));
                continue;
            }
            var punct = Array.Find(Punctuation, At);
            if (punct is null) throw new TemplateError($"unexpected character '{c}' inside a tag", tokLine);
            if (punct == "{") braceDepth++;
            else if (punct == "}") braceDepth--;
            tokens.Add(new Token(TokenKind.Punct, punct, tokLine));
            pos += punct.Length;
        }
        if (inTag) throw new TemplateError("tag opened here is never closed", tokens.LastOrDefault(t => t.Kind is TokenKind.OpenStatement or TokenKind.OpenExpression)?.Line ?? 0);
        return tokens;
    }

    private static string ReadString(string src, ref int pos, int line)
    {
        char quote = src[pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= src.Length) throw new TemplateError("string literal is never closed", line);
            char c = src[pos++];
            if (c == quote) return sb.ToString();
            if (c != '\\') { sb.Append(c); continue; }
            if (pos >= src.Length) throw new TemplateError("string literal is never closed", line);
            char e = src[pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\'' or '"' or '\\': sb.Append(e); break;
                case 'x' or 'u':
                    int n = e == 'x' ? 2 : 4;
                    if (pos + n > src.Length || !int.TryParse(src.AsSpan(pos, n), System.Globalization.NumberStyles.AllowHexSpecifier, null, out int code))
                        throw new TemplateError($"invalid escape \\{e} in a string literal", line);
                    sb.Append((char)code);
                    pos += n;
                    break;
                default: throw new TemplateError($"unknown escape \\{e} in a string literal", line);
            }
        }
    }

    /// <summary>
    /// Applies the environment's whitespace options before lexing: drops one trailing newline, strips spaces and
    /// tabs between a line start and a <c>{%</c> or <c>{#</c> (lstrip_blocks), and drops the newline right after
    /// <c>%}</c> or <c>#}</c> (trim_blocks). Returns the text with, for each character, its line in the source.
    /// </summary>
    private static (string Text, int[] Lines) Preprocess(string source)
    {
        var lineOf = new int[source.Length + 1];
        for (int i = 0, line = 1; i <= source.Length; i++)
        {
            lineOf[i] = line;
            if (i < source.Length && source[i] == '\n') line++;
        }
        int length = source.EndsWith('\n') ? source.Length - 1 : source.Length;

        // lstrip_blocks
        var keep = new bool[length];
        Array.Fill(keep, true);
        for (int i = 0; i < length; i++)
        {
            if (i > 0 && source[i - 1] is not ('\n' or '\r' or '\u2028' or '\u2029')) continue;
            int j = i;
            while (j < length && source[j] is ' ' or '\t') j++;
            if (j > i && j + 1 < length && source[j] == '{' && source[j + 1] is '%' or '#' or '-')
                for (int k = i; k < j; k++) keep[k] = false;
        }
        var chars = new List<char>(length);
        var lines = new List<int>(length + 1);
        for (int i = 0; i < length; i++) if (keep[i]) { chars.Add(source[i]); lines.Add(lineOf[i]); }

        // trim_blocks
        var text = new StringBuilder(chars.Count);
        var textLines = new List<int>(chars.Count + 1);
        for (int i = 0; i < chars.Count; i++)
        {
            text.Append(chars[i]);
            textLines.Add(lines[i]);
            if (chars[i] is '%' or '#' or '-' && i + 2 < chars.Count && chars[i + 1] == '}' && chars[i + 2] == '\n')
            {
                text.Append('}');
                textLines.Add(lines[i + 1]);
                i += 2;
            }
        }
        textLines.Add(lineOf[length]);
        return (text.ToString(), textLines.ToArray());
    }
}
