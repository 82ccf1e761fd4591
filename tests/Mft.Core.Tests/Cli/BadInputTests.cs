using System.Security.Cryptography;
using System.Text;
using Mft.Cli;
using Mft.Checkpoints;

namespace Mft.Tests.Cli;

/// <summary>
/// Every kind of bad input, in one table: each must end the command with a non-zero exit, one clear message
/// naming the file or option and the problem, no stack trace, and no file changed. Add a row to add a case.
/// </summary>
[Collection("console")]
public sealed class BadInputTests
{
    /// <summary>A case: how to break a fresh copy of a good setup, which command to run, what the message must say.</summary>
    public sealed record Case(string Name, Action<Setup> Break, Func<Setup, string[]> Args, string Expected)
    {
        public override string ToString() => Name;
    }

    public sealed class Setup
    {
        public string Model { get; } = TinyCorpus.ModelDirectory();
        public string Data { get; } = TinyCorpus.DomainFile();
        public string Jsonl { get; } = Path.Combine(TempDir.Create("jsonl"), "data.jsonl");
        public string Out { get; } = Path.Combine(TempDir.Create("bad-out"), "out");
        public string Cache { get; } = Path.Combine(TempDir.Create("bad-cache"), "teacher.safetensors");
        public string Adapter { get; } = TempDir.Create("bad-adapter");
        public Setup() => File.WriteAllText(Jsonl, "{\"text\": \"the cat sat\"}\n{\"prompt\": \"q\", \"completion\": \"a\"}\n");
        public string ModelFile(string name) => Path.Combine(Model, name);

        /// <summary>The domain file with one more document: other rows, so another teacher cache fingerprint.</summary>
        public string OtherData()
        {
            var other = Path.Combine(TempDir.Create("other-data"), "other.txt");
            File.WriteAllText(other, File.ReadAllText(Data) + "\n\nthe dog sat on the mat and the cat sat too\n");
            return other;
        }

        public string[] Train(params string[] extra) =>
            ["train", "--model", Model, "--data", Data, "--out", Out, "--max-steps", "1", "--context", "32", .. extra];
        public string[] Perplexity(string data) => ["perplexity", "--model", Model, "--data", data];
    }

    private static void Header(Setup s, string json)
    {
        var h = Encoding.UTF8.GetBytes(json);
        using var fs = File.Create(s.ModelFile("model.safetensors"));
        fs.Write(BitConverter.GetBytes((ulong)h.Length));
        fs.Write(h);
        fs.Write(new byte[16]);
    }

