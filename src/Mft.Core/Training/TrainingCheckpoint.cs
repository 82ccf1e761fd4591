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

    /// <summary>The checkpoint's state.json, read and checked: a missing, empty or cut-short file is an error naming it.</summary>
    public static TrainingState ReadState(string dir)
    {
        var statePath = Path.Combine(dir, StateFile);
        if (!File.Exists(statePath)) throw MftException.NamingOptions($"{statePath}: not found; {Damaged(dir)}");
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(statePath), JsonOptions)
                   ?? throw MftException.NamingOptions($"{statePath}: empty; {Damaged(dir)}");
        }
        catch (JsonException e)
        {
            throw MftException.NamingOptions($"{statePath}: not a checkpoint state (invalid JSON at {e.Path ?? "the start"}, line {e.LineNumber + 1}); {Damaged(dir)}", e);
        }
    }

    public static TrainingState Load(string dir, CausalLM model, AdamW optimizer)
    {
        var statePath = Path.Combine(dir, StateFile);
        var state = ReadState(dir);
        using (var files = CheckpointFiles.Open(dir))
            StateDictLoader.Load(model, files, statePath);
        var optimizerPath = Path.Combine(dir, OptimizerFile);
        if (!File.Exists(optimizerPath)) throw MftException.NamingOptions($"{optimizerPath}: not found; {Damaged(dir)}");
        try { optimizer.load_state_dict(optimizerPath); }
        catch (Exception e) when (e is not MftException)
        {
            throw MftException.NamingOptions($"{optimizerPath}: not a readable optimizer state ({e.GetBaseException().Message}); {Damaged(dir)}", e);
        }
        return state;
    }

    private static string Damaged(string dir) =>
        $"the checkpoint {dir} is damaged (a copy cut short?): restore it, or start the run again without {{resume}}";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
