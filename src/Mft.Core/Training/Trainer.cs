using System.Diagnostics;
using Mft.Data;
using Mft.Distributed;
using Mft.Evaluation;
using Mft.Models;
using Mft.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using Mft.Teachers;
using static TorchSharp.torch;

namespace Mft.Training;

/// <summary>
/// The training loop: AdamW, warm-up and decay, gradient accumulation and clipping, periodic evaluation with
/// keep-best and early stopping, resumable checkpoints. No framework: each step is an explicit dispose scope,
/// and only doubles leave it. Data order is a pure function of the seed and the step, so a resumed run sees
/// exactly the batches an uninterrupted one would. It writes no file: steps, evaluations, checkpoints and best
/// weights go to the <see cref="ITrainingRecord"/> its job gives it, and a resumed run reads its checkpoint from there.
/// Given the ranks of an MPI job, each computes its share of every global batch (<see cref="DataParallel"/>).
/// </summary>
public sealed class Trainer
{
    private readonly TrainerConfig _config;
    private readonly CausalLM _student;
    private readonly ITeacher? _teacher;
    private readonly ITrainingObjective _objective;
    private readonly IReadOnlyList<TokenSequence> _rows;
    private readonly SpecializationEvaluator? _evaluator;
    private readonly ITrainingRecord _record;
    private readonly string _fingerprint;
    private readonly Device _device;
    private readonly HashSet<int> _evalSteps;
    private readonly DataParallel _parallel;
    private int[]? _epochOrder;
    private int _orderEpoch = -1;

    public event Action<StepMetrics>? StepCompleted;
    public event Action<EvaluationPoint>? Evaluated;
    /// <summary>After each step, where its time went (a benchmark's breakdown; the peer prints the same phases).</summary>
    public event Action<StepPhases>? PhasesTimed;

    public int TotalSteps { get; }
    /// <summary>The precision it trains in: fp32 or bf16 (<see cref="TrainerConfig.Precision"/> resolved, auto by this CPU).</summary>
    public Runtime.Precision Precision { get; }
    public List<EvaluationPoint> History { get; } = new();

    public Trainer(TrainerConfig config, CausalLM student, ITeacher? teacher, IReadOnlyList<TokenSequence> rows,
        SpecializationEvaluator? evaluator, ITrainingRecord record, string fingerprint, IProcessGroup? ranks = null)
    {
        config.Validate();
        if (rows.Count == 0) throw new MftException("no training rows: the training data produced no tokens to learn");
        _config = config;
        _student = student;
        _student.GradientCheckpointing = config.GradientCheckpointing;
        _objective = config.CreateObjective();
        if (_objective.NeedsTeacher && teacher is null) throw new ArgumentException($"method {config.Method} needs a teacher");
        _teacher = _objective.NeedsTeacher ? teacher : null;
        _rows = rows;
        _evaluator = evaluator;
        _parallel = new DataParallel(ranks ?? SingleProcess.Instance, config.GradientAccumulation);
        _record = _parallel.Group.IsRoot ? record : new RootOnlyRecord(record);
        _fingerprint = fingerprint;
        _device = student.Device;
        int batchesPerEpoch = (rows.Count + config.BatchSize - 1) / config.BatchSize;
        TotalSteps = config.MaxSteps > 0 ? config.MaxSteps
            : Math.Max(1, (int)Math.Ceiling(config.Epochs * batchesPerEpoch / _parallel.MicroBatchesPerStep));
        _evalSteps = EvaluationSteps(config, TotalSteps);
        Precision = config.ResolvedPrecision();
    }

    public LowMemoryAdamW CreateOptimizer()
    {
        var trainable = _student.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var decay = trainable.Where(p => p.parameter.dim() >= 2).Select(p => p.parameter).ToList();
        var noDecay = trainable.Where(p => p.parameter.dim() < 2).Select(p => p.parameter).ToList();
        var c = _config;
        var groups = new List<AdamW.ParamGroup> { new(decay, c.LearningRate, c.Beta1, c.Beta2, 1e-8, c.WeightDecay, false, false) };
        if (noDecay.Count > 0) groups.Add(new AdamW.ParamGroup(noDecay, c.LearningRate, c.Beta1, c.Beta2, 1e-8, 0.0, false, false));
        return new LowMemoryAdamW(groups, c.LearningRate, c.Beta1, c.Beta2, 1e-8, c.WeightDecay);
    }

