using System.Text;

namespace Mft.Chat.Jinja;

/// <summary>
/// Evaluates a parsed template against a scope and returns the rendered text, within <see cref="TemplateLimits"/>:
/// every statement, expression and loop iteration is a step of its <see cref="RenderBudget"/>, and so is every
/// list item or <see cref="TemplateLimits.CharactersPerStep"/> characters an operation builds or searches.
/// </summary>
internal sealed class Interpreter
{
    private sealed class BreakSignal : Exception;
    private sealed class ContinueSignal : Exception;

    /// <summary>What this interpreter's renderings have spent.</summary>
    public RenderBudget Budget { get; } = new();

    public string Run(IReadOnlyList<Node> program, Scope scope)
    {
        var output = new BoundedText("the rendered text");
        ExecuteBlock(program, scope, output);
        return output.ToString();
    }

    /// <summary>Appends to the rendered text (or a macro's or set block's), counting its length as work.</summary>
    private void Write(BoundedText output, string text)
    {
        Budget.ChargeSize(text);
        output.Append(text);
    }

    private void ExecuteBlock(IReadOnlyList<Node> nodes, Scope scope, BoundedText output)
    {
        foreach (var node in nodes) Execute(node, scope, output);
    }

    private void Execute(Node node, Scope scope, BoundedText output)
    {
        try
        {
            using var level = Budget.Enter();
            Budget.Step();
            switch (node)
            {
                case TextNode t: Write(output, t.Text); break;
                case OutputNode o: Write(output, Value.Render(Evaluate(o.Value, scope))); break;
                case IfNode i: ExecuteBlock(Value.Truthy(Evaluate(i.Test, scope)) ? i.Body : i.Else, scope, output); break;
                case ForNode f: ExecuteFor(f, scope, output); break;
                case BlockNode b: ExecuteBlock(b.Body, scope, output); break;
                case SetNode s: ExecuteSet(s, scope); break;
                case MacroNode m: scope.Set(m.Name, MakeMacro(m)); break;
                case LoopControlNode l: throw l.IsBreak ? new BreakSignal() : new ContinueSignal();
                default: throw new TemplateError($"cannot execute a {node.GetType().Name}", node.Line);
            }
        }
        catch (TemplateError e) when (e.Line == 0) { e.Line = node.Line; throw; }
    }

    private void ExecuteFor(ForNode f, Scope scope, BoundedText output)
    {
        var loopScope = new Scope(scope);
        var iterable = Evaluate(f.Iterable, loopScope, keepRangeLazy: true);
        IReadOnlyList<object?> items = iterable switch
        {
            IntegerRange range => range,
            List<object?> list => list,
            Dict dict => dict.Keys.Cast<object?>().ToList(),
            _ => throw new TemplateError($"cannot loop over a {Value.TypeName(iterable)}", f.Line),
        };
        if (f.Filter is not null)
        {
            var kept = new List<object?>();
            foreach (var item in items)
            {
                Budget.Charge(TemplateLimits.StepsPerLoopIteration);
                var testScope = new Scope(loopScope);
                Bind(f, item, testScope);
                if (Value.Truthy(Evaluate(f.Filter, testScope))) kept.Add(item);
            }
            items = kept;
        }
        bool iterated = false;
        for (int i = 0; i < items.Count; i++)
        {
            Budget.Charge(TemplateLimits.StepsPerLoopIteration);
            loopScope.Set("loop", new Dict
            {
                ["index"] = (long)(i + 1), ["index0"] = (long)i,
                ["revindex"] = (long)(items.Count - i), ["revindex0"] = (long)(items.Count - i - 1),
                ["first"] = i == 0, ["last"] = i == items.Count - 1, ["length"] = (long)items.Count,
                ["previtem"] = i > 0 ? items[i - 1] : Undefined.Instance,
                ["nextitem"] = i < items.Count - 1 ? items[i + 1] : Undefined.Instance,
            });
            Bind(f, items[i], loopScope);
            try { ExecuteBlock(f.Body, loopScope, output); }
            catch (ContinueSignal) { continue; }
            catch (BreakSignal) { break; }
            iterated = true;
        }
        if (!iterated) ExecuteBlock(f.Else, loopScope, output);
    }

    private static void Bind(ForNode f, object? item, Scope scope)
    {
        if (f.Targets.Count == 1) { scope.Set(f.Targets[0], item); return; }
        if (item is not List<object?> parts) throw new TemplateError($"cannot unpack a {Value.TypeName(item)} into {f.Targets.Count} loop variables", f.Line);
        if (parts.Count != f.Targets.Count) throw new TemplateError($"cannot unpack {parts.Count} values into {f.Targets.Count} loop variables", f.Line);
        for (int i = 0; i < parts.Count; i++) scope.Set(f.Targets[i], parts[i]);
    }

