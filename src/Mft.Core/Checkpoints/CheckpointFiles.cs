using System.Text.Json;

namespace Mft.Checkpoints;

/// <summary>
/// The weights of a Hugging Face model directory: a single <c>model.safetensors</c>, or shards listed in
/// <c>model.safetensors.index.json</c>. Only safetensors are read; pickled PyTorch files are refused
/// because loading them can run arbitrary code.
/// </summary>
public sealed class CheckpointFiles : IDisposable
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    private readonly Dictionary<string, SafetensorsReader> _byTensor = new();
    private readonly List<SafetensorsReader> _readers = new();

    public string Directory { get; }
    public IEnumerable<string> Names => _byTensor.Keys;

    private CheckpointFiles(string directory) => Directory = directory;

    public static CheckpointFiles Open(string directory)
    {
        var files = new CheckpointFiles(directory);
        try
        {
            var single = Path.Combine(directory, SingleFile);
            var index = Path.Combine(directory, IndexFile);
            if (File.Exists(single)) files.Add(new SafetensorsReader(single));
            else if (File.Exists(index)) files.OpenShards(index);
            else
            {
                var pickled = PickledWeights.Find(directory, "pytorch_model.bin", "pytorch_model.bin.index.json", "model.bin", "model.pt");
                if (pickled is not null)
                    throw PickledWeights.Refusal(pickled, "AutoModelForCausalLM.from_pretrained(dir).save_pretrained(out, safe_serialization=True)");
                throw new MftException($"{directory}: no {SingleFile} or {IndexFile} found");
            }
            return files;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    private void OpenShards(string indexPath)
    {
        Dictionary<string, string> map;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            map = doc.RootElement.GetProperty("weight_map").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? throw new FormatException($"weight_map['{p.Name}'] is not a string"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new MftException($"{indexPath}: malformed shard index ({e.Message})");
        }
        foreach (var shard in map.Values.Distinct())
        {
            if (shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                throw new MftException($"{indexPath}: shard name '{shard}' must be a plain file name");
            var path = Path.Combine(Directory, shard);
            if (!File.Exists(path)) throw new MftException($"{indexPath}: shard '{shard}' is missing ({path} not found)");
            var reader = new SafetensorsReader(path);
            _readers.Add(reader);
            foreach (var (name, file) in map)
                if (file == shard)
                {
                    if (!reader.Tensors.ContainsKey(name))
                        throw new MftException($"{path}: tensor '{name}' listed in {IndexFile} is not in this shard");
                    _byTensor[name] = reader;
                }
        }
    }

    private void Add(SafetensorsReader reader)
    {
        _readers.Add(reader);
        foreach (var name in reader.Tensors.Keys) _byTensor[name] = reader;
    }

    public bool Contains(string name) => _byTensor.ContainsKey(name);
    public SafetensorsTensorInfo Info(string name) => _byTensor[name].Tensors[name];
    public string FileOf(string name) => _byTensor[name].Path;
    public TorchSharp.torch.Tensor Load(string name) => _byTensor[name].Load(name);

    public void Dispose()
    {
        foreach (var r in _readers) r.Dispose();
    }
}