    /// <summary>Trains to the end (or until cancelled or stopped early); returns the final state.</summary>
    public TrainingState Run(CancellationToken cancel = default)
    {
        using var optimizer = CreateOptimizer();
        var state = new TrainingState { TotalSteps = TotalSteps, RunFingerprint = _fingerprint };
        if (_record.LoadCheckpoint(_student, optimizer) is { } resumed)
        {
            state = resumed.State;
            if (state.RunFingerprint != _fingerprint)
                throw MftException.NamingOptions($"{resumed.Source}: this checkpoint belongs to a run with other data or settings; use another {{out}} or {{overwrite}}");
            if (state.RngState.Length > 0)
            {
                using var scope = NewDisposeScope();
                random.set_rng_state(tensor(Convert.FromBase64String(state.RngState)));
            }
            History.AddRange(_record.RewindTo(state.Step));
        }
        var schedule = new LearningRateSchedule(_config.LearningRate, _config.WarmupSteps, TotalSteps, _config.Schedule, _config.MinLrRatio);
        var statistics = new TokenStatistics();
        // The student starts from the weights the evaluator's base perplexities were measured on.
        if (state.Step == 0 && _evaluator is not null && History.Count == 0)
            state = _parallel.OnRoot(state, s => Record(_evaluator.HasBase ? _evaluator.BasePoint() : _evaluator.Evaluate(_student, 0), s));

        _student.train();
        var parameters = _student.parameters().Where(p => p.requires_grad).ToList();
        while (state.Step < TotalSteps && !state.StoppedEarly)
        {
            if (cancel.IsCancellationRequested) break;
            var metrics = Step(optimizer, parameters, schedule.At(state.Step), state.Step, statistics);
            state = state with { Step = state.Step + 1 };
            _record.Step(metrics with { Step = state.Step });
            StepCompleted?.Invoke(metrics with { Step = state.Step });
            bool last = state.Step == TotalSteps;
            if (_evaluator is not null && (last || _evalSteps.Contains(state.Step)))
                state = _parallel.OnRoot(state, s => Record(_evaluator.Evaluate(_student, s.Step), s));
            if (_config.CheckpointEvery > 0 && state.Step % _config.CheckpointEvery == 0 && !last)
                SaveCheckpoint(optimizer, state);
        }
        if (state.Step < TotalSteps && !state.StoppedEarly) SaveCheckpoint(optimizer, state);   // interrupted: resumable
        _student.eval();
        return state;
    }

    private void SaveCheckpoint(AdamW optimizer, TrainingState state)
    {
        using var scope = NewDisposeScope();   // the generator's state and whatever writing makes, once per checkpoint (docs/runtime.md)
        _record.SaveCheckpoint(_student, optimizer, state with { RngState = Convert.ToBase64String(random.get_rng_state().bytes.ToArray()) });
    }

    private TrainingState Record(EvaluationPoint point, TrainingState state)
    {
        History.Add(point);
        _record.Evaluation(point);
        Evaluated?.Invoke(point);
        if (point.Step == 0)
        {
            // Under a degeneralization budget the base weights are the fallback when no evaluation stays within it.
            if (_config.KeepsBestWeights && _config.MaxDegeneralization is not null)
            {
                _record.SaveBestWeights(_student);
                state = state with { BestStep = 0 };
            }
            return state;
        }
        // The budget is judged on the general validation set where the job has one (a sweep's tuned runs), so that the
        // returned weights are chosen without the test sets; otherwise on the general set the run measures.
        double? degeneralization = point.Validation?.Degeneralization ?? point.Report.Degeneralization;
        bool withinBudget = _config.MaxDegeneralization is not double max || degeneralization is double d && d <= max;
        if (withinBudget && point.DomainValidation < state.BestValidationPerplexity)
        {
            state = state with { BestValidationPerplexity = point.DomainValidation, BestStep = point.Step, EvaluationsWithoutImprovement = 0 };
            if (_config.KeepsBestWeights) _record.SaveBestWeights(_student);
        }
        else
        {
            state = state with { EvaluationsWithoutImprovement = state.EvaluationsWithoutImprovement + 1 };
            if (_config.EarlyStoppingPatience > 0 && state.EvaluationsWithoutImprovement >= _config.EarlyStoppingPatience)
                state = state with { StoppedEarly = true };
        }
        _student.train();
        return state;
    }

