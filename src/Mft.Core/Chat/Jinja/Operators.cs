using System.Globalization;

namespace Mft.Chat.Jinja;

/// <summary>Binary operators other than <c>and</c>/<c>or</c> (which short-circuit in the interpreter).</summary>
internal static class Operators
{
    public static object? Binary(string op, object? left, object? right)
    {
        switch (op)
        {
            case "==": return AreEqual(left, right);
            case "!=": return !AreEqual(left, right);
            case "in": return Contains(right, left);
            case "not in": return !Contains(right, left);
            case "~": return TemplateLimits.Concat(Value.Concat(left), Value.Concat(right));
        }
        if (left is Undefined || right is Undefined) throw new TemplateError($"cannot apply '{op}' to an undefined value");
        if (left is null || right is null) throw new TemplateError($"cannot apply '{op}' to none");

        if (IsNumber(left) && IsNumber(right))
        {
            bool isFloat = left is double || right is double;
            double a = ToDouble(left), b = ToDouble(right);
            switch (op)
            {
                case "<": return a < b;
                case ">": return a > b;
                case "<=": return a <= b;
                case ">=": return a >= b;
                case "/":
                    if (b == 0) throw new TemplateError("division by zero");
                    return a / b;
            }
            if (!isFloat && left is long x && right is long y)
            {
                switch (op)
                {
                    case "+": return x + y;
                    case "-": return x - y;
                    case "*": return x * y;
                    case "//":
                        if (y == 0) throw new TemplateError("division by zero");
                        return (long)Math.Floor((double)x / y);
                    case "%":
                        if (y == 0) throw new TemplateError("division by zero");
                        return x % y;
                    case "**":
                        if (y < 0) return Math.Pow(x, y);
                        return (long)Math.Pow(x, y);
                }
            }
            switch (op)
            {
                case "+": return a + b;
                case "-": return a - b;
                case "*": return a * b;
                case "//": return Math.Floor(a / b);
                case "%": return a % b;
                case "**": return Math.Pow(a, b);
            }
        }
        if (op == "+" && left is List<object?> l1 && right is List<object?> l2)
        {
            TemplateLimits.CheckListLength((long)l1.Count + l2.Count, "a concatenated list");
            return l1.Concat(l2).ToList();
        }
        if (op == "+" && (left is string || right is string)) return TemplateLimits.Concat(Value.Concat(left), Value.Concat(right));
        throw new TemplateError($"cannot apply '{op}' to {Interpreter.Article(left)} and {Interpreter.Article(right)}");
    }

    private static bool IsNumber(object? v) => v is long or double;
    private static double ToDouble(object? v) => v switch { long l => l, double d => d, bool b => b ? 1 : 0, _ => double.NaN };

    /// <summary>
    /// Equality as @huggingface/jinja computes it: numbers and booleans by value (true == 1), strings by content,
    /// none equals undefined, lists, dicts and namespaces by identity.
    /// </summary>
    public static bool AreEqual(object? a, object? b)
    {
        if (a is null or Undefined || b is null or Undefined) return a is null or Undefined && b is null or Undefined;
        if (a is string sa && b is string sb) return sa == sb;
        if (a is long or double or bool && b is long or double or bool) return ToDouble(a) == ToDouble(b);
        if (a is string s1 && b is long or double or bool) return StringAsNumber(s1) == ToDouble(b);
        if (b is string s2 && a is long or double or bool) return StringAsNumber(s2) == ToDouble(a);
        return ReferenceEquals(a, b);
    }

    private static double StringAsNumber(string s)
    {
        var t = JsText.Trim(s);
        if (t.Length == 0) return 0;
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
    }

    /// <summary>Strict equality, used by <c>in</c> on lists: same kind and value (an integer and an equal float match).</summary>
    private static bool StrictlyEqual(object? a, object? b) => (a, b) switch
    {
        (null, null) or (Undefined, Undefined) => true,
        (string x, string y) => x == y,
        (bool x, bool y) => x == y,
        (long or double, long or double) => ToDouble(a) == ToDouble(b),
        _ => ReferenceEquals(a, b),
    };

    private static bool Contains(object? container, object? item) => container switch
    {
        Undefined => false,
        List<object?> list => list.Any(x => StrictlyEqual(x, item)),
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        Dict d when item is string key => d.ContainsKey(key),
        _ => throw new TemplateError($"cannot test whether {Interpreter.Article(item)} is in {Interpreter.Article(container)}"),
    };
}
