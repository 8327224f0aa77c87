using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Engine.Training;
using AdamW = CrossLMM.Zoo.Engine.Training.AdamW;
using CrossLMM.Zoo.Tools.Training.Checkpointing;
using CrossLMM.Zoo.Tools.Training.Data;
using CrossLMM.Zoo.Tools.Training.Optimization;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Tools.Training;

/// <summary>How <see cref="Trainer.Run"/> runs a recipe (everything the command line can override).</summary>
/// <param name="OutputDirectory">Where metrics, charts, checkpoints and the export go (null: nothing is written; tests and sweeps).</param>
/// <param name="MaxSteps">Total steps instead of the recipe's (the schedule is stretched to it).</param>
/// <param name="ResumeFrom">A run folder or checkpoint folder to continue from.</param>
/// <param name="StopAfter">Stop after this step (a checkpoint is written) without changing the schedule; resume later.</param>
/// <param name="Threads">libtorch intra-op threads while training (restored afterwards).</param>
/// <param name="Cancellation">Stops after the current step (a final checkpoint is written): wire SIGINT/SIGTERM to it.</param>
/// <param name="OnStep">Called after every step on the training thread (progress display).</param>
/// <param name="OnEvaluation">Called after every evaluation on the training thread.</param>
/// <param name="AfterCheckpointFileWritten">Test seam passed to <see cref="CheckpointStore"/>.</param>
public sealed record TrainingRunOptions(
    string? OutputDirectory = null,
    int? MaxSteps = null,
    string? ResumeFrom = null,
    int? StopAfter = null,
    int Threads = 1,
    CancellationToken Cancellation = default,
    Action<StepMetrics, int>? OnStep = null,
    Action<EvaluationResult>? OnEvaluation = null,
    Action<string>? AfterCheckpointFileWritten = null);

/// <summary>What a run did.</summary>
/// <param name="Recipe">The recipe.</param>
/// <param name="Architecture">Architecture stem.</param>
/// <param name="Steps">Every step's metrics (a resumed run includes the steps before the checkpoint, read back from metrics.jsonl when there is one).</param>
/// <param name="Validation">Validation evaluations (step 0 and every eval.every steps, and the last step).</param>
/// <param name="Test">The test split after the last step (null if the run stopped early or the data has no test split).</param>
/// <param name="TotalSteps">Steps of the schedule.</param>
/// <param name="CompletedSteps">Steps completed.</param>
/// <param name="Samples">Training samples seen.</param>
/// <param name="Tokens">Stream tokens processed in training (visual + text).</param>
/// <param name="ForwardFlopsPerSample">Counted FLOPs of one forward pass of one sample (linear, conv and attention products).</param>
/// <param name="TrainingFlops">≈ 3 × forward FLOPs × samples (backward ≈ 2 × forward; an estimate, stated as such).</param>
/// <param name="WallSeconds">Training wall time (resumed runs include the time before the checkpoint).</param>
/// <param name="TrainableParameters">Parameters that trained.</param>
/// <param name="TotalParameters">All parameters (LoRA's included).</param>
/// <param name="Interrupted">True when it stopped before the last step (signal or <see cref="TrainingRunOptions.StopAfter"/>).</param>
/// <param name="LastCheckpoint">The last checkpoint written, or null.</param>
public sealed record TrainingRun(
    TrainingRecipe Recipe,
    string Architecture,
    IReadOnlyList<StepMetrics> Steps,
    IReadOnlyList<EvaluationResult> Validation,
    EvaluationResult? Test,
    int TotalSteps,
    int CompletedSteps,
    long Samples,
    long Tokens,
    long ForwardFlopsPerSample,
    double TrainingFlops,
    double WallSeconds,
    long TrainableParameters,
    long TotalParameters,
    bool Interrupted,
    string? LastCheckpoint);

