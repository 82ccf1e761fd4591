using Mft.Adapters;
using Mft.Cli.Commands;
using Mft.Corpora;
using Mft.Evaluation;
using Mft.Jobs;

namespace Mft.Cli;

/// <summary>
/// Every <c>mft</c> command whose options are the library's records, bound by the one <see cref="OptionSchema"/>: the
/// flags, their defaults in <c>--help</c> and their errors are the record's. <c>demo</c> and <c>sweep</c> bind the keys of a
/// sweep file (Spectre settings, <see cref="MftApp"/>).
/// </summary>
public static class MftCommands
{
    public static readonly IReadOnlyList<MftCommand> All =
    [
        MftCommand.Of<GenerateOptions>("generate", "Continue a prompt with a model.", GenerateCommand.Run),
        MftCommand.Of<PerplexityJobConfig>("perplexity", "Token-level perplexity of a model over a file.", PerplexityCommand.Run),
        MftCommand.Of<TrainOptions>("train", TrainCommand.Description, TrainCommand.Run) with { RunsOnRanks = true },
        MftCommand.Of<CorpusBuildConfig>("corpus build", "Build the embedded corpora under data/ from package sources.", CorpusBuildCommand.Run),
        MftCommand.Of<TokenizerTrainJobConfig>("tokenizer train", "Train a byte-level BPE tokenizer.json.", TokenizerTrainCommand.Run),
        MftCommand.Of<TeacherCacheOptions>("teacher-cache", TeacherCacheCommand.Description, TeacherCacheCommand.Run) with { RunsOnRanks = true },
        MftCommand.Of<AdapterMergeConfig>("merge", "Fold a PEFT adapter (LoRA, DoRA, IA3) into its base model.", MergeCommand.Run),
        MftCommand.Of<ExportOptions>("export", "Write a model (with an adapter merged) as GGUF for llama.cpp, LLamaSharp and Ollama.", ExportCommand.Run),
        MftCommand.Of<PretrainJobConfig>("pretrain", "Train the embedded base model from scratch (resumable).", PretrainCommand.Run),
        MftCommand.Of<TaskBuildConfig>("tasks build", "Build multiple-choice continuation tasks from the corpora's held-out files.", TasksBuildCommand.Run),
        MftCommand.Of<EvaluateJobConfig>("evaluate", "Specialization and degeneralization of a tuned model against its base, and both models' scores on multiple-choice tasks.", EvaluateCommand.Run),
    ];

    /// <summary>The command <paramref name="args"/> start with, and the arguments after its name; null for any other.</summary>
    public static (MftCommand Command, string[] Arguments)? Find(IReadOnlyList<string> args) =>
        All.FirstOrDefault(c => args.Take(c.Words.Length).SequenceEqual(c.Words)) is { } found ? (found, [.. args.Skip(found.Words.Length)]) : null;
}
