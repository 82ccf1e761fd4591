namespace Mft.Chat.Jinja;

/// <summary>The tests of <c>value is [not] name</c>.</summary>
internal static partial class Builtins
{
    public static bool ApplyTest(string name, object? v, CallArgs a) => name switch
    {
        "defined" => v is not Undefined,
        "undefined" => v is Undefined,
        "none" => v is null,
        "string" => v is string,
        "number" => v is long or double,
        "integer" => v is long,
        "float" => v is double,
        "boolean" => v is bool,
        "true" => v is true,
        "false" => v is false,
        "mapping" => v is Dict,
        "iterable" => v is List<object?> or string or Dict,
        "sequence" => v is List<object?> or string or Dict,
        "callable" => v is Callable,
        "odd" => v is long o ? o % 2 != 0 : throw new TemplateError($"test 'odd' needs an integer, not {Interpreter.Article(v)}"),
        "even" => v is long e ? e % 2 == 0 : throw new TemplateError($"test 'even' needs an integer, not {Interpreter.Article(v)}"),
        "divisibleby" => v is long n && a.At(0, "num") is long m && m != 0 ? n % m == 0 : throw new TemplateError("test 'divisibleby' needs integers"),
        "lower" => v is string s && s == s.ToLowerInvariant(),
        "upper" => v is string u && u == u.ToUpperInvariant(),
        "equalto" or "eq" or "==" => Operators.AreEqual(v, a.At(0, "other")),
        "ne" or "!=" => !Operators.AreEqual(v, a.At(0, "other")),
        "in" => Operators.Binary("in", v, a.At(0, "seq")) is true,
        "sameas" => ReferenceEquals(v, a.At(0, "other")) || (v is null && a.At(0, "other") is null) || (v is bool b && a.At(0, "other") is bool c && b == c),
        _ => throw new TemplateError($"unknown test '{name}'"),
    };
}