/// <summary>
/// Runs a training recipe: AdamW with a cosine schedule and warm-up, gradient accumulation and clipping, freezing, LoRA,
/// fp32 or bf16, evaluation on the validation split, atomic checkpoints and exact resume, metrics to JSONL and CSV,
/// loss and accuracy charts, and an export of the final weights (LoRA merged).
/// <para>Exact resume: the k-th micro-batch is a pure function of (data seed, k), the schedule of the step, the model and
/// AdamW's moments and step count are in the checkpoint, and the zoo's models draw no random numbers while training (no
/// dropout), so a resumed run repeats the uninterrupted one's arithmetic.</para>
/// </summary>
public static class Trainer
{
    /// <summary>Micro-batch size used for held-out evaluation.</summary>
    public const int EvaluationBatch = 64;

    /// <summary>The export folder inside a run's output folder (<c>model.safetensors</c>, LoRA merged).</summary>
    public const string ExportFolder = "export";

    /// <summary>Runs <paramref name="recipe"/>.</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="options">Output folder, overrides, resume, progress.</param>
    /// <exception cref="RecipeException">A pattern that matches nothing, or everything frozen.</exception>
    /// <exception cref="ZooUserException">Bad data, a corrupted checkpoint, a resume with a different recipe, a full disk.</exception>
    public static TrainingRun Run(TrainingRecipe recipe, TrainingRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        options ??= new TrainingRunOptions();
        if (options.Threads < 1) throw new ArgumentException($"threads ({options.Threads}) must be ≥ 1", nameof(options));
        int previousThreads = EngineInfo.IntraOpThreads;
        EngineInfo.SetThreads(options.Threads);
        try
        {
            using var setup = TrainingModel.Create(recipe);
            return Train(setup, options);
        }
        finally
        {
            EngineInfo.SetThreads(previousThreads);
        }
    }

