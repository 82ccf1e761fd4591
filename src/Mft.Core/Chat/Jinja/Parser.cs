namespace Mft.Chat.Jinja;

/// <summary>
/// Turns tokens into a tree of <see cref="Node"/>s. Operator precedence, lowest first: conditional expression,
/// <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>, <c>+ - ~</c>, <c>* / // %</c>, <c>**</c>,
/// <c>is</c> tests, <c>|</c> filters, unary sign, then member access, subscripts and calls. Nesting (brackets,
/// operators, blocks) deeper than <see cref="TemplateLimits.MaxNestingDepth"/> is an error, so that no template
/// can overflow the stack of this recursive-descent parser.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Comparisons = ["==", "!=", "<", ">", "<=", ">="];
    private readonly List<Token> _tokens;
    private int _pos;
    private int _depth;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static IReadOnlyList<Node> Parse(List<Token> tokens)
    {
        var parser = new Parser(tokens);
        var (body, end) = parser.ParseBlock();
        if (end is not null) throw new TemplateError($"unexpected {{% {end} %}} without a matching opening tag", parser.Previous.Line);
        return body;
    }

    private Token? Current => _pos < _tokens.Count ? _tokens[_pos] : null;
    private Token Previous => _tokens[Math.Max(0, Math.Min(_pos, _tokens.Count) - 1)];
    private int Line => (Current ?? Previous).Line;

    private bool IsPunct(string p) => Current is { Kind: TokenKind.Punct } t && t.Value == p;
    private bool IsName(string n) => Current is { Kind: TokenKind.Name } t && t.Value == n;
    private bool IsNameAt(int offset, string n) =>
        _pos + offset < _tokens.Count && _tokens[_pos + offset] is { Kind: TokenKind.Name } t && t.Value == n;

    private Token Next() => Current is { } t ? _tokens[_pos++] : throw new TemplateError("unexpected end of template", Previous.Line);

    private void Expect(TokenKind kind, string? value, string what)
    {
        var t = Current;
        if (t is null || t.Kind != kind || (value is not null && t.Value != value))
            throw new TemplateError($"expected {what}, found {Describe(t)}", t?.Line ?? Previous.Line);
        _pos++;
    }

    private string ExpectName(string what)
    {
        var t = Current;
        if (t is not { Kind: TokenKind.Name }) throw new TemplateError($"expected {what}, found {Describe(t)}", t?.Line ?? Previous.Line);
        _pos++;
        return t.Value;
    }

    private static string Describe(Token? t) => t is null ? "end of template" : t.Kind switch
    {
        TokenKind.Text => "text",
        TokenKind.String => $"string '{t.Value}'",
        TokenKind.CloseStatement or TokenKind.CloseExpression or TokenKind.OpenStatement or TokenKind.OpenExpression => $"'{t.Value}'",
        _ => $"'{t.Value}'",
    };

    /// <summary>Parses nodes until the end or a statement whose keyword is one of <paramref name="stops"/> (consumed up to the keyword).</summary>
    private (List<Node> Body, string? Stop) ParseBlock(params string[] stops)
    {
        var body = new List<Node>();
        while (Current is { } t)
        {
            switch (t.Kind)
            {
                case TokenKind.Text:
                    _pos++;
                    body.Add(new TextNode(t.Line, t.Value));
                    break;
                case TokenKind.OpenExpression:
                    _pos++;
                    var value = ParseExpression();
                    Expect(TokenKind.CloseExpression, null, "'}}'");
                    body.Add(new OutputNode(t.Line, value));
                    break;
                case TokenKind.OpenStatement:
                    if (_pos + 1 < _tokens.Count && _tokens[_pos + 1] is { Kind: TokenKind.Name } kw && stops.Contains(kw.Value))
                    {
                        _pos += 2;
                        return (body, kw.Value);
                    }
                    _pos++;
                    body.Add(Nested(() => ParseStatement(t.Line)));
                    break;
                default:
                    throw new TemplateError($"unexpected {Describe(t)} outside a tag", t.Line);
            }
        }
        if (stops.Length > 0) throw new TemplateError($"template ended while looking for {string.Join(" or ", stops.Select(s => "{% " + s + " %}"))}", Previous.Line);
        return (body, null);
    }

    /// <summary>Runs <paramref name="parse"/> one level deeper, within <see cref="TemplateLimits.MaxNestingDepth"/>.</summary>
    private T Nested<T>(Func<T> parse)
    {
        if (_depth >= TemplateLimits.MaxNestingDepth)
        {
            var error = TemplateLimits.Exceeded("nesting of brackets, operators and blocks", "MaxNestingDepth", TemplateLimits.MaxNestingDepth);
            error.Line = Line;
            throw error;
        }
        _depth++;
        try { return parse(); }
        finally { _depth--; }
    }

    private void EndTag() => Expect(TokenKind.CloseStatement, null, "'%}'");

    private Node ParseStatement(int line)
    {
        var keyword = ExpectName("a statement keyword after '{%'");
        switch (keyword)
        {
            case "if": return ParseIf(line);
            case "for": return ParseFor(line);
            case "set": return ParseSet(line);
            case "macro": return ParseMacro(line);
            case "generation":
                // transformers' {% generation %} marks assistant text for masks; it renders its body unchanged.
                EndTag();
                var (body, _) = ParseBlock("endgeneration");
                EndTag();
                return new BlockNode(line, body);
            case "break" or "continue":
                EndTag();
                return new LoopControlNode(line, keyword == "break");
            default:
                throw new TemplateError($"unknown or unsupported statement '{{% {keyword} %}}'", line);
        }
    }

    private IfNode ParseIf(int line)
    {
        var test = ParseExpression();
        EndTag();
        var (body, stop) = ParseBlock("elif", "else", "endif");
        List<Node> alternative = [];
        if (stop == "elif")
        {
            int elifLine = Previous.Line;
            alternative.Add(Nested(() => ParseIf(elifLine)));
        }
        else if (stop == "else")
        {
            EndTag();
            (alternative, _) = ParseBlock("endif");
            EndTag();
        }
        else EndTag();
        return new IfNode(line, test, body, alternative);
    }

    private ForNode ParseFor(int line)
    {
        var targets = new List<string>();
        bool paren = IsPunct("(");
        if (paren) _pos++;
        do targets.Add(ExpectName("a loop variable")); while (IsPunct(",") && Next() is not null);
        if (paren) Expect(TokenKind.Punct, ")", "')'");
        Expect(TokenKind.Name, "in", "'in' after the loop variable");
        var iterable = ParseOr();
        Expr? filter = null;
        if (IsName("if")) { _pos++; filter = ParseOr(); }
        EndTag();
        var (body, stop) = ParseBlock("else", "endfor");
        List<Node> alternative = [];
        if (stop == "else")
        {
            EndTag();
            (alternative, _) = ParseBlock("endfor");
        }
        EndTag();
        return new ForNode(line, targets, iterable, filter, body, alternative);
    }

    private SetNode ParseSet(int line)
    {
        Expr target = ParsePostfix();
        if (IsPunct(","))
        {
            var items = new List<Expr> { target };
            while (IsPunct(",")) { _pos++; items.Add(ParsePostfix()); }
            target = new ListExpr(line, items, true);
        }
        if (target is not (NameExpr or ListExpr { IsTuple: true } or MemberExpr { Key: LiteralExpr { Value: string } }))
            throw new TemplateError("'set' can assign only to a name, names separated by commas, or namespace.attribute", line);
        if (IsPunct("="))
        {
            _pos++;
            var value = ParseTuple();
            EndTag();
            return new SetNode(line, target, value, []);
        }
        EndTag();
        var (body, _) = ParseBlock("endset");
        EndTag();
        return new SetNode(line, target, null, body);
    }

    private MacroNode ParseMacro(int line)
    {
        var name = ExpectName("a macro name");
        Expect(TokenKind.Punct, "(", "'(' after the macro name");
        var parameters = new List<(string, Expr?)>();
        while (!IsPunct(")"))
        {
            var p = ExpectName("a parameter name");
            Expr? def = null;
            if (IsPunct("=")) { _pos++; def = ParseExpression(); }
            parameters.Add((p, def));
            if (!IsPunct(")")) Expect(TokenKind.Punct, ",", "',' or ')' in the parameter list");
        }
        _pos++;
        EndTag();
        var (body, _) = ParseBlock("endmacro");
        EndTag();
        return new MacroNode(line, name, parameters, body);
    }

    // ---- Expressions ----

    /// <summary>An expression, or several separated by commas (a tuple without parentheses).</summary>
    private Expr ParseTuple()
    {
        var first = ParseExpression();
        if (!IsPunct(",")) return first;
        var items = new List<Expr> { first };
        while (IsPunct(",")) { _pos++; items.Add(ParseExpression()); }
        return new ListExpr(first.Line, items, true);
    }

    private Expr ParseExpression() => Nested(ParseConditional);

    private Expr ParseConditional()
    {
        var value = ParseOr();
        if (!IsName("if")) return value;
        int line = Line;
        _pos++;
        var condition = ParseOr();
        if (!IsName("else")) return new TernaryExpr(line, condition, value, null);
        _pos++;
        return new TernaryExpr(line, condition, value, ParseExpression());
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (IsName("or")) { int line = Line; _pos++; left = new BinaryExpr(line, "or", left, ParseAnd()); }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (IsName("and")) { int line = Line; _pos++; left = new BinaryExpr(line, "and", left, ParseNot()); }
        return left;
    }

    private Expr ParseNot()
    {
        if (!IsName("not")) return ParseComparison();
        int line = Line;
        _pos++;
        return new UnaryExpr(line, "not", Nested(ParseNot));
    }

    private Expr ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            int line = Line;
            string op;
            if (IsName("not") && IsNameAt(1, "in")) { _pos += 2; op = "not in"; }
            else if (IsName("in")) { _pos++; op = "in"; }
            else if (Current is { Kind: TokenKind.Punct } t && Comparisons.Contains(t.Value)) { _pos++; op = t.Value; }
            else return left;
            left = new BinaryExpr(line, op, left, ParseAdditive());
        }
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (IsPunct("+") || IsPunct("-") || IsPunct("~"))
        {
            var t = Next();
            left = new BinaryExpr(t.Line, t.Value, left, ParseMultiplicative());
        }
        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParsePower();
        while (IsPunct("*") || IsPunct("/") || IsPunct("//") || IsPunct("%"))
        {
            var t = Next();
            left = new BinaryExpr(t.Line, t.Value, left, ParsePower());
        }
        return left;
    }

    private Expr ParsePower()
    {
        var left = ParseTest();
        while (IsPunct("**")) { var t = Next(); left = new BinaryExpr(t.Line, "**", left, ParseTest()); }
        return left;
    }

    private Expr ParseTest()
    {
        var operand = ParseFilter();
        while (IsName("is"))
        {
            int line = Line;
            _pos++;
            bool negated = IsName("not");
            if (negated) _pos++;
            string name = Current is { Kind: TokenKind.Name } ? Next().Value : ExpectName("a test name after 'is'");
            var args = IsPunct("(") ? ParseArguments() : Arguments.None;
            operand = new TestExpr(line, operand, name, negated, args);
        }
        return operand;
    }

    private Expr ParseFilter()
    {
        var operand = ParseUnary();
        while (IsPunct("|"))
        {
            int line = Line;
            _pos++;
            var name = ExpectName("a filter name after '|'");
            var args = IsPunct("(") ? ParseArguments() : Arguments.None;
            operand = new FilterExpr(line, operand, name, args);
        }
        return operand;
    }

    private Expr ParseUnary()
    {
        if (IsPunct("-") || IsPunct("+"))
        {
            var t = Next();
            return new UnaryExpr(t.Line, t.Value, Nested(ParseUnary));
        }
        return ParsePostfix();
    }

    private Expr ParsePostfix()
    {
        var expr = ParsePrimary();
        while (true)
        {
            int line = Line;
            if (IsPunct("."))
            {
                _pos++;
                var t = Next();
                expr = t.Kind switch
                {
                    TokenKind.Name => new MemberExpr(line, expr, new LiteralExpr(line, t.Value)),
                    TokenKind.Integer => new MemberExpr(line, expr, new LiteralExpr(line, long.Parse(t.Value, System.Globalization.CultureInfo.InvariantCulture))),
                    _ => throw new TemplateError($"expected an attribute name after '.', found {Describe(t)}", t.Line),
                };
            }
            else if (IsPunct("["))
            {
                _pos++;
                expr = ParseSubscript(expr, line);
            }
            else if (IsPunct("(")) expr = new CallExpr(line, expr, ParseArguments());
            else return expr;
        }
    }

    private Expr ParseSubscript(Expr obj, int line)
    {
        Expr? start = null, stop = null, step = null;
        if (!IsPunct(":")) start = ParseExpression();
        if (IsPunct("]")) { _pos++; return new MemberExpr(line, obj, start!); }
        Expect(TokenKind.Punct, ":", "']' or ':' in a subscript");
        if (!IsPunct(":") && !IsPunct("]")) stop = ParseExpression();
        if (IsPunct(":"))
        {
            _pos++;
            if (!IsPunct("]")) step = ParseExpression();
        }
        Expect(TokenKind.Punct, "]", "']' to close the slice");
        return new SliceExpr(line, obj, start, stop, step);
    }

    private Arguments ParseArguments()
    {
        Expect(TokenKind.Punct, "(", "'('");
        var positional = new List<Expr>();
        var keyword = new List<(string, Expr)>();
        while (!IsPunct(")"))
        {
            if (Current is { Kind: TokenKind.Name } n && _pos + 1 < _tokens.Count && _tokens[_pos + 1] is { Kind: TokenKind.Punct, Value: "=" })
            {
                _pos += 2;
                keyword.Add((n.Value, ParseExpression()));
            }
            else if (keyword.Count > 0) throw new TemplateError("a positional argument follows a keyword argument", Line);
            else positional.Add(ParseExpression());
            if (!IsPunct(")")) Expect(TokenKind.Punct, ",", "',' or ')' in the argument list");
        }
        _pos++;
        return new Arguments(positional, keyword);
    }

    private Expr ParsePrimary()
    {
        var t = Next();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        switch (t.Kind)
        {
            case TokenKind.Integer: return new LiteralExpr(t.Line, long.Parse(t.Value, inv));
            case TokenKind.Float: return new LiteralExpr(t.Line, double.Parse(t.Value, inv));
            case TokenKind.String:
                var s = t.Value;
                while (Current is { Kind: TokenKind.String } more) { s += more.Value; _pos++; }
                return new LiteralExpr(t.Line, s);
            case TokenKind.Name:
                return new NameExpr(t.Line, t.Value);
            case TokenKind.Punct when t.Value == "(":
                if (IsPunct(")")) { _pos++; return new ListExpr(t.Line, [], true); }
                var inner = ParseTuple();
                Expect(TokenKind.Punct, ")", "')'");
                return inner;
            case TokenKind.Punct when t.Value == "[":
                var items = new List<Expr>();
                while (!IsPunct("]"))
                {
                    items.Add(ParseExpression());
                    if (!IsPunct("]")) Expect(TokenKind.Punct, ",", "',' or ']' in a list");
                }
                _pos++;
                return new ListExpr(t.Line, items, false);
            case TokenKind.Punct when t.Value == "{":
                var pairs = new List<(Expr, Expr)>();
                while (!IsPunct("}"))
                {
                    var key = ParseExpression();
                    Expect(TokenKind.Punct, ":", "':' between a key and its value");
                    pairs.Add((key, ParseExpression()));
                    if (!IsPunct("}")) Expect(TokenKind.Punct, ",", "',' or '}' in a dict");
                }
                _pos++;
                return new DictExpr(t.Line, pairs);
            default:
                throw new TemplateError($"unexpected {Describe(t)} in an expression", t.Line);
        }
    }
}
