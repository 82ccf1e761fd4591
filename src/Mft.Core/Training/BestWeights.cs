using Mft.Checkpoints;
using Mft.Models;
using Mft.Runs;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>The weights of the best evaluation so far (for --keep-best), kept in the output folder.</summary>
public static class BestWeights
{
    public static string PathIn(string outDir) => new RunLayout(outDir).BestWeights;

    public static void Save(string outDir, CausalLM model) =>
        SafetensorsWriter.Write(PathIn(outDir), model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));

    public static bool TryRestore(string outDir, CausalLM model)
    {
        var path = PathIn(outDir);
        if (!File.Exists(path)) return false;
        using var reader = new SafetensorsReader(path);
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            p.copy_(reader.Load(name));
        }
        return true;
    }
}
