using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Tools.Training.Data;

namespace CrossLMM.Zoo.Notebooks.Training;

/// <summary>How <see cref="TinyTrainer"/> trains.</summary>
/// <param name="Steps">Optimizer steps.</param>
/// <param name="Batch">Training samples per step.</param>
/// <param name="LearningRate">AdamW learning rate.</param>
/// <param name="WeightDecay">AdamW weight decay (decoupled).</param>
/// <param name="EvalEvery">Evaluate on the held-out set every this many steps (and after the last step).</param>
/// <param name="EvalSamples">Held-out samples (the same for every model trained with the same seed).</param>
/// <param name="Seed">Seed of the data stream (training batches and the held-out set).</param>
public sealed record TrainingOptions(
    int Steps = 300,
    int Batch = 32,
    double LearningRate = 3e-3,
    double WeightDecay = 0.01,
    int EvalEvery = 25,
    int EvalSamples = 256,
    int Seed = 7);

/// <summary>One logged training step.</summary>
/// <param name="Step">1-based step.</param>
/// <param name="Loss">Cross-entropy of the step's batch.</param>
/// <param name="Accuracy">Accuracy on the step's batch.</param>
public readonly record struct TrainingStep(int Step, double Loss, double Accuracy);

/// <summary>One evaluation on the held-out set.</summary>
/// <param name="Step">Steps trained before it (0 = at initialisation).</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Accuracy">Fraction answered right.</param>
public readonly record struct Evaluation(int Step, double Loss, double Accuracy);

/// <summary>What a training run did.</summary>
/// <param name="Name">The run's label (usually the architecture stem).</param>
/// <param name="Steps">Every step's batch loss and accuracy.</param>
/// <param name="Evaluations">Held-out evaluations, at step 0 and every <see cref="TrainingOptions.EvalEvery"/> steps.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
/// <param name="Gates">tanh(α) of every gate after training, by parameter name (empty without fusion).</param>
public sealed record TrainingLog(string Name, IReadOnlyList<TrainingStep> Steps, IReadOnlyList<Evaluation> Evaluations, TimeSpan Elapsed, IReadOnlyDictionary<string, double> Gates)
{
    /// <summary>The last held-out evaluation.</summary>
    public Evaluation Final => Evaluations[^1];

    /// <summary>Mean batch loss over a window of steps ending at <paramref name="step"/> (smooths the curve).</summary>
    /// <param name="step">1-based step.</param>
    /// <param name="window">Window length.</param>
    public double SmoothedLoss(int step, int window = 10) =>
        Steps.Where(s => s.Step > step - window && s.Step <= step).Select(s => s.Loss).DefaultIfEmpty(double.NaN).Average();
}

/// <summary>One run of <see cref="TinyTrainer.RunAll"/>.</summary>
/// <param name="Name">Label of the run.</param>
/// <param name="Seed">torch.manual_seed before building the model (the data seed is in <paramref name="Options"/>).</param>
/// <param name="Build">Builds the model (called on the caller's thread, in job order, right after seeding).</param>
/// <param name="Task">The task.</param>
/// <param name="Options">Training settings.</param>
public sealed record TrainingJob(string Name, int Seed, Func<VideoLmm> Build, MarkerVideoTask Task, TrainingOptions Options);

