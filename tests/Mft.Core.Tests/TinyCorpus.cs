using Mft.Models;

namespace Mft.Tests;

/// <summary>A tiny model directory and made-up domain and general text, for end-to-end training tests.</summary>
public static class TinyCorpus
{
    /// <summary>
    /// A byte-level tokenizer (256 byte tokens + eos) and a random 2-layer Llama over it, or the model that
    /// <paramref name="modelJson"/> describes (its vocab_size must be 257); config.json is the given text.
    /// </summary>
    public static string ModelDirectory(int seed = 1, string? modelJson = null)
    {
        modelJson ??= TinyModels.LlamaJson(vocab: 257, hidden: 32, layers: 2);
        var dir = TempDir.Create("tiny-model");
        var tokens = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        var json = Mft.Tokenization.ByteLevelBpeJson.Build(tokens, [], [("<|endoftext|>", 256)]);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"eos_token": "<|endoftext|>"}""");
        using var model = TinyModels.Random(modelJson, seed);
        ModelFactory.Save(model, dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), modelJson);
        return dir;
    }

    /// <summary>Repetitive "domain" sentences: easy to learn, so the domain loss must fall.</summary>
    public static string DomainFile(int samples = 60)
    {
        var path = Path.Combine(TempDir.Create("domain"), "domain.txt");
        var rng = new Random(4);
        string[] subjects = ["the cat", "a dog", "the bird"], verbs = ["sat on", "ran to", "looked at"], objects = ["the mat", "a tree", "the door"];
        File.WriteAllLines(path, Enumerable.Range(0, samples).Select(_ =>
            $"{subjects[rng.Next(3)]} {verbs[rng.Next(3)]} {objects[rng.Next(3)]}.\n"));
        return path;
    }

    public static string GeneralFile()
    {
        var path = Path.Combine(TempDir.Create("general"), "general.txt");
        File.WriteAllText(path, string.Join("\n\n", Enumerable.Range(0, 12).Select(i => $"General text number {i}: numbers, letters and words {i * 7}.")));
        return path;
    }

    /// <summary>A multiple-choice task file of five items in the domain's words (<see cref="Mft.Evaluation.ChoiceTaskFile"/>), written to <paramref name="path"/>.</summary>
    public static string TaskFile(string path)
    {
        Mft.Evaluation.ChoiceTaskFile.Write(path, [
            new("the cat sat on", [" the mat.", " a tree.", " the door."], 0), new("a dog ran to", [" the door.", " the mat."], 1),
            new("the bird looked at", [" a tree.", " the door."], 0), new("the cat", [" sat.", " ran.", " looked."], 2), new("", [" the cat.", " a dog."], 1)]);
        return path;
    }

    /// <summary>
    /// A corpora folder laid out like data/: one domain "cats", general test text, general replay text, and
    /// tasks/general.jsonl and tasks/cats.jsonl (<see cref="TaskFile"/>).
    /// </summary>
    public static string DataFolder()
    {
        var data = TempDir.Create("corpora");
        Directory.CreateDirectory(Path.Combine(data, "domains", "cats"));
        Directory.CreateDirectory(Path.Combine(data, "general"));
        File.Copy(DomainFile(80), Path.Combine(data, "domains", "cats", "train.txt"));
        File.Copy(DomainFile(20), Path.Combine(data, "domains", "cats", "test.txt"));
        File.Copy(GeneralFile(), Path.Combine(data, "general", "test.txt"));
        File.WriteAllText(Path.Combine(data, "general", "train.txt"), string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"Replay text {i}: plain general words.")));
        Directory.CreateDirectory(Path.Combine(data, "tasks"));
        TaskFile(Path.Combine(data, "tasks", "general.jsonl"));
        TaskFile(Path.Combine(data, "tasks", "cats.jsonl"));
        return data;
    }
}
