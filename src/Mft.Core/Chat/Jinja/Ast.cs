namespace Mft.Chat.Jinja;

/// <summary>A node of a parsed template; <see cref="Line"/> is where it starts, for error messages.</summary>
internal abstract record Node(int Line);

// ---- Statements ----

/// <summary>Literal text between tags.</summary>
internal sealed record TextNode(int Line, string Text) : Node(Line);

/// <summary><c>{{ expression }}</c>.</summary>
internal sealed record OutputNode(int Line, Expr Value) : Node(Line);

/// <summary><c>{% if %}</c> with its body and the <c>elif</c>/<c>else</c> chain folded into <see cref="Else"/>.</summary>
internal sealed record IfNode(int Line, Expr Test, IReadOnlyList<Node> Body, IReadOnlyList<Node> Else) : Node(Line);

/// <summary><c>{% for targets in iterable [if filter] %}</c> with an optional <c>{% else %}</c> block.</summary>
internal sealed record ForNode(int Line, IReadOnlyList<string> Targets, Expr Iterable, Expr? Filter,
    IReadOnlyList<Node> Body, IReadOnlyList<Node> Else) : Node(Line);

/// <summary><c>{% set target = value %}</c> or the block form <c>{% set target %}body{% endset %}</c>.</summary>
internal sealed record SetNode(int Line, Expr Target, Expr? Value, IReadOnlyList<Node> Body) : Node(Line);

/// <summary><c>{% macro name(params) %}</c>; a parameter's default is null when it has none.</summary>
internal sealed record MacroNode(int Line, string Name, IReadOnlyList<(string Name, Expr? Default)> Parameters,
    IReadOnlyList<Node> Body) : Node(Line);

/// <summary>A block rendered as is: the body of transformers' <c>{% generation %}</c> tag.</summary>
internal sealed record BlockNode(int Line, IReadOnlyList<Node> Body) : Node(Line);

/// <summary><c>{% break %}</c> or <c>{% continue %}</c>.</summary>
internal sealed record LoopControlNode(int Line, bool IsBreak) : Node(Line);

// ---- Expressions ----

/// <summary>An expression node.</summary>
internal abstract record Expr(int Line) : Node(Line);

/// <summary>A string, integer or float literal.</summary>
internal sealed record LiteralExpr(int Line, object Value) : Expr(Line);

/// <summary>A variable name.</summary>
internal sealed record NameExpr(int Line, string Name) : Expr(Line);

/// <summary><c>[a, b]</c> or a tuple <c>(a, b)</c>.</summary>
internal sealed record ListExpr(int Line, IReadOnlyList<Expr> Items, bool IsTuple) : Expr(Line);

/// <summary><c>{key: value, ...}</c>.</summary>
internal sealed record DictExpr(int Line, IReadOnlyList<(Expr Key, Expr Value)> Items) : Expr(Line);

/// <summary><c>object.name</c> or <c>object[key]</c>.</summary>
internal sealed record MemberExpr(int Line, Expr Object, Expr Key) : Expr(Line);

/// <summary><c>object[start:stop:step]</c>; absent parts are null.</summary>
internal sealed record SliceExpr(int Line, Expr Object, Expr? Start, Expr? Stop, Expr? Step) : Expr(Line);

/// <summary>Arguments of a call or filter: positional, then keyword.</summary>
internal sealed record Arguments(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Keyword)
{
    public static readonly Arguments None = new([], []);
}

/// <summary><c>callee(args)</c>.</summary>
internal sealed record CallExpr(int Line, Expr Callee, Arguments Args) : Expr(Line);

/// <summary><c>operand | name(args)</c>.</summary>
internal sealed record FilterExpr(int Line, Expr Operand, string Name, Arguments Args) : Expr(Line);

/// <summary><c>operand is [not] name</c>.</summary>
internal sealed record TestExpr(int Line, Expr Operand, string Name, bool Negated, Arguments Args) : Expr(Line);

/// <summary>A binary operator: arithmetic, <c>~</c>, comparison, <c>in</c>, <c>not in</c>, <c>and</c>, <c>or</c>.</summary>
internal sealed record BinaryExpr(int Line, string Op, Expr Left, Expr Right) : Expr(Line);

/// <summary><c>not x</c>, <c>-x</c> or <c>+x</c>.</summary>
internal sealed record UnaryExpr(int Line, string Op, Expr Operand) : Expr(Line);

/// <summary><c>a if cond else b</c>; without <c>else</c>, <see cref="Else"/> is null and a false condition gives undefined.</summary>
internal sealed record TernaryExpr(int Line, Expr Condition, Expr Then, Expr? Else) : Expr(Line);
