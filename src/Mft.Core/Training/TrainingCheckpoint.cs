using System.Text.Json;
using Mft.Checkpoints;
using Mft.Models;
using Mft.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// A resumable checkpoint: model weights (safetensors), AdamW state, and <see cref="TrainingState"/>. The
/// folder is written whole under a temporary name and then swapped in, so a kill at any moment leaves either
/// the previous checkpoint or the new one, never a mixture.
/// </summary>
public static class TrainingCheckpoint
{
    private const string WeightsFile = RunLayout.CheckpointWeightsFile, OptimizerFile = RunLayout.CheckpointOptimizerFile, StateFile = RunLayout.CheckpointStateFile;

    public static string PathIn(string outDir) => new RunLayout(outDir).Checkpoint;

    public static void Save(string outDir, CausalLM model, AdamW optimizer, TrainingState state)
    {
        var final = PathIn(outDir);
        var layout = new RunLayout(outDir);
        var tmp = layout.CheckpointInProgress(Environment.ProcessId);
        var old = layout.PreviousCheckpoint;
        try
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
            Directory.CreateDirectory(tmp);
            SafetensorsWriter.Write(Path.Combine(tmp, WeightsFile), model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
            var optTmp = Path.Combine(tmp, OptimizerFile + ".part");
            optimizer.save_state_dict(optTmp);
            using (var fs = new FileStream(optTmp, FileMode.Open, FileAccess.ReadWrite)) fs.Flush(flushToDisk: true);
            File.Move(optTmp, Path.Combine(tmp, OptimizerFile));
            AtomicFile.WriteAllText(Path.Combine(tmp, StateFile), JsonSerializer.Serialize(state, JsonOptions));
            if (Directory.Exists(old)) Directory.Delete(old, true);
            if (Directory.Exists(final)) Directory.Move(final, old);
            Directory.Move(tmp, final);
            if (Directory.Exists(old)) Directory.Delete(old, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { if (Directory.Exists(tmp)) Directory.Delete(tmp, true); } catch (IOException) { }
            throw new MftException($"{final}: could not write checkpoint ({e.Message}); the previous checkpoint is intact", e);
        }
    }

    /// <summary>The folder to resume from: the checkpoint, or the previous one if a swap was interrupted.</summary>
    public static string? Find(string outDir) => new RunLayout(outDir).ResumableCheckpoint;

    public static TrainingState Load(string dir, CausalLM model, AdamW optimizer)
    {
        var state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(Path.Combine(dir, StateFile)), JsonOptions)
                    ?? throw new MftException($"{dir}/{StateFile}: empty");
        using (var files = CheckpointFiles.Open(dir))
            StateDictLoader.Load(model, files, Path.Combine(dir, StateFile));
        optimizer.load_state_dict(Path.Combine(dir, OptimizerFile));
        return state;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