/// <summary>
/// A plain supervised loop for the tiny notebook experiments: draw a batch of <see cref="MarkerVideoTask"/>,
/// run the model, cross-entropy over the answer tokens at the last position, backward, AdamW
/// step (the zoo's <c>CrossLMM.Zoo.Engine.Training.AdamW</c>, PyTorch's update; TorchSharp's AdamW frees temporary scalars mid-call). Everything is trained (vision tower, projector, LLM, fusion blocks) from
/// the model's initialisation — the zoo's fusion gates start at tanh(0) = 0, so a CrossLMM begins as its
/// pooling-only counterpart and has to open its gates to use the original tokens.
/// </summary>
public static class TinyTrainer
{
    /// <summary>Trains <paramref name="model"/> in place and logs loss, accuracy and held-out evaluations.</summary>
    /// <param name="model">A freshly built (or pre-trained) model of the task's architecture.</param>
    /// <param name="task">The task.</param>
    /// <param name="options">Steps, batch, optimiser and evaluation settings.</param>
    /// <param name="name">Label of the run.</param>
    /// <param name="progress">Called after each evaluation (e.g. to print a line); may be null.</param>
    public static TrainingLog Run(VideoLmm model, MarkerVideoTask task, TrainingOptions options, string name, Action<Evaluation>? progress = null)
    {
        using var blas = SingleThreadedBlas.Enter();
        int threads = torch.get_num_threads();
        try
        {
            return Train(model, task, options, name, progress);
        }
        finally
        {
            if (threads != torch.get_num_threads())
            {
                torch.set_num_threads(threads);
            }
        }
    }

