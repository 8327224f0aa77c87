using System;
using System.Collections.Generic;
using CrossLMM.Zoo.Modules;

namespace CrossLMM.Zoo.Tools.Training.Data;

/// <summary>
/// <c>builtin:marker</c>: <see cref="MarkerVideoTask"/> as training data. The training stream is endless (micro-batch k
/// is drawn from its own seed); validation and test are fixed sets drawn from two other seeds of the same data seed.
/// The loss is the cross-entropy over the colours' answer tokens at the last position (notebook 05's).
/// </summary>
public sealed class MarkerTrainingData : TrainingData
{
    private const long ValidationStream = -1, TestStream = -2;
    private readonly int _seed;
    private readonly int _validationSamples;
    private readonly int _testSamples;

    /// <summary>Creates the data.</summary>
    /// <param name="task">The task.</param>
    /// <param name="seed">The data seed.</param>
    /// <param name="validationSamples">Validation videos.</param>
    /// <param name="testSamples">Test videos.</param>
    public MarkerTrainingData(MarkerVideoTask task, int seed, int validationSamples, int testSamples)
    {
        Task = task ?? throw new ArgumentNullException(nameof(task));
        _seed = seed;
        _validationSamples = validationSamples >= 1 ? validationSamples : throw new ArgumentException($"validationSamples ({validationSamples}) must be ≥ 1", nameof(validationSamples));
        _testSamples = testSamples >= 1 ? testSamples : throw new ArgumentException($"testSamples ({testSamples}) must be ≥ 1", nameof(testSamples));
    }

    /// <summary>The task.</summary>
    public MarkerVideoTask Task { get; }

    /// <inheritdoc/>
    public override int? TrainSize => null;

    /// <inheritdoc/>
    public override string ScoredUnit => "answers";

    /// <inheritdoc/>
    public override HostBatch Train(long index, int size) => new Host(Task, Task.SampleArrays(size, new Random(Mix(_seed, index))));

    /// <inheritdoc/>
    public override IReadOnlyList<HostBatch> Split(EvaluationSplit split, int size)
    {
        var random = new Random(Mix(_seed, split == EvaluationSplit.Validation ? ValidationStream : TestStream));
        var batches = new List<HostBatch>();
        for (int left = split == EvaluationSplit.Validation ? _validationSamples : _testSamples; left > 0; left -= size)
        {
            batches.Add(new Host(Task, Task.SampleArrays(Math.Min(size, left), random)));
        }

        return batches;
    }

    private sealed class Host : HostBatch
    {
        private readonly MarkerVideoTask _task;
        private readonly MarkerSample _sample;

        public Host(MarkerVideoTask task, MarkerSample sample)
        {
            _task = task;
            _sample = sample;
        }

        public override int Size => _sample.Answers.Length;

        public override TrainingBatch ToTensors() => new Tensors(_task, _sample.ToTensors());
    }

    private sealed class Tensors : TrainingBatch
    {
        private readonly MarkerVideoTask _task;
        private readonly MarkerBatch _batch;

        public Tensors(MarkerVideoTask task, MarkerBatch batch)
        {
            _task = task;
            _batch = batch;
            Input = batch.Input with { LogitsToKeep = 1 };   // only the last position's logits are read
        }

        public override VideoLmmInput Input { get; }

        public override int Size => _batch.Size;

        public override BatchScore Score(Tensor logits)
        {
            using var scope = torch.NewDisposeScope();
            var answers = _task.AnswerLogits(logits).to(ScalarType.Float32);   // [B, colours]
            var loss = nn.functional.cross_entropy(answers, _batch.Answers);
            long correct = answers.argmax(1).eq(_batch.Answers).sum().item<long>();
            return new BatchScore(loss.MoveToOuterDisposeScope(), correct, _batch.Size);
        }

        public override void Dispose() => _batch.Dispose();
    }
}
