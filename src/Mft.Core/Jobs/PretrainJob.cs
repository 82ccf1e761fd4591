using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Mft.Checkpoints;
using Mft.Data;
using Mft.Evaluation;
using Mft.Models;
using Mft.Runtime;
using Mft.Tokenization;
using Mft.Runs;
using Mft.Training;

namespace Mft.Jobs;

/// <summary>
/// Pretrains a Llama-architecture model from scratch with the same trainer as finetuning (plain cross-entropy),
/// resumable from its checkpoints, and writes a Hugging Face model folder with a model card (README.md).
/// </summary>
public sealed class PretrainJob(PretrainJobConfig config)
{
    public event Action<StepMetrics, int>? StepCompleted;
    public event Action<EvaluationPoint>? Evaluated;
    /// <summary>A line for the user: which precision auto chose, or a warning that bf16 is slow on this CPU.</summary>
    public event Action<string>? Notice;

    public EvaluationPoint Run(CancellationToken cancel = default)
    {
        config.Validate();
        var watch = Stopwatch.StartNew();
        var layout = new RunLayout(config.OutputDirectory);
        var work = layout.Pretraining;
        if (!config.Resume || work.ResumableCheckpoint is null)
        {
            OutputFolder.Prepare(config.OutputDirectory, config.Overwrite, resume: false);
            Directory.CreateDirectory(work.Directory);
        }
        var precision = PrecisionChoice.Resolve(config.Precision, line => Notice?.Invoke(line));   // says what auto chose; warns when bf16 is slow here
        TorchRuntime.SetThreads(config.Threads);
        using var jobScope = TorchRuntime.JobScope();
        using var tokenizer = TokenizerFactory.Load(config.TokenizerDirectory);
        var modelConfig = ModelConfig.Parse(LlamaJson(tokenizer), Path.Combine(config.OutputDirectory, ModelConfig.FileName));
        using var model = ModelFactory.Create(modelConfig, seed: config.Seed);   // the initial weights come from the seed alone
        var t = config.Trainer with { Method = "ft" };

        var train = SampleReader.Read(config.DataPath).Select(s => SampleEncoder.Encode(tokenizer, s));
        var rows = SequenceBuilder.Build(train, t.ContextLength, t.Packing);
        var test = Perplexity.WindowsOf(tokenizer, SampleReader.Read(config.TestPath).Take(config.EvalDocuments), t.ContextLength);
        var evaluator = new SpecializationEvaluator(test, test, [], batchSize: 16);
        evaluator.SetBase(double.NaN, double.NaN, null);
        var trainer = new Trainer(t, model, null, rows, evaluator, new RunFolderRecord(work), $"pretrain-{rows.Count}-{t.Seed}");
        trainer.StepCompleted += m => StepCompleted?.Invoke(m, trainer.TotalSteps);
        trainer.Evaluated += p => Evaluated?.Invoke(p);
        var state = trainer.Run(cancel);
        if (state.Step < trainer.TotalSteps)
            throw new OperationCanceledException($"stopped at step {state.Step} of {trainer.TotalSteps}; continue with --resume");

        ModelFactory.Save(model, config.OutputDirectory, config.TokenizerDirectory);
        var final = trainer.History.Last();
        var hours = ReadElapsed(work) + watch.Elapsed.TotalHours;
        AtomicFile.WriteAllText(work.ElapsedHours, hours.ToString(CultureInfo.InvariantCulture));
        AtomicFile.WriteAllText(layout.ModelCard,
            ModelCard(model.ParameterCount(), rows.Sum(r => (long)r.Ids.Length), state.Step, hours, final.DomainTest, t, precision));
        return final;
    }

    /// <summary>Hours spent in earlier sessions of a resumed pretraining; 0 for the first.</summary>
    private static double ReadElapsed(RunLayout work) =>
        File.Exists(work.ElapsedHours) ? double.Parse(File.ReadAllText(work.ElapsedHours), CultureInfo.InvariantCulture) : 0;

    private JsonObject LlamaJson(ITextTokenizer tokenizer) => new()
    {
        ["model_type"] = "llama",
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["vocab_size"] = tokenizer.VocabSize,
        ["hidden_size"] = config.HiddenSize,
        ["intermediate_size"] = config.IntermediateSize,
        ["num_hidden_layers"] = config.Layers,
        ["num_attention_heads"] = config.Heads,
        ["num_key_value_heads"] = config.KvHeads,
        ["max_position_embeddings"] = config.MaxPositions,
        ["rms_norm_eps"] = 1e-5,
        ["rope_theta"] = config.RopeTheta,
        ["tie_word_embeddings"] = true,
        ["hidden_act"] = "silu",
        ["bos_token_id"] = tokenizer.Special.BosId,
        ["eos_token_id"] = tokenizer.Special.EosId,
        ["torch_dtype"] = "float32",
    };

    /// <summary>Names the embedded corpus only when that is what was trained on.</summary>
    private string DataSource() =>
        Path.GetFullPath(config.DataPath).EndsWith(Path.Combine("data", "general", "train.txt"), StringComparison.Ordinal)
            ? ": the embedded Brown corpus + nlp-corpus, see data/SOURCES.md" : "";

    private string ModelCard(long parameters, long tokens, int steps, double hours, double testPpl, TrainerConfig t, Precision precision) => $"""
        # Mft embedded base model

        A small general-English Llama-architecture model, trained from scratch by `mft pretrain` so that Mft can
        demonstrate minifinetuning with no model hub. It is a toy: recognisable English, not a useful assistant.

        | | |
        |---|---|
        | architecture | LlamaForCausalLM, {config.Layers} layers, hidden {config.HiddenSize}, {config.Heads} heads ({config.KvHeads} key/value heads), MLP {config.IntermediateSize}, tied embeddings |
        | parameters | {parameters:N0} |
        | tokenizer | byte-level BPE, {t.ContextLength} context for training, vocabulary from `tokenizer.json` |
        | data | `{Path.GetFileName(Path.GetDirectoryName(config.DataPath))}/{Path.GetFileName(config.DataPath)}` ({tokens:N0} tokens per epoch){DataSource()} |
        | training | {steps} steps of batch {t.BatchSize} x {t.ContextLength}, AdamW lr {t.LearningRate}, {EnumOption.Name(t.Schedule)} schedule, warm-up {t.WarmupSteps}, seed {t.Seed}, {EnumOption.Name(precision)} products |
        | time | {hours:F2} h on {Environment.ProcessorCount} CPU cores{(config.Threads > 0 ? $", {config.Threads} libtorch threads" : "")} |
        | general test perplexity | {testPpl.ToString("F2", CultureInfo.InvariantCulture)} on the first {config.EvalDocuments} documents of `{Path.GetFileName(config.TestPath)}` (context {t.ContextLength}, stride {t.ContextLength / 2}) |

        Reproduce the perplexity with:

            mft perplexity --model models/base --data {config.TestPath} --context {t.ContextLength} --stride {t.ContextLength / 2} --max-documents {config.EvalDocuments}
        """;
}
