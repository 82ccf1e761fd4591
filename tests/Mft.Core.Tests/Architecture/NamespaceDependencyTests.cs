using System.Reflection;

namespace Mft.Tests.Architecture;

/// <summary>
/// The library's namespaces form layers (docs/architecture.md): no namespace depends, directly or through others, on one
/// that depends on it. Dependencies are read from the compiled assembly, signatures and method bodies (IL) alike, so a
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
}
