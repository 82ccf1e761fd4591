using System.Text;
using Mft.Chat;
using Mft.Data;
using Mft.Models;
using Mft.Tokenization;
using Mft.Training;
using Mft.Jobs;

namespace Mft.Tests.Chat;

/// <summary>Conversations as training data: rendering, assistant-only masks written out by hand, errors, and an MFT run.</summary>
public sealed class ChatDataTests
{
    /// <summary>A ChatML template in the style of Qwen's, with a generation prompt.</summary>
    private const string ChatMl =
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}" +
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

    /// <summary>A byte-level tokenizer (one token per byte) with ChatML's special tokens, and a random tiny Llama over it.</summary>
    public static string ChatModel(string? template = ChatMl)
    {
        var dir = TempDir.Create("chat-model");
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        var json = ByteLevelBpeJson.Build(tokens, [], [("<|endoftext|>", 256), ("<|im_start|>", 257), ("<|im_end|>", 258)]);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        var tokenizerConfig = new System.Text.Json.Nodes.JsonObject { ["eos_token"] = "<|im_end|>" };
        if (template is not null) tokenizerConfig["chat_template"] = template;
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), tokenizerConfig.ToJsonString());
        var config = TinyModels.LlamaJson(vocab: 259, hidden: 32, layers: 2);
        using var model = TinyModels.Random(config, 1);
        ModelFactory.Save(model, dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), config);
        return dir;
    }

    private static readonly ChatMessage[] TwoTurns =
    [
        new("system", "Be brief."), new("user", "hi"), new("assistant", "yo"), new("user", "more?"), new("assistant", "ok!"),
    ];

    [Fact]
    public void Should_score_every_assistant_turn_and_its_end_of_turn_tokens_only()
    {
        // Given a byte-level tokenizer, so every character is one token and each special token is one token
        var dir = ChatModel();
        using var tokenizer = TokenizerFactory.Load(dir);
        var format = ChatFormat.Load(dir)!;

        // When a two-turn conversation with a system prompt is encoded
        var encoded = ChatEncoder.Encode(tokenizer, format, TwoTurns, "test:1");

        // Then the tokens and the mask are these, written out by hand (1 = scored)
        (string Text, int Scored)[] expected =
        [
            ("<|im_start|>", 0), ("system\nBe brief.", 0), ("<|im_end|>", 0), ("\n", 0),
            ("<|im_start|>", 0), ("user\nhi", 0), ("<|im_end|>", 0), ("\n", 0),
            ("<|im_start|>", 0), ("assistant\n", 0), ("yo", 1), ("<|im_end|>", 1), ("\n", 1),
            ("<|im_start|>", 0), ("user\nmore?", 0), ("<|im_end|>", 0), ("\n", 0),
            ("<|im_start|>", 0), ("assistant\n", 0), ("ok!", 1), ("<|im_end|>", 1), ("\n", 1),
        ];
        var ids = new List<int>();
        var mask = new List<int>();
        foreach (var (text, scored) in expected)
        {
            int[] part = text switch
            {
                "<|im_start|>" => [257],
                "<|im_end|>" => [258],
                _ => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray(),
            };
            ids.AddRange(part);
            mask.AddRange(part.Select(_ => scored));
        }
        Assert.Equal(ids, encoded.Ids);
        Assert.Equal(mask, encoded.ScoreMask);
    }

    [Fact]
    public void Should_find_assistant_turns_when_the_template_writes_history_differently_from_the_last_turn()
    {
        // Given a template that, like Qwen3's, writes an empty think block only in the last assistant turn
        const string template =
            "{% for m in messages %}<|im_start|>{{ m.role }}\n{% if m.role == 'assistant' and loop.last %}<think></think>{% endif %}" +
            "{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
        var dir = ChatModel(template);
        var format = ChatFormat.Load(dir)!;
        var rendered = format.Render(TwoTurns, false);

        // When the assistant spans are found
        var spans = AssistantSpans.Find(format, TwoTurns, rendered, "test:1");

        // Then the first covers its reply and end of turn; the last starts after the prompt the template writes
        // for generation, so its think block is scored with the reply, as the model must produce it
        Assert.Equal(["yo<|im_end|>\n", "<think></think>ok!<|im_end|>\n"], spans.Select(s => rendered[s.Start..s.End]));
    }

    [Fact]
    public void Should_name_the_file_and_line_of_a_conversation_without_an_assistant_turn()
    {
        var path = Path.Combine(TempDir.Create("chat-bad"), "chat.jsonl");
        File.WriteAllLines(path, [
            """{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}""",
            """{"messages": [{"role": "user", "content": "only a question"}]}""",
        ]);
        var e = Assert.Throws<MftException>(() => SampleReader.Read(path));
        Assert.Contains($"{path}:2", e.Message);
        Assert.Contains("no assistant turn", e.Message);

        File.WriteAllLines(path, ["""{"messages": [{"role": "robot", "content": "a"}]}"""]);
        e = Assert.Throws<MftException>(() => SampleReader.Read(path));
        Assert.Contains($"{path}:1", e.Message);
        Assert.Contains("role", e.Message);
    }

    [Fact]
    public void Should_name_the_line_when_the_template_rejects_a_conversation()
    {
        // Given a template that raises unless the conversation starts with a user turn
        var dir = ChatModel("{% if messages[0].role != 'user' %}{{ raise_exception('Conversations must start with a user turn') }}{% endif %}" + ChatMl);
        using var tokenizer = TokenizerFactory.Load(dir);
        var format = ChatFormat.Load(dir)!;
        var e = Assert.Throws<MftException>(() => ChatEncoder.Encode(tokenizer, format, TwoTurns, "data.jsonl:7"));
        Assert.Contains("data.jsonl:7", e.Message);
        Assert.Contains("Conversations must start with a user turn", e.Message);
    }

    [Fact]
    public void Should_ask_for_a_template_when_the_model_has_none()
    {
        // Given a model without a chat template, and conversation data
        var dir = ChatModel(template: null);
        Assert.Null(ChatFormat.Load(dir));
        var data = Path.Combine(TempDir.Create("chat-none"), "chat.jsonl");
        File.WriteAllLines(data, Enumerable.Repeat("""{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}""", 20));

        // Then training says which row and how to give one
        var e = Assert.Throws<MftException>(() => new FinetuneJob(new FinetuneJobConfig
        {
            ModelDirectory = dir, DataPath = data, OutputDirectory = Path.Combine(TempDir.Create("chat-none-out"), "out"),
            Trainer = new TrainerConfig { Method = "ft", MaxSteps = 1, ContextLength = 32, BatchSize = 2 },
        }).Run());
        Assert.Contains($"{data}:", e.Message);
        Assert.Contains("chat_template FILE", e.Message);   // the option by its key (mft prints --chat-template)
    }

    [Fact]
    public void Should_lower_the_domain_loss_on_assistant_tokens_with_mft()
    {
        // Given conversations whose replies follow a pattern the random model does not know
        var model = ChatModel();
        var data = Path.Combine(TempDir.Create("chat-data"), "chat.jsonl");
        var rng = new Random(5);
        string[] animals = ["cat", "dog", "bird"], places = ["mat", "tree", "door"];
        File.WriteAllLines(data, Enumerable.Range(0, 80).Select(_ =>
        {
            var a = animals[rng.Next(3)];
            var p = places[rng.Next(3)];
            return System.Text.Json.JsonSerializer.Serialize(new
            {
                messages = new[] { new { role = "user", content = $"where is the {a}?" }, new { role = "assistant", content = $"the {a} is by the {p}." } },
            });
        }));
        var outDir = Path.Combine(TempDir.Create("chat-job"), "out");

        // When MFT trains on them
        var result = new FinetuneJob(new FinetuneJobConfig
        {
            ModelDirectory = model, DataPath = data, OutputDirectory = outDir,
            Trainer = new TrainerConfig
            {
                Method = "mft", Tau = 0.3, MaxSteps = 15, LearningRate = 3e-3, WarmupSteps = 2, BatchSize = 4,
                ContextLength = 64, EvalEvery = 5, Seed = 3, LossChunkTokens = 40,
            },
        }).Run();

        // Then the domain perplexity, measured on the assistant tokens of held-out conversations, falls
        Assert.True(result.Final.Report.Specialization > 0.05,
            $"domain ppl {result.Final.Report.DomainBase} -> {result.Final.Report.Domain}");
    }
}
