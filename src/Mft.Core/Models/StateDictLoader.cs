using Mft.Checkpoints;
using static TorchSharp.torch;

namespace Mft.Models;

/// <summary>
/// Copies checkpoint tensors into a model's parameters by name, casting F16/BF16 to the parameter's dtype.
/// Every parameter must be found with the right shape, and every checkpoint tensor must be used (or be a
/// known ignorable buffer): a mismatch means the file and the config disagree, so it is an error naming both.
/// </summary>
public static class StateDictLoader
{
    public static void Load(CausalLM model, CheckpointFiles files, string configPath)
    {
        var used = new HashSet<string>();
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var key = model.CheckpointKeysFor(name).FirstOrDefault(files.Contains)
                      ?? throw new MftException($"{files.Directory}: checkpoint has no tensor '{name}' that {configPath} requires");
            var info = files.Info(key);
            if (!info.Shape.SequenceEqual(parameter.shape))
                throw new MftException(
                    $"{files.FileOf(key)}: tensor '{key}' has shape [{string.Join(", ", info.Shape)}] but {configPath} implies [{string.Join(", ", parameter.shape)}]");
            if (!IsFloating(info.ScalarType))
                throw new MftException($"{files.FileOf(key)}: tensor '{key}' has dtype {info.DType}; weights must be F32, F16, BF16 or F64");
            using var scope = NewDisposeScope();   // the loaded tensor and its cast, one parameter at a time (docs/runtime.md)
            parameter.copy_(files.Load(key).to(parameter.dtype, parameter.device));
            used.Add(key);
        }
        var unexpected = files.Names.Where(n => !used.Contains(n) && !model.IsIgnorableCheckpointKey(n)).OrderBy(n => n).ToList();
        if (unexpected.Count > 0)
            throw new MftException(
                $"{files.FileOf(unexpected[0])}: tensor '{unexpected[0]}' is not part of the model that {configPath} describes" +
                (unexpected.Count > 1 ? $" (and {unexpected.Count - 1} more)" : ""));
    }

    private static bool IsFloating(ScalarType t) =>
        t is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64;
}