    /// <summary>Loss and accuracy of the model on held-out batches (eval mode, no grad; train mode restored).</summary>
    /// <param name="setup">The model and data.</param>
    /// <param name="split">Which split.</param>
    /// <param name="step">Steps trained (recorded).</param>
    /// <returns>The result, or null when the data has no such split.</returns>
    public static EvaluationResult? Evaluate(TrainingModel setup, EvaluationSplit split, int step)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return Evaluate(setup, setup.Data.Split(split, EvaluationBatch), split, step);
    }

    /// <summary>The total steps of a recipe over its data (steps, or epochs × batches per epoch).</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="data">Its data.</param>
    public static int TotalSteps(TrainingRecipe recipe, TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(data);
        if (recipe.Steps is int steps) return steps;
        long perEpoch = ((long)data.TrainSize!.Value + recipe.SamplesPerStep - 1) / recipe.SamplesPerStep;
        return (int)Math.Min(int.MaxValue, perEpoch * recipe.Epochs!.Value);
    }

    /// <summary>SHA-256 of the recipe file's text (what a resume checks).</summary>
    /// <param name="recipe">The recipe.</param>
    public static string RecipeHash(TrainingRecipe recipe) =>
        File.Exists(recipe.Path) ? CheckpointStore.Sha256(recipe.Path) : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(recipe.ToString())));

    private static TrainingRun Train(TrainingModel setup, TrainingRunOptions options)
    {
        var recipe = setup.Recipe;
        var model = setup.Model;
        string? output = options.OutputDirectory;
        bool bf16 = recipe.Precision == TrainingPrecision.Bf16;
        if (setup.Trainable.Count == 0)
        {
            throw new ZooUserException($"{recipe.Path}: no parameter trains");
        }

        // bf16: the model computes in bf16; AdamW updates fp32 masters, copied back after each step.
        var masters = bf16
            ? setup.Trainable.Select(t => new Parameter(t.Parameter.detach().to(ScalarType.Float32).clone())).ToArray()
            : setup.Trainable.Select(t => t.Parameter).ToArray();
        using var optimizer = new AdamW(masters, recipe.Optimizer.Lr, recipe.Optimizer.Beta1, recipe.Optimizer.Beta2, recipe.Optimizer.Eps, recipe.Optimizer.WeightDecay);
        string recipeHash = RecipeHash(recipe);

        int start = 0;
        double elapsedBefore = 0;
        long samples = 0, tokens = 0;
        int total = options.MaxSteps ?? TotalSteps(recipe, setup.Data);
        if (options.ResumeFrom is { } resume)
        {
            var checkpoint = CheckpointStore.Open(resume);
            if (checkpoint.State.RecipeSha256 != recipeHash)
            {
                throw new ZooUserException($"{recipe.Path} changed since checkpoint {checkpoint.Directory} was written (recipe SHA-256 {recipeHash[..12]}…, checkpoint's {checkpoint.State.RecipeSha256[..12]}…): resume with the recipe it was trained with");
            }

            TrainingCheckpoints.Load(setup, optimizer, masters, checkpoint);
            start = checkpoint.State.Step;
            total = options.MaxSteps ?? checkpoint.State.TotalSteps;
            elapsedBefore = checkpoint.State.ElapsedSeconds;
            samples = checkpoint.State.Samples;
            tokens = checkpoint.State.Tokens;
        }

        if (total < 1) throw new ZooUserException($"total steps ({total}) must be ≥ 1");
        int last = Math.Min(total, options.StopAfter ?? total);
        var schedule = new CosineSchedule(recipe.Optimizer.Lr, recipe.Schedule, total);
        var store = output is null ? null : new CheckpointStore(output, recipe.KeepLast, options.AfterCheckpointFileWritten);

        var steps = new List<StepMetrics>();
        var validationResults = new List<EvaluationResult>();
        StreamWriter? stepLog = null, evalLog = null;
        if (output is not null)
        {
            Directory.CreateDirectory(output);
            string stepsPath = Path.Combine(output, TrainingMetrics.StepsFile), evalPath = Path.Combine(output, TrainingMetrics.EvaluationsFile);
            if (start > 0)
            {
                TrainingMetrics.TruncateAfter(stepsPath, start);
                TrainingMetrics.TruncateAfter(evalPath, start);
                steps.AddRange(TrainingMetrics.Read<StepMetrics>(stepsPath));
                validationResults.AddRange(TrainingMetrics.Read<EvaluationResult>(evalPath).Where(e => e.Split == "validation"));
            }
            else
            {
                File.Delete(stepsPath);
                File.Delete(evalPath);
            }

            stepLog = new StreamWriter(stepsPath, append: true);
            evalLog = new StreamWriter(evalPath, append: true);
        }

        var validation = setup.Data.Split(EvaluationSplit.Validation, EvaluationBatch);
        long forwardFlops = ForwardFlopsPerSample(setup, validation.Count > 0 ? validation[0] : setup.Data.Train(0, 1));
        string? lastCheckpoint = null;
        EvaluationResult? test = null;
        bool interrupted = false;
        int step = start;
        try
        {
            void Evaluated(EvaluationResult result)
            {
                if (result.Split == "validation") validationResults.Add(result);
                evalLog?.WriteLine(TrainingMetrics.Line(result));
                evalLog?.Flush();
                options.OnEvaluation?.Invoke(result);
            }

            if (start == 0 && validation.Count > 0 && recipe.EvalEvery > 0)
            {
                Evaluated(Evaluate(setup, validation, EvaluationSplit.Validation, 0)!);
            }

            var clock = Stopwatch.StartNew();
            using var prefetch = new BatchPrefetcher(setup.Data, (long)start * recipe.GradientAccumulation, recipe.BatchSize);
            while (step < last)
            {
                step++;
                var stepClock = Stopwatch.StartNew();
                double loss = 0;
                long correct = 0, count = 0, stepTokens = 0;
                double norm;
                using (prefetch.EnterQuietStep())   // the worker draws the next batch while this step computes
                {
                    optimizer.LearningRate = schedule.At(step);
                    foreach (var (_, p) in setup.Trainable) p.grad = null;
                    optimizer.ZeroGrad();
                    for (int micro = 0; micro < recipe.GradientAccumulation; micro++)
                    {
                        using var scope = torch.NewDisposeScope();
                        using var batch = prefetch.Next().ToTensors();
                        var input = bf16 ? batch.Input with { Video = batch.Input.Video.to(ScalarType.BFloat16) } : batch.Input;
                        using var result = model.call(input, null);
                        using var score = batch.Score(result.Logits);
                        using var divisor = ((double)recipe.GradientAccumulation).ToScalar();
                        score.Loss.div(divisor).backward();
                        loss += score.Loss.item<float>() / recipe.GradientAccumulation;
                        correct += score.Correct;
                        count += score.Count;
                        stepTokens += batch.Size * result.Counts.TotalSequence;
                        samples += batch.Size;
                    }

                    if (bf16)
                    {
                        for (int i = 0; i < masters.Length; i++)
                        {
                            masters[i].grad = setup.Trainable[i].Parameter.grad?.to(ScalarType.Float32);
                        }
                    }

                    norm = GradientClipping.ClipByGlobalNorm(masters, recipe.MaxGradNorm);
                    optimizer.Step();
                    if (bf16)
                    {
                        using var noGrad = torch.no_grad();
                        for (int i = 0; i < masters.Length; i++) setup.Trainable[i].Parameter.copy_(masters[i]);
                    }

                }

                tokens += stepTokens;
                double seconds = stepClock.Elapsed.TotalSeconds;
                var metrics = new StepMetrics(step, loss, count == 0 ? 0 : (double)correct / count, optimizer.LearningRate, norm, stepTokens,
                    seconds > 0 ? stepTokens / seconds : 0, elapsedBefore + clock.Elapsed.TotalSeconds);
                if (validation.Count > 0 && ((recipe.EvalEvery > 0 && step % recipe.EvalEvery == 0) || step == total))
                {
                    var v = Evaluate(setup, validation, EvaluationSplit.Validation, step)!;
                    metrics = metrics with { ValLoss = v.Loss, ValAccuracy = v.Accuracy };
                    Evaluated(v);
                }

                steps.Add(metrics);
                stepLog?.WriteLine(TrainingMetrics.Line(metrics));
                stepLog?.Flush();
                options.OnStep?.Invoke(metrics, total);
                if (store is not null && recipe.CheckpointEvery > 0 && step % recipe.CheckpointEvery == 0)
                {
                    lastCheckpoint = TrainingCheckpoints.Save(store, setup, optimizer, masters, TrainingCheckpoints.State(step, total, samples, tokens, elapsedBefore + clock.Elapsed.TotalSeconds, recipeHash, setup));
                }

                if (options.Cancellation.IsCancellationRequested && step < last)
                {
                    interrupted = true;
                    break;
                }
            }

            interrupted |= step < total;
            double elapsed = elapsedBefore + clock.Elapsed.TotalSeconds;
            if (store is not null)
            {
                lastCheckpoint = TrainingCheckpoints.Save(store, setup, optimizer, masters, TrainingCheckpoints.State(step, total, samples, tokens, elapsed, recipeHash, setup));
            }

            if (!interrupted)
            {
                test = Evaluate(setup, EvaluationSplit.Test, step);
                if (test is not null) Evaluated(test);
            }

            var run = new TrainingRun(recipe, setup.Config.Stem, steps, validationResults, test, total, step, samples, tokens, forwardFlops,
                3.0 * forwardFlops * samples, elapsed, setup.Trainable.Sum(t => t.Parameter.numel()), model.parameters().Sum(p => p.numel()), interrupted, lastCheckpoint);
            if (output is not null)
            {
                WriteOutputs(output, setup, run);
            }

            return run;
        }
        finally
        {
            stepLog?.Dispose();
            evalLog?.Dispose();
            if (bf16) foreach (var m in masters) m.Dispose();
        }
    }

    /// <summary>Loads a checkpoint's model weights (strict: same keys and shapes) into <paramref name="setup"/>.</summary>
    /// <param name="setup">The model.</param>
    /// <param name="checkpoint">A verified checkpoint.</param>
    /// <exception cref="ZooUserException">Keys or shapes differ (named).</exception>
    public static void LoadWeights(TrainingModel setup, CheckpointInfo checkpoint)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var scope = torch.NewDisposeScope();
        var saved = CrossLMM.Zoo.Engine.Safetensors.Load(checkpoint.ModelFile);
        var expected = setup.Model.state_dict();
        var missing = expected.Keys.Except(saved.Keys).ToArray();
        var unexpected = saved.Keys.Except(expected.Keys).ToArray();
        if (missing.Length > 0 || unexpected.Length > 0)
        {
            throw new ZooUserException($"checkpoint {checkpoint.Directory} does not fit {setup.Config.Stem} at {setup.Config.Preset}: " +
                $"{missing.Length} missing keys ({string.Join(", ", missing.Take(3))}), {unexpected.Length} unexpected ({string.Join(", ", unexpected.Take(3))})");
        }

        using var noGrad = torch.no_grad();
        foreach (var (key, target) in expected)
        {
            var value = saved[key];
            if (!value.shape.SequenceEqual(target.shape))
            {
                throw new ZooUserException($"checkpoint {checkpoint.Directory}: {key} has shape [{string.Join(", ", value.shape)}], the model's is [{string.Join(", ", target.shape)}]");
            }

            target.copy_(value);
        }
    }

    private static EvaluationResult? Evaluate(TrainingModel setup, IReadOnlyList<HostBatch> batches, EvaluationSplit split, int step)
    {
        if (batches.Count == 0) return null;
        var model = setup.Model;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            double loss = 0;
            long correct = 0, count = 0;
            foreach (var host in batches)
            {
                using var scope = torch.NewDisposeScope();
                using var batch = host.ToTensors();
                var input = setup.ComputeType == ScalarType.BFloat16 ? batch.Input with { Video = batch.Input.Video.to(ScalarType.BFloat16) } : batch.Input;
                using var output = model.call(input, null);
                using var score = batch.Score(output.Logits);
                loss += score.Loss.item<float>() * score.Count;
                correct += score.Correct;
                count += score.Count;
            }

            return new EvaluationResult(split == EvaluationSplit.Validation ? "validation" : "test", step, count == 0 ? double.NaN : loss / count, count == 0 ? 0 : (double)correct / count, count);
        }
        finally
        {
            model.train();
        }
    }

    private static long ForwardFlopsPerSample(TrainingModel setup, HostBatch host)
    {
        var model = setup.Model;
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            using var batch = host.ToTensors();
            var input = setup.ComputeType == ScalarType.BFloat16 ? batch.Input with { Video = batch.Input.Video.to(ScalarType.BFloat16) } : batch.Input;
            using var counter = FlopCounter.Start(model);
            using var output = model.call(input, null);
            counter.Stop();
            return counter.Total / Math.Max(1, batch.Size);
        }
        finally
        {
            model.train();
        }
    }

    private static void WriteOutputs(string output, TrainingModel setup, TrainingRun run)
    {
        File.WriteAllText(Path.Combine(output, TrainingMetrics.CsvFile), TrainingMetrics.ToCsv(run.Steps));
        string title = $"{run.Architecture} ({setup.Config.Preset}), {Path.GetFileName(run.Recipe.Path)}";
        File.WriteAllText(Path.Combine(output, TrainingMetrics.LossChartFile), TrainingMetrics.LossChart(title, run.Steps, run.Validation).ToSvg());
        File.WriteAllText(Path.Combine(output, TrainingMetrics.AccuracyChartFile), TrainingMetrics.AccuracyChart(title, run.Steps, run.Validation).ToSvg());
        if (run.Interrupted) return;
        string export = Path.Combine(output, ExportFolder);
        Directory.CreateDirectory(export);
        using var scope = torch.NewDisposeScope();
        var weights = setup.Lora is null
            ? setup.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value)
            : setup.Lora.MergedStateDict(setup.Model);
        CrossLMM.Zoo.Engine.Safetensors.Save(Path.Combine(export, "model.safetensors"), weights,
            new Dictionary<string, string> { ["architecture"] = setup.Config.Stem, ["preset"] = setup.Config.Preset, ["lora_merged"] = (setup.Lora is not null).ToString() });
    }
}