    /// <summary>
    /// Builds every job's model in order (each right after <c>torch.manual_seed(job.Seed)</c>, so the weights do not
    /// depend on scheduling), then trains them, <paramref name="parallelism"/> at a time. Each run is single-threaded
    /// and independent, so its result is the same whether it runs alone or next to others (and the same as
    /// <see cref="Run"/> gives). The worker threads are left with one intra-op thread.
    /// </summary>
    /// <param name="jobs">The runs.</param>
    /// <param name="parallelism">Runs at a time; null = one (see the note in the body on TorchSharp's Scalars).</param>
    /// <returns>The logs, in job order.</returns>
    public static IReadOnlyList<TrainingLog> RunAll(IReadOnlyList<TrainingJob> jobs, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var models = new VideoLmm[jobs.Count];
        for (int i = 0; i < jobs.Count; i++)
        {
            torch.manual_seed(jobs[i].Seed);
            models[i] = jobs[i].Build();
        }

        var logs = new TrainingLog[jobs.Count];
        using var blas = SingleThreadedBlas.Enter();
        try
        {
            // One job at a time by default: TorchSharp frees temporary Scalars (e.g. the alpha of every tensor add)
            // when a GC on another thread finalizes them mid-call; with two training threads that failed notebook 05
            // in the kernel 2 of 2 times ("Expected false to be true" from Scalar::toFloat). See docs/engine.md.
            var options = new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism ?? 1) };
            System.Threading.Tasks.Parallel.For(0, jobs.Count, options, i => logs[i] = Train(models[i], jobs[i].Task, jobs[i].Options, jobs[i].Name, null));
        }
        finally
        {
            foreach (var model in models)
            {
                model.Dispose();
            }
        }

        return logs;
    }

    // One intra-op thread on the calling thread: libtorch's OpenMP thread count is per thread, so a pool thread
    // would otherwise split reductions differently from the main thread and a run's numbers would depend on
    // which thread it landed on.
    private static TrainingLog Train(VideoLmm model, MarkerVideoTask task, TrainingOptions options, string name, Action<Evaluation>? progress)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (torch.get_num_threads() != 1)
        {
            torch.set_num_threads(1);
        }

        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Steps < 0 || options.Batch < 1 || options.EvalEvery < 1 || options.EvalSamples < 1)
        {
            throw new ArgumentException($"invalid training options {options}", nameof(options));
        }

        var clock = Stopwatch.StartNew();
        var data = new Random(options.Seed);
        var heldOut = HeldOut(task, options);
        var steps = new List<TrainingStep>(options.Steps);
        var evaluations = new List<Evaluation>();
        void Record(int step)
        {
            var evaluation = Evaluate(model, task, heldOut, step);
            evaluations.Add(evaluation);
            progress?.Invoke(evaluation);
        }

        try
        {
            Record(0);
            model.train();
            using var optimizer = new CrossLMM.Zoo.Engine.Training.AdamW(model.parameters(), lr: options.LearningRate, weightDecay: options.WeightDecay);
            for (int step = 1; step <= options.Steps; step++)
            {
                using var scope = torch.NewDisposeScope();
                using var batch = task.Sample(options.Batch, data);
                optimizer.ZeroGrad();
                using var output = model.call(batch.Input, null);
                var logits = task.AnswerLogits(output.Logits);                   // [B, colours]
                var loss = nn.functional.cross_entropy(logits, batch.Answers);
                loss.backward();
                optimizer.Step();
                steps.Add(new TrainingStep(step, loss.item<float>(), Accuracy(logits, batch.Answers)));
                if (step % options.EvalEvery == 0 || step == options.Steps)
                {
                    Record(step);
                    model.train();
                }
            }
        }
        finally
        {
            model.eval();
            foreach (var b in heldOut)
            {
                b.Dispose();
            }
        }

        return new TrainingLog(name, steps, evaluations, clock.Elapsed, Gates(model));
    }

    /// <summary>tanh(α) of every scalar gate (<c>…_gate.alpha</c>) of a model, by parameter name.</summary>
    /// <param name="model">Any module.</param>
    public static IReadOnlyDictionary<string, double> Gates(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = torch.no_grad();
        return model.named_parameters()
            .Where(p => p.name.EndsWith("_gate.alpha", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => Math.Tanh(p.parameter.item<float>()));
    }

    /// <summary>Held-out loss and accuracy of a model on batches of the task.</summary>
    /// <param name="model">The model.</param>
    /// <param name="task">The task.</param>
    /// <param name="batches">Held-out batches.</param>
    /// <param name="step">Steps trained so far (recorded in the result).</param>
    public static Evaluation Evaluate(VideoLmm model, MarkerVideoTask task, IReadOnlyList<MarkerBatch> batches, int step)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(batches);
        model.eval();
        using var noGrad = torch.no_grad();
        double loss = 0, correct = 0;
        int count = 0;
        foreach (var batch in batches)
        {
            using var scope = torch.NewDisposeScope();
            using var output = model.call(batch.Input, null);
            var logits = task.AnswerLogits(output.Logits);
            loss += nn.functional.cross_entropy(logits, batch.Answers).item<float>() * batch.Size;
            correct += Accuracy(logits, batch.Answers) * batch.Size;
            count += batch.Size;
        }

        return new Evaluation(step, loss / count, correct / count);
    }

    /// <summary>The held-out set of a run: a data stream seeded apart from the training stream.</summary>
    /// <param name="task">The task.</param>
    /// <param name="options">Its sample count and seed.</param>
    /// <returns>Batches of at most 64 samples; the caller disposes them.</returns>
    public static IReadOnlyList<MarkerBatch> HeldOut(MarkerVideoTask task, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(unchecked(options.Seed * 7919 + 1));
        var batches = new List<MarkerBatch>();
        for (int left = options.EvalSamples; left > 0; left -= 64)
        {
            batches.Add(task.Sample(Math.Min(64, left), random));
        }

        return batches;
    }

    /// <summary>
    /// On the tiny matrices of these models extra intra-op threads only spin (measured 3× slower per step on the
    /// earlier engine, and far worse with two runs side by side). Training runs with one libtorch thread (MKL's
    /// GEMMs run on the same threads) and restores the previous count afterwards.
    /// </summary>
    private sealed class SingleThreadedBlas : IDisposable
    {
        private readonly int _previous;

        private SingleThreadedBlas(int previous) => _previous = previous;

        public static SingleThreadedBlas Enter()
        {
            int previous = CrossLMM.Zoo.Engine.EngineInfo.IntraOpThreads;
            if (previous > 1)
            {
                CrossLMM.Zoo.Engine.EngineInfo.SetThreads(1);
            }

            return new SingleThreadedBlas(previous);
        }

        public void Dispose()
        {
            if (_previous > 1)
            {
                CrossLMM.Zoo.Engine.EngineInfo.SetThreads(_previous);
            }
        }
    }

    private static double Accuracy(Tensor logits, Tensor answers)
    {
        using var scope = torch.NewDisposeScope();
        return logits.argmax(1).eq(answers).to(ScalarType.Float32).mean().item<float>();
    }
}
