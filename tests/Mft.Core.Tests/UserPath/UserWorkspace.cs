using System.Text.Json;
using Mft.Tests.Packaging;
using YamlDotNet.RepresentationModel;

namespace Mft.Tests.UserPath;

/// <summary>
/// A folder laid out so that the documentation's commands find, word for word, the files they name: a model at
/// <c>path/to/model</c> (the embedded base), an instruct model at <c>path/to/Qwen3-0.6B</c> (the embedded base with a
/// ChatML template), <c>domain.jsonl</c>, <c>general.txt</c>, <c>test.txt</c>, <c>domain-test.txt</c>,
/// <c>chat.jsonl</c>, a <c>data/</c> folder with the embedded corpora and task files cut to their first documents, and
/// <c>sweeps/*.yaml</c>: the repository's sweep files with the same methods over one domain, one small budget, one
/// seed and two steps. Everything is small, so that every documented command runs in seconds.
/// </summary>
public static class UserWorkspace
{
    public const string Model = "path/to/model";
    public const string ChatModel = "path/to/Qwen3-0.6B";
    public const string DomainData = "domain.jsonl";

    /// <summary>A ChatML template in the style of Qwen's (system turn optional, generation prompt on request).</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    public static string Create(string name)
    {
        var dir = TempDir.Create($"user-{name}");
        var repositoryModel = Path.Combine(Repository.Root, "models", "base");
        Directory.CreateDirectory(Path.Combine(dir, "path", "to"));
        Directory.CreateSymbolicLink(Path.Combine(dir, Model), repositoryModel);
        var chat = Directory.CreateDirectory(Path.Combine(dir, ChatModel)).FullName;
        foreach (var f in new[] { "config.json", "model.safetensors", "tokenizer.json" })
            File.CreateSymbolicLink(Path.Combine(chat, f), Path.Combine(repositoryModel, f));
        File.WriteAllText(Path.Combine(chat, "tokenizer_config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["add_bos_token"] = false, ["bos_token"] = "<|endoftext|>", ["eos_token"] = "<|endoftext|>", ["chat_template"] = ChatMlTemplate,
        }));

        foreach (var (corpus, documents) in new[] { ("general/train.txt", 300), ("general/test.txt", 80) }
                     .Concat(new[] { "bible", "jargon", "devil" }.SelectMany(d => new[] { ($"domains/{d}/train.txt", 200), ($"domains/{d}/test.txt", 60) })))
        {
            var target = Path.Combine(dir, "data", corpus);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, string.Join("\n\n", Documents(corpus).Take(documents)) + "\n");
        }
        Directory.CreateDirectory(Path.Combine(dir, "data", "tasks"));   // the task files (sweeps/demo.yaml scores the general task), cut to their first items
        foreach (var task in Directory.GetFiles(Path.Combine(Repository.Root, "data", "tasks"), "*.jsonl"))
            File.WriteAllLines(Path.Combine(dir, "data", "tasks", Path.GetFileName(task)), File.ReadLines(task).Take(20));
        var bible = Documents("domains/bible/train.txt").ToList();
        File.WriteAllLines(Path.Combine(dir, DomainData), bible.Take(60).Select(t => JsonSerializer.Serialize(new { text = t })));
        File.WriteAllText(Path.Combine(dir, "general.txt"), string.Join("\n\n", Documents("general/test.txt").Take(20)));
        File.WriteAllText(Path.Combine(dir, "test.txt"), string.Join("\n\n", Documents("general/test.txt").Skip(20).Take(10)));
        File.WriteAllText(Path.Combine(dir, "domain-test.txt"), string.Join("\n\n", Documents("domains/bible/test.txt").Take(10)));
        File.WriteAllLines(Path.Combine(dir, "chat.jsonl"), bible.Skip(60).Take(40).Select(t => JsonSerializer.Serialize(new
        {
            messages = new[] { new { role = "user", content = "Say a verse." }, new { role = "assistant", content = t } },
        })));

        Directory.CreateDirectory(Path.Combine(dir, "sweeps"));
        foreach (var sweep in Directory.GetFiles(Path.Combine(Repository.Root, "sweeps"), "*.yaml"))
            File.WriteAllText(Path.Combine(dir, "sweeps", Path.GetFileName(sweep)), TinySweep(File.ReadAllText(sweep), dir));
        return dir;
    }

    private static IEnumerable<string> Documents(string corpus) =>
        File.ReadAllText(Path.Combine(Repository.Root, "data", corpus)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The sweep file with its methods kept (each with the first of its learning rates) on a tiny grid.</summary>
    private static string TinySweep(string yaml, string workspace)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        YamlMappingNode Map(string key) => (YamlMappingNode)root.Children[new YamlScalarNode(key)];
        void Set(YamlMappingNode map, string key, YamlNode value) => map.Children[new YamlScalarNode(key)] = value;
        bool Has(string key) => root.Children.ContainsKey(new YamlScalarNode(key));
        YamlSequenceNode One(string value) => new(new YamlScalarNode(value));
        Set(root, "data", new YamlScalarNode(Path.Combine(workspace, "data")));
        Set(root, "grid", new YamlMappingNode(new YamlScalarNode("domain"), One("bible"), new YamlScalarNode("max_samples"), One("16"), new YamlScalarNode("seed"), One("0")));
        Set(root, "domain_test_samples", new YamlScalarNode("8"));
        if (Has("validation_samples")) Set(root, "validation_samples", new YamlScalarNode("4"));
        if (Has("epoch_matched")) Set(root, "epoch_matched", new YamlScalarNode("false"));
        var train = Map("train");
        foreach (var (key, value) in new[] { ("model", Path.Combine(Repository.Root, "models", "base")), ("max_steps", "2"), ("evaluations", "1"),
                                             ("warmup_steps", "1"), ("context", "64"), ("general_max_samples", "8") })
            Set(train, key, new YamlScalarNode(value));
        foreach (var method in Map("methods").Children.Values.Cast<YamlMappingNode>())
            foreach (var (key, value) in method.Children.ToList())
                if (value is YamlSequenceNode values && ((YamlScalarNode)key).Value != "target_modules")
                    method.Children[key] = values.Children[0];   // a grid of values: its first
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