    public static TheoryData<Case> Cases() => new()
    {
        new("missing config.json", s => File.Delete(s.ModelFile("config.json")), s => s.Perplexity(s.Data), "config.json: not found"),
        new("malformed config.json", s => File.WriteAllText(s.ModelFile("config.json"), "{\"model_type\": \"llama\","), s => s.Perplexity(s.Data), "malformed JSON"),
        new("config field of wrong type", s => File.WriteAllText(s.ModelFile("config.json"), TinyModels.LlamaJson(vocab: 257).Replace("\"hidden_size\": 32", "\"hidden_size\": \"big\"")),
            s => s.Perplexity(s.Data), "field 'hidden_size' must be an integer"),
        new("unknown architecture", s => File.WriteAllText(s.ModelFile("config.json"), "{\"model_type\": \"mamba\"}"), s => s.Perplexity(s.Data), "unknown architecture model_type 'mamba'"),
        new("safetensors header past the end", s => File.WriteAllBytes(s.ModelFile("model.safetensors"), [.. BitConverter.GetBytes(999_999UL), .. "{}"u8]),
            s => s.Perplexity(s.Data), "runs past the end of the file"),
        new("safetensors offsets overlap", s => Header(s, """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"""),
            s => s.Perplexity(s.Data), "overlap"),
        new("safetensors offsets out of range", s => Header(s, """{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"""),
            s => s.Perplexity(s.Data), "run past the data section"),
        new("truncated safetensors", s =>
        {
            var bytes = File.ReadAllBytes(s.ModelFile("model.safetensors"));
            File.WriteAllBytes(s.ModelFile("model.safetensors"), bytes[..(bytes.Length / 2)]);
        }, s => s.Perplexity(s.Data), "truncated"),
        new("shape contradicts config", s => File.WriteAllText(s.ModelFile("config.json"), TinyModels.LlamaJson(vocab: 257, hidden: 48)),
            s => s.Perplexity(s.Data), "has shape"),
        new("dtype contradicts shape", s => Header(s, """{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}}"""), s => s.Perplexity(s.Data), "need 4"),
        new("missing shard", s =>
        {
            File.Delete(s.ModelFile("model.safetensors"));
            File.WriteAllText(s.ModelFile("model.safetensors.index.json"), "{\"weight_map\": {\"model.norm.weight\": \"model-00001-of-00002.safetensors\"}}");
        }, s => s.Perplexity(s.Data), "shard 'model-00001-of-00002.safetensors' is missing"),
        new("pickled weights only", s =>
        {
            File.Delete(s.ModelFile("model.safetensors"));
            File.WriteAllBytes(s.ModelFile("pytorch_model.bin"), [0x80, 0x02]);
        }, s => s.Perplexity(s.Data), "pickled PyTorch weights are refused"),
        new("malformed tokenizer.json", s => File.WriteAllText(s.ModelFile("tokenizer.json"), "{\"model\": "), s => s.Perplexity(s.Data), "tokenizer.json: malformed JSON"),
        new("tokenizer larger than the model", s =>
        {
            using var small = TinyModels.Random(TinyModels.LlamaJson(vocab: 100));
            Mft.Models.ModelFactory.Save(small, s.Model);
        }, s => s.Perplexity(s.Data), "they do not belong together"),
        new("tokenizer.model whose field claims a terabyte", s =>
        {
            File.Delete(s.ModelFile("tokenizer.json"));
            File.WriteAllBytes(s.ModelFile("tokenizer.model"), [0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x41]);   // field 1, length 2^40
        }, s => s.Perplexity(s.Data), "tokenizer.model: not a readable SentencePiece model"),
        new("JSONL with invalid JSON", s => File.WriteAllText(s.Jsonl, "{\"text\": \"ok\"}\n{\"text\": oops}\n"), s => s.Perplexity(s.Jsonl), "data.jsonl:2: invalid JSON"),
        new("JSONL missing fields", s => File.WriteAllText(s.Jsonl, "{\"prompt\": \"only a prompt\"}\n"), s => s.Perplexity(s.Jsonl), "data.jsonl:1: needs a \"text\" field"),
        new("JSONL field of wrong type", s => File.WriteAllText(s.Jsonl, "{\"text\": 42}\n"), s => s.Perplexity(s.Jsonl), "field 'text' must be a string"),
        new("task item with gold out of range", s => File.WriteAllText(s.Jsonl, "{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 0}\n{\"context\": \"c\", \"choices\": [\" a\", \" b\"], \"gold\": 2}\n"),
            s => ["evaluate", "--base", s.Model, "--tuned", s.Model, "--tasks", s.Jsonl], "data.jsonl:2: gold 2 is out of range for 2 choices (0 to 1)"),
        new("invalid UTF-8", s => File.WriteAllBytes(s.Jsonl, [.. "{\"text\": \"ok\"}\n{\"text\": \""u8, 0xC3, 0x28, .. "\"}\n"u8]), s => s.Perplexity(s.Jsonl), "invalid UTF-8 at line 2"),
        new("empty data file", s => File.WriteAllText(s.Data, "\n\n  \n"), s => s.Train(), "contains no samples"),
        new("tau outside [0, 1]", _ => { }, s => s.Train("--tau", "-0.1"), "--tau: must be in [0, 1]"),
        new("non-positive learning rate", _ => { }, s => s.Train("--lr", "-1"), "--lr: must be positive"),
        new("non-positive batch size", _ => { }, s => s.Train("--batch-size", "0"), "--batch-size: must be positive"),
        new("context beyond the model's positions", _ => { }, s => s.Train("--context", "4096"), "exceeds the model's max_position_embeddings"),
        new("unknown option on train", _ => { }, s => s.Train("--no-such-flag"), "Unknown option 'no-such-flag'"),
        new("unknown option with a value on perplexity", _ => { }, s => [.. s.Perplexity(s.Data), "--strides", "8"], "Unknown option 'strides'"),
        new("existing output folder", s => { Directory.CreateDirectory(s.Out); File.WriteAllText(Path.Combine(s.Out, "x"), "keep"); },
            s => s.Train(), "pass --overwrite"),
        new("malformed sweep shard", _ => { }, s => ["sweep", "--config", "sweeps/embedded.yaml", "--out", s.Out, "--shard", "3/2"], "--shard: must be K/N with 1 <= K <= N"),
        new("slurm option without --slurm", _ => { }, s => ["sweep", "--config", "sweeps/embedded.yaml", "--out", s.Out, "--array-size", "4"], "--array-size needs --slurm"),
        new("collect from a folder without a sweep", _ => { }, s => ["sweep", "--collect", "--out", s.Out], "sweep.json: not found"),
        new("truncated teacher cache", s => File.WriteAllBytes(s.Cache, [.. BitConverter.GetBytes(4096UL), .. "{\"__metadata__\""u8]),
            s => s.Train("--method", "mft", "--teacher-cache-topk", "4", "--teacher-cache", s.Cache), "teacher.safetensors: header length 4096 runs past the end"),
        new("teacher cache of other data", s =>
        {
            Assert.Equal(0, MftApp.Run(["teacher-cache", "--model", s.Model, "--data", s.OtherData(), "--method", "mft", "--teacher-cache-topk", "4", "--teacher-cache", s.Cache,
                "--max-steps", "1", "--context", "32"]));
        }, s => s.Train("--method", "mft", "--teacher-cache-topk", "4", "--teacher-cache", s.Cache), "teacher.safetensors: stale teacher cache"),
        new("stale teacher cache share", s =>
        {
            Assert.Equal(0, MftApp.Run(["teacher-cache", "--model", s.Model, "--data", s.OtherData(), "--method", "mft", "--teacher-cache-topk", "4", "--teacher-cache", s.Cache,
                "--max-steps", "1", "--context", "32", "--shard", "1/2"]));
        }, s => s.Train("--method", "mft", "--teacher-cache-topk", "4", "--teacher-cache", s.Cache), "teacher.shard1of2.safetensors: stale teacher cache shard"),
        new("truncated checkpoint state", s =>
        {
            var checkpoint = Directory.CreateDirectory(Path.Combine(s.Out, "checkpoint")).FullName;
            File.WriteAllText(Path.Combine(checkpoint, "state.json"), "{\"Step\": 3, \"RngState\": [12, 7");
            File.WriteAllBytes(Path.Combine(checkpoint, "model.safetensors"), [0]);
            File.WriteAllBytes(Path.Combine(checkpoint, "optimizer.bin"), [0]);
        }, s => s.Train("--resume"), "checkpoint/state.json: not a checkpoint state (invalid JSON"),
        new("adapter of an unsupported PEFT type", s => File.WriteAllText(Path.Combine(s.Adapter, "adapter_config.json"),
            "{\"peft_type\": \"PREFIX_TUNING\", \"num_virtual_tokens\": 20, \"task_type\": \"CAUSAL_LM\"}"),
            s => ["merge", "--model", s.Model, "--adapter", s.Adapter, "--out", s.Out], "peft_type PREFIX_TUNING is not supported"),
        new("adapter with pickled weights only", s =>
        {
            File.WriteAllText(Path.Combine(s.Adapter, "adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 2, \"lora_alpha\": 4, \"target_modules\": [\"q_proj\"]}");
            File.WriteAllBytes(Path.Combine(s.Adapter, "adapter_model.bin"), [0x80, 0x02]);
        }, s => ["merge", "--model", s.Model, "--adapter", s.Adapter, "--out", s.Out], "adapter_model.bin: pickled PyTorch weights are refused"),
        new("teacher-cache without the cache file", _ => { }, s => ["teacher-cache", "--model", s.Model, "--data", s.Data, "--teacher-cache-topk", "4"], "--teacher-cache: FILE is required"),
        new("teacher-cache for a method without a teacher", _ => { }, s => ["teacher-cache", "--model", s.Model, "--data", s.Data, "--method", "ft", "--teacher-cache-topk", "4",
            "--teacher-cache", Path.Combine(s.Out, "cache.safetensors")], "needs a method with a teacher"),
    };

    /// <summary>Every file (by content) and every folder (an empty one left behind counts as a change) under the roots.</summary>
    private static Dictionary<string, string> Snapshot(params string[] roots) => roots
        .Where(Directory.Exists).SelectMany(r => Directory.GetFiles(r, "*", SearchOption.AllDirectories))
        .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))
        .Concat(roots.Where(Directory.Exists).SelectMany(r => Directory.GetDirectories(r, "*", SearchOption.AllDirectories)).Select(d => KeyValuePair.Create(d, "folder")))
        .ToDictionary();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_fail_with_one_clear_message_and_change_nothing(Case c)
    {
        // Given
        var s = new Setup();
        c.Break(s);
        var roots = new[] { s.Model, Path.GetDirectoryName(s.Data)!, Path.GetDirectoryName(s.Jsonl)!, Path.GetDirectoryName(s.Out)!, Path.GetDirectoryName(s.Cache)!, s.Adapter };
        var before = Snapshot(roots);
        var oldErr = Console.Error;
        var err = new StringWriter();
        Console.SetError(err);
        int code;
        // When
        try { code = MftApp.Run(c.Args(s)); }
        finally { Console.SetError(oldErr); }
        // Then
        var message = err.ToString();
        Assert.NotEqual(0, code);
        Assert.Contains(c.Expected, message);
        Assert.DoesNotContain("   at ", message);
        Assert.Single(message.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, Snapshot(roots));
    }
}