    private StepMetrics Step(LowMemoryAdamW optimizer, List<Parameter> parameters, double lr, int step, TokenStatistics statistics)
    {
        using var scope = NewDisposeScope();
        var watch = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        double forward = 0, lossAndBackward = 0;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        optimizer.zero_grad();
        // The loss is normalised by the global batch's targets, on every rank alike.
        var (all, micro) = _parallel.Split(step, MicroBatch);
        double targets = all.Sum(rows => rows.Sum(r => r.TargetCount));
        using var accumulated = micro.Count > 1 ? new MicroBatchGradients(parameters) : null;   // whole micro-batch gradients summed
        double lossSum = 0;
        long tokens = 0;
        statistics.Reset();
        using var autocast = Models.Layers.Autocast.Bf16(Precision == Runtime.Precision.Bf16);   // the step's products, each weight cast once
        foreach (var rows in micro)
        {
            using var microScope = NewDisposeScope();
            var batch = Batch.Collate(rows, _device);
            tokens += batch.Inputs.NumberOfElements;
            var teacherBatch = _teacher?.Run(batch.Inputs, rows);
            var hidden = _student.ForwardHidden(batch.Inputs);                                  // (B, T, C)
            forward += Lap(phase);
            lossSum += ChunkedLoss.ForwardBackward(_student, _objective, teacherBatch, hidden, batch.Labels, batch.LossMask,
                Math.Max(1, targets), _config.LossChunkTokens, statistics, _config.AutogradLoss);
            lossAndBackward += Lap(phase);
            accumulated?.Add();
        }
        accumulated?.Finish();
        Lap(phase);   // collating and summing micro-batches are in no phase
        if (_parallel.Group.Size > 1)
        {
            _parallel.SumGradients(parameters);
            (lossSum, tokens) = _parallel.Sum(lossSum, tokens);
        }
        autocast.Dispose();   // clipping and the optimizer in fp32
        double loss = lossSum / Math.Max(1, targets);
        // Clipping's scale is applied by the optimizer, slice by slice (GradientClipping): the same weights as clip_grad_norm_.
        var (norm, clipScale) = _config.ClipNorm > 0
            ? GradientClipping.Measure(parameters, _config.ClipNorm)
            : (Math.Sqrt(parameters.Where(p => p.grad is not null).Sum(p => p.grad!.pow(Runtime.Scalars.Two).sum().item<float>())), null);
        double gradients = Lap(phase);
        bool finite = double.IsFinite(loss) && double.IsFinite(norm);
        if (!finite && _config.OnNonFinite == NonFiniteAction.Stop)
            throw MftException.NamingOptions($"step {step + 1}: the loss ({loss}) or gradient norm ({norm}) is not finite; the weights were not updated. " +
                                   "Lower {lr}, or set {on_nonfinite} skip to skip such steps.");
        if (finite) optimizer.Step(clipScale);
        PhasesTimed?.Invoke(new StepPhases(forward, lossAndBackward, gradients, Lap(phase)));
        foreach (var p in parameters) p.grad = null;   // freed, as PyTorch's zero_grad(set_to_none=True): no gradient memory between steps
        bool corrected = statistics.HasCorrection;
        return new StepMetrics(step + 1, loss, lr, norm, tokens / watch.Elapsed.TotalSeconds, tokens,
            statistics.NllTokens > 0 ? statistics.TrainPerplexity : null,
            corrected ? statistics.WrongShare : null,
            corrected ? statistics.MeanMix : null,
            corrected ? statistics.MixPercentile(0.95) : null,
            corrected ? statistics.CappedShare : null,
            Skipped: !finite);
    }

    private static double Lap(Stopwatch watch)
    {
        double seconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        return seconds;
    }

    /// <summary>The steps after which to evaluate (the last step always is).</summary>
    public static HashSet<int> EvaluationSteps(TrainerConfig c, int total)
    {
        if (c.Evaluations > 0)
            return Enumerable.Range(1, c.Evaluations).Select(i => (double)i / c.Evaluations)
                .Select(f => Math.Max(1, (int)Math.Round(total * (c.EvaluationSpacing == EvaluationSpacing.Quadratic ? f * f : f)))).ToHashSet();
        return c.EvalEvery > 0 ? Enumerable.Range(1, total / c.EvalEvery).Select(i => i * c.EvalEvery).ToHashSet() : [];
    }

    /// <summary>The rows of micro-batch k of the endless stream of shuffled epochs.</summary>
    private List<TokenSequence> MicroBatch(int k)
    {
        int perEpoch = (_rows.Count + _config.BatchSize - 1) / _config.BatchSize;
        int epoch = k / perEpoch, index = k % perEpoch;
        if (epoch != _orderEpoch)
        {
            _epochOrder = Enumerable.Range(0, _rows.Count).ToArray();
            new Random(unchecked(_config.Seed * 1_000_003 + epoch * 7_919) & int.MaxValue).Shuffle(_epochOrder);   // not HashCode: it is salted per process
            _orderEpoch = epoch;
        }
        return _epochOrder!.Skip(index * _config.BatchSize).Take(_config.BatchSize).Select(i => _rows[i]).ToList();
    }
}