    private void ExecuteSet(SetNode s, Scope scope)
    {
        object? value;
        if (s.Value is not null) value = Evaluate(s.Value, scope);
        else
        {
            var text = new BoundedText("the text of a set block");
            ExecuteBlock(s.Body, scope, text);
            value = text.ToString();
        }
        switch (s.Target)
        {
            case NameExpr n: scope.Set(n.Name, value); break;
            case ListExpr { IsTuple: true } tuple:
                if (value is not List<object?> parts || parts.Count != tuple.Items.Count)
                    throw new TemplateError($"cannot unpack a {Value.TypeName(value)} into {tuple.Items.Count} names", s.Line);
                for (int i = 0; i < parts.Count; i++)
                    scope.Set(tuple.Items[i] is NameExpr n ? n.Name : throw new TemplateError("can unpack only into names", s.Line), parts[i]);
                break;
            case MemberExpr { Key: LiteralExpr { Value: string attr } } m:
                if (Evaluate(m.Object, scope) is not Namespace ns) throw new TemplateError($"cannot set attribute '{attr}': only a namespace() object accepts attribute assignment", s.Line);
                ns.Attributes[attr] = value;
                break;
        }
    }

    private Callable MakeMacro(MacroNode m) => new(m.Name, (args, caller) =>
    {
        using var call = Budget.EnterMacro(m.Name);
        var scope = new Scope(caller);
        if (args.Positional.Count > m.Parameters.Count) throw new TemplateError($"macro '{m.Name}' takes at most {m.Parameters.Count} argument(s)", m.Line);
        var pending = new List<(string, Expr)>();
        for (int i = 0; i < m.Parameters.Count; i++)
        {
            var (name, def) = m.Parameters[i];
            object? v = i < args.Positional.Count ? args.Positional[i] : args.Keyword.TryGetValue(name, out var kw) ? kw : Undefined.Instance;
            if (v is Undefined && def is not null && !(i < args.Positional.Count)) pending.Add((name, def));
            scope.Set(name, v);
        }
        foreach (var key in args.Keyword.Keys)
            if (!m.Parameters.Any(p => p.Name == key)) throw new TemplateError($"macro '{m.Name}' takes no keyword argument '{key}'", m.Line);
        foreach (var (name, def) in pending) scope.Set(name, Evaluate(def, scope));
        var text = new BoundedText($"the text of macro '{m.Name}'");
        ExecuteBlock(m.Body, scope, text);
        return text.ToString();
    });

    // ---- Expressions ----

    /// <summary>
    /// The value of <paramref name="expr"/>. A <c>range()</c> becomes a list unless <paramref name="keepRangeLazy"/>
    /// (a <c>for</c> loop's iterable, read item by item).
    /// </summary>
    private object? Evaluate(Expr expr, Scope scope, bool keepRangeLazy = false)
    {
        try
        {
            using var level = Budget.Enter();
            Budget.Step();
            var value = EvaluateCore(expr, scope);
            if (expr is not (LiteralExpr or NameExpr or MemberExpr)) Budget.ChargeSize(value);
            return value is IntegerRange range && !keepRangeLazy ? range.ToList() : value;
        }
        catch (TemplateError e) when (e.Line == 0) { e.Line = expr.Line; throw; }
    }

