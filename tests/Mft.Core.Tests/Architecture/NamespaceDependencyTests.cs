using System.Reflection;
using System.Text.RegularExpressions;
using Mft.Tests.Packaging;

namespace Mft.Tests.Architecture;

/// <summary>
/// The library's namespaces form layers (docs/architecture.md): each namespace depends only on those its row of the
/// layer table allows (<see cref="LayerTable"/>), and none depends, directly or through others, on one that depends on it. Dependencies are read from the compiled assembly, signatures and method bodies (IL) alike, so a
/// reference the source spells with a qualified name or through a lambda counts too.
/// </summary>
public sealed class NamespaceDependencyTests
{
    private static readonly Assembly Core = typeof(Mft.MftException).Assembly;

    [Fact]
    public void Should_have_no_cycle_between_the_library_namespaces()
    {
        // Given the dependencies between Mft.Core's namespaces (Mft.X and everything under it as one unit)
        var graph = DependencyGraph();
        Assert.Contains("Mft.Training", graph.Keys);           // the reader sees the assembly
        Assert.Contains(graph["Mft.Jobs"], e => e.To == "Mft.Models");   // and the references in method bodies
        // When its strongly connected components are found
        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).ToList();
        // Then each namespace is its own component
        Assert.True(cycles.Count == 0, string.Join("; ", cycles.Select(c => string.Join(" <-> ", c.Order()) + ": " + Witness(graph, c))));
    }

    [Fact]
    public void Should_depend_only_on_what_the_layer_table_of_docs_architecture_allows()
    {
        // Given the layer table of docs/architecture.md and the dependencies of the compiled assembly
        var table = LayerTable.Read(Path.Combine(Repository.Root, "docs", "architecture.md"));
        var graph = DependencyGraph();
        // Then every namespace is in the table, and every dependency is one its row allows
        Assert.DoesNotContain(graph.Keys, n => !table.Layers.ContainsKey(n));
        var forbidden = table.Violations(graph).ToList();
        Assert.True(forbidden.Count == 0, "dependencies the layer table forbids: " + string.Join("; ", forbidden));
    }

    [Fact]
    public void Should_find_a_dependency_the_layer_table_forbids()
    {
        // Given the real table with Jobs moved below Training, which it uses
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "architecture.md"))
            .Replace("| 7 | `Jobs` |", "| 5 | `Jobs` |", StringComparison.Ordinal);
        var table = LayerTable.Parse(text, "edited architecture.md");
        // Then the check names the use of Training by Jobs
        Assert.Contains(table.Violations(DependencyGraph()), v => v.StartsWith("Mft.Jobs -> Mft.Training", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_read_same_layer_uses_from_the_uses_column()
    {
        // Given a table where B and C share a layer and only C may use B
        var table = LayerTable.Parse("""
            | layer | namespace (folder) | what it is | uses |
            |---|---|---|---|
            | 0 | `A` | a | nothing |
            | 1 | `B`, `C` | b and c | A, B (C) |
            """, "t.md");
        var graph = new Dictionary<string, HashSet<(string To, string Via)>>
        {
            ["Mft.C"] = [("Mft.B", "c uses b"), ("Mft.A", "c uses a")], ["Mft.B"] = [("Mft.C", "b uses c")], ["Mft.A"] = [],
        };
        // Then only B's use of C is refused
        Assert.Equal(["Mft.B -> Mft.C (b uses c)"], table.Violations(graph));
    }

    [Fact]
    public void Should_find_a_cycle_when_there_is_one()
    {
        // Given a graph with a three-namespace cycle and a leaf
        var graph = new Dictionary<string, HashSet<(string To, string Via)>>
        {
            ["A"] = [("B", "a")], ["B"] = [("C", "b")], ["C"] = [("A", "c"), ("D", "d")], ["D"] = [],
        };
        // Then the cycle is one component and the leaf another
        var components = StronglyConnected(graph).Select(c => string.Join(",", c.Order())).Order().ToList();
        Assert.Equal(["A,B,C", "D"], components);
    }

    /// <summary>Namespace unit → (namespace unit it uses, the member that uses it).</summary>
    private static Dictionary<string, HashSet<(string To, string Via)>> DependencyGraph()
    {
        var graph = new Dictionary<string, HashSet<(string, string)>>();
        foreach (var type in Core.GetTypes())
        {
            var from = Unit(type);
            if (from is null) continue;
            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = [];
            void Use(Type? t, string via)
            {
                if (t is null) return;
                if (t.HasElementType) { Use(t.GetElementType(), via); return; }
                if (t.IsGenericType && !t.IsGenericTypeDefinition) foreach (var a in t.GetGenericArguments()) Use(a, via);
                if (t.IsGenericParameter || t.Assembly != Core) return;
                var to = Unit(t);
                if (to is not null && to != from) edges.Add((to, $"{type.FullName}.{via} uses {t.FullName}"));
            }
            Use(type.BaseType, "base");
            foreach (var i in type.GetInterfaces()) Use(i, "interface");
            foreach (var f in type.GetFields(MethodBodyReader.Declared)) Use(f.FieldType, f.Name);
            foreach (var p in type.GetProperties(MethodBodyReader.Declared)) Use(p.PropertyType, p.Name);
            foreach (var m in MethodBodyReader.MethodsOf(type))
            {
                if (m is MethodInfo mi) Use(mi.ReturnType, m.Name);
                foreach (var p in m.GetParameters()) Use(p.ParameterType, m.Name);
                foreach (var t in TypesInBody(m)) Use(t, m.Name);
            }
        }
        return graph;
    }

    /// <summary>Mft.X for a type in Mft.X or under it; "Mft" for the root; null for compiler-generated types without a namespace.</summary>
    private static string? Unit(Type t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;   // closures and nested types belong to their outer type
        if (t.Namespace is null || !(t.Namespace == "Mft" || t.Namespace.StartsWith("Mft.", StringComparison.Ordinal))) return null;
        var parts = t.Namespace.Split('.');
        return parts.Length == 1 ? "Mft" : $"{parts[0]}.{parts[1]}";
    }

    /// <summary>The declaring types of every method, field and type token in a method body.</summary>
    private static IEnumerable<Type> TypesInBody(MethodBase method)
    {
        foreach (var member in MethodBodyReader.MembersIn(method))
            switch (member)
            {
                case Type t: yield return t; break;
                case MethodBase m:
                    yield return m.DeclaringType!;
                    if (m is MethodInfo { IsGenericMethod: true } g) foreach (var a in g.GetGenericArguments()) yield return a;
                    break;
                case FieldInfo f: yield return f.DeclaringType!; break;
            }
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<(string To, string Via)>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v, []).Select(e => e.To).Distinct())
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            components.Add(component);
        }
        foreach (var v in graph.Keys.Order()) if (!index.ContainsKey(v)) Visit(v);
        return components;
    }

    /// <summary>One reference per edge inside a cycle, to say where to look.</summary>
    private static string Witness(Dictionary<string, HashSet<(string To, string Via)>> graph, List<string> component) =>
        string.Join(", ", component.SelectMany(a => graph[a].Where(e => component.Contains(e.To)).GroupBy(e => e.To).Select(g => g.First().Via)));

    /// <summary>
    /// The layer table of docs/architecture.md: a namespace may use any namespace of a lower layer, and one of its own
    /// layer only when its row's "uses" column names it (<c>Adapters (Export)</c>: only Export may use Adapters).
    /// </summary>
    private sealed record LayerTable(IReadOnlyDictionary<string, int> Layers, IReadOnlyDictionary<string, IReadOnlySet<string>> SameLayerUses)
    {
        public static LayerTable Read(string path) => Parse(File.ReadAllText(path), path);

        public static LayerTable Parse(string markdown, string source)
        {
            var layers = new Dictionary<string, int>();
            var uses = new Dictionary<string, IReadOnlySet<string>>();
            foreach (var line in markdown.Split('\n').Select(l => l.Trim()))
            {
                var cells = line.Split('|', StringSplitOptions.TrimEntries);
                if (cells.Length < 6 || !int.TryParse(cells[1], out var layer)) continue;   // | layer | namespaces | what | uses |
                var names = Regex.Matches(cells[2], "`([A-Za-z.]+)`").Select(m => Unit(m.Groups[1].Value)).ToList();
                if (names.Count == 0) throw new InvalidOperationException($"{source}: layer row without a namespace: {line}");
                foreach (var n in names) layers[n] = layer;
                foreach (Match use in Regex.Matches(cells[4], @"([A-Za-z]+)(?:\s*\(([^)]*)\))?"))
                {
                    if (use.Groups[1].Value == "nothing") continue;
                    var users = use.Groups[2].Success ? use.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries).Select(Unit) : names;
                    foreach (var user in users)
                        uses[user] = new HashSet<string>(uses.GetValueOrDefault(user, new HashSet<string>())) { Unit(use.Groups[1].Value) };
                }
            }
            if (layers.Count == 0) throw new InvalidOperationException($"{source}: no layer table found");
            return new LayerTable(layers, uses);
        }

        /// <summary>Each dependency of <paramref name="graph"/> the table does not allow, with the member that makes it.</summary>
        public IEnumerable<string> Violations(Dictionary<string, HashSet<(string To, string Via)>> graph) =>
            from user in graph.Keys.Order()
            from edge in graph[user].GroupBy(e => e.To).Select(g => g.OrderBy(e => e.Via, StringComparer.Ordinal).First()).OrderBy(e => e.To, StringComparer.Ordinal)
            where !Allows(user, edge.To)
            select $"{user} -> {edge.To} ({edge.Via})";

        private bool Allows(string from, string to) =>
            Layers.TryGetValue(from, out var a) && Layers.TryGetValue(to, out var b)
            && (b < a || b == a && SameLayerUses.GetValueOrDefault(from)?.Contains(to) == true);

        private static string Unit(string name) => name == "Mft" ? "Mft" : "Mft." + name;
    }
}
