using Mft.Adapters;
using Mft.Data;
using Mft.Distributed;
using Mft.Evaluation;
using Mft.Models;
using Mft.Runs;
using Mft.Teachers;

namespace Mft.Jobs;

/// <summary>
/// The first step of a finetuning job (<see cref="FinetuneJob"/>): its data read and split, the base model loaded
/// (with adapters attached), the training rows and the evaluation sets tokenized, and the teacher ready. Every input
/// is read and checked before the output folder is prepared; only the teacher cache is built after it. Disposing
/// frees the teacher and the model.
/// </summary>
internal sealed class FinetuneSetup : IDisposable
{
    public required FinetuneData Data { get; init; }
    public required PretrainedModel Pretrained { get; init; }
    /// <summary>The adapter trained, its base model filled in; null for full finetuning.</summary>
    public required AdapterConfig? Adapter { get; init; }
    public required IReadOnlyList<TokenSequence> Rows { get; init; }
    public required SpecializationEvaluator Evaluator { get; init; }
    /// <summary>The teacher the trainer gets; null when the method needs none.</summary>
    public required ITeacher? Teacher { get; init; }
    /// <summary>Memory held for the teacher beyond the student (<see cref="FinetuneResult.TeacherCopyBytes"/>).</summary>
    public required long TeacherBytes { get; init; }
    /// <summary>The run folder, and the trainer's record in it.</summary>
    public required RunFolderRecord Record { get; init; }

    /// <summary>The model being trained.</summary>
    public CausalLM Student => Pretrained.Model;
    public RunLayout Layout => Record.Layout;

    /// <summary>
    /// Reads, loads and checks everything the job needs, then prepares the output folder and the teacher; <paramref name="status"/>
    /// hears each phase. Under MPI every rank reads and checks, then rank 0 alone prepares the folder.
    /// </summary>
    public static FinetuneSetup Open(FinetuneJobConfig config, Action<string> status, IProcessGroup ranks)
    {
        var t = config.Trainer;
        status("reading data");
        var data = FinetuneData.Read(config);

        status("loading model");
        var pretrained = PretrainedModel.Open(config.ModelDirectory, config.Device, config.ChatTemplatePath);
        try
        {
            var student = pretrained.Model;
            student.Config.RequireContext(t.ContextLength);
            var adapter = config.Adapter is { } a ? a with { BaseModel = a.BaseModel ?? Path.GetFullPath(config.ModelDirectory) } : null;
            if (adapter is not null) ModelAdapters.Attach(student, adapter, t.Seed, t.ResolvedPrecision());
            var chat = data.IsChat ? pretrained.Chat : null;
            var rows = data.Rows(pretrained.Tokenizer, chat, t);
            var evaluator = data.Evaluator(pretrained.Tokenizer, chat, t.ContextLength, config.EvalBatchSize);
            var teacher = FinetuneTeacher.Check(config, student, rows, adapter is not null);

            // Every input has been read and checked: only now is the output folder touched.
            ranks.Barrier();   // every rank has checked the folder as it was
            if (ranks.IsRoot) OutputFolder.Prepare(config.OutputDirectory, config.Overwrite, config.Resume);
            ranks.Barrier();
            var (online, bytes) = teacher.Create(status, ranks);
            return new FinetuneSetup
            {
                Data = data, Pretrained = pretrained, Adapter = adapter, Rows = rows, Evaluator = evaluator, Teacher = online, TeacherBytes = bytes,
                Record = new RunFolderRecord(config.OutputDirectory),
            };
        }
        catch
        {
            pretrained.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Teacher?.Dispose();
        Pretrained.Dispose();
    }
}