    private object? EvaluateCore(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case LiteralExpr l: return l.Value;
            case NameExpr n:
                return n.Name switch
                {
                    "true" or "True" => true,
                    "false" or "False" => false,
                    "none" or "None" => null,
                    _ => scope.Lookup(n.Name),
                };
            case ListExpr l: return l.Items.Select(i => Evaluate(i, scope)).ToList();
            case DictExpr d:
                var dict = new Dict();
                foreach (var (k, v) in d.Items)
                {
                    var key = Evaluate(k, scope);
                    dict[key as string ?? throw new TemplateError($"a dict key must be a string, not a {Value.TypeName(key)}")] = Evaluate(v, scope);
                }
                return dict;
            case MemberExpr m:
                var target = Evaluate(m.Object, scope);
                var member = Builtins.GetMember(target, Evaluate(m.Key, scope));
                if (member is Callable) Budget.ChargeSize(target); // a method reads its string or dict
                return member;
            case SliceExpr s:
                var sliced = Evaluate(s.Object, scope);
                Budget.ChargeSize(sliced);
                return Slice(sliced, EvalIndex(s.Start, scope), EvalIndex(s.Stop, scope), EvalIndex(s.Step, scope));
            case CallExpr c:
                var args = EvaluateArgs(c.Args, scope);
                var callee = Evaluate(c.Callee, scope);
                if (callee is not Callable fn) throw new TemplateError($"cannot call {Describe(c.Callee)}: it is {Article(callee)}");
                return fn.Invoke(args, scope);
            case FilterExpr f:
                var input = Evaluate(f.Operand, scope);
                // What a filter builds is counted as its result; these also search through their input
                if (f.Name is "selectattr" or "rejectattr") Budget.ChargeSize(input);
                if (f.Name == "unique" && input is List<object?> all) Budget.ChargeComparisons(all.Count);
                return Builtins.ApplyFilter(f.Name, input, EvaluateArgs(f.Args, scope));
            case TestExpr t:
                var tested = Evaluate(t.Operand, scope);
                if (tested is string) Budget.ChargeSize(tested); // 'lower' and 'upper' read all of it
                bool result = Builtins.ApplyTest(t.Name, tested, EvaluateArgs(t.Args, scope));
                return t.Negated ? !result : result;
            case UnaryExpr u:
                var operand = Evaluate(u.Operand, scope);
                if (u.Op == "not") return !Value.Truthy(operand);
                return operand switch
                {
                    long l => (object)(u.Op == "-" ? -l : l),
                    double d => u.Op == "-" ? -d : d,
                    bool b => u.Op == "-" ? -(b ? 1L : 0L) : b ? 1L : 0L,
                    _ => throw new TemplateError($"unary '{u.Op}' needs a number, not {Article(operand)}"),
                };
            case TernaryExpr t:
                if (Value.Truthy(Evaluate(t.Condition, scope))) return Evaluate(t.Then, scope);
                return t.Else is null ? Undefined.Instance : Evaluate(t.Else, scope);
            case BinaryExpr b:
                var left = Evaluate(b.Left, scope);
                if (b.Op == "and") return Value.Truthy(left) ? Evaluate(b.Right, scope) : left;
                if (b.Op == "or") return Value.Truthy(left) ? left : Evaluate(b.Right, scope);
                var right = Evaluate(b.Right, scope);
                if (b.Op is "in" or "not in") Budget.ChargeSize(right); // a search through it
                return Operators.Binary(b.Op, left, right);
            default:
                throw new TemplateError($"cannot evaluate a {expr.GetType().Name}");
        }
    }

    private long? EvalIndex(Expr? e, Scope scope)
    {
        if (e is null) return null;
        var v = Evaluate(e, scope);
        return v switch
        {
            Undefined => null,
            long l => l,
            _ => throw new TemplateError($"a slice bound must be an integer, not {Article(v)}"),
        };
    }

    private CallArgs EvaluateArgs(Arguments args, Scope scope)
    {
        if (args.Positional.Count == 0 && args.Keyword.Count == 0) return new CallArgs([], new Dict());
        var positional = args.Positional.Select(a => Evaluate(a, scope)).ToList();
        var keyword = new Dict();
        foreach (var (name, value) in args.Keyword)
            if (!keyword.TryAdd(name, Evaluate(value, scope))) throw new TemplateError($"keyword argument '{name}' given twice");
        return new CallArgs(positional, keyword);
    }

    /// <summary>Python's slice rules on a list or a string (a string is sliced by code point, as a list of them would be).</summary>
    public static object Slice(object? target, long? start, long? stop, long? step)
    {
        long s = step ?? 1;
        if (s == 0) throw new TemplateError("slice step cannot be zero");
        switch (target)
        {
            case List<object?> list:
                var items = new List<object?>();
                foreach (int i in SliceIndices(list.Count, start, stop, s)) items.Add(list[i]);
                return items;
            case string str:
                var runes = str.EnumerateRunes().ToArray();
                var text = new StringBuilder();
                Span<char> utf16 = stackalloc char[2];
                foreach (int i in SliceIndices(runes.Length, start, stop, s)) text.Append(utf16[..runes[i].EncodeToUtf16(utf16)]);
                return text.ToString();
            default:
                throw new TemplateError($"cannot slice {Article(target)}");
        }
    }

    /// <summary>The indices a slice selects from <paramref name="n"/> items, clamped as Python clamps them.</summary>
    private static IEnumerable<int> SliceIndices(long n, long? start, long? stop, long s)
    {
        long lo, hi;
        if (s > 0)
        {
            lo = start is null ? 0 : start < 0 ? Math.Max(n + start.Value, 0) : Math.Min(start.Value, n);
            hi = stop is null ? n : stop < 0 ? Math.Max(n + stop.Value, 0) : Math.Min(stop.Value, n);
        }
        else
        {
            lo = start is null ? n - 1 : start < 0 ? Math.Max(n + start.Value, -1) : Math.Min(start.Value, n - 1);
            hi = stop is null ? -1 : stop < 0 ? Math.Max(n + stop.Value, -1) : Math.Min(stop.Value, n - 1);
        }
        for (long i = lo; s > 0 ? i < hi : i > hi; i += s) yield return (int)i;
    }

    internal static string Article(object? v) => v switch
    {
        null => "none",
        Undefined => "undefined",
        _ => (Value.TypeName(v) is var t && "aeiou".Contains(t[0]) ? "an " : "a ") + Value.TypeName(v),
    };

    private static string Describe(Expr e) => e switch
    {
        NameExpr n => $"'{n.Name}'",
        MemberExpr { Key: LiteralExpr { Value: string k } } => $"'.{k}'",
        _ => "this expression",
    };
}
