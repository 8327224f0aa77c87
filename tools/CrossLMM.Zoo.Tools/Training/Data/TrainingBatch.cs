using System;
using CrossLMM.Zoo.Modules;

namespace CrossLMM.Zoo.Tools.Training.Data;

/// <summary>The loss of a batch (a scalar tensor the caller owns) and how many of its scored items were right.</summary>
/// <param name="Loss">Mean cross-entropy over the scored items (0-d, with grad when the model has).</param>
/// <param name="Correct">Scored items whose argmax is the target.</param>
/// <param name="Count">Scored items (answers for the marker task, answer tokens for JSONL).</param>
public sealed record BatchScore(Tensor Loss, long Correct, long Count) : IDisposable
{
    /// <summary>Disposes the loss.</summary>
    public void Dispose() => Loss.Dispose();
}

/// <summary>One micro-batch as tensors on the training thread: the model input and what scores its output.</summary>
public abstract class TrainingBatch : IDisposable
{
    /// <summary>The model input.</summary>
    public abstract VideoLmmInput Input { get; }

    /// <summary>Samples B.</summary>
    public abstract int Size { get; }

    /// <summary>The loss and accuracy of the model's logits (B, S', V) for this batch (S' = the last <see cref="VideoLmmInput.LogitsToKeep"/> positions, or all).</summary>
    /// <param name="logits">The model's output logits.</param>
    public abstract BatchScore Score(Tensor logits);

    /// <summary>Disposes the tensors.</summary>
    public abstract void Dispose();
}

/// <summary>One micro-batch as plain arrays: drawn on the prefetch thread, turned into tensors on the training thread.</summary>
public abstract class HostBatch
{
    /// <summary>Samples B.</summary>
    public abstract int Size { get; }

    /// <summary>The tensors (the caller disposes them).</summary>
    public abstract TrainingBatch ToTensors();
}

/// <summary>The held-out splits.</summary>
public enum EvaluationSplit
{
    /// <summary>For choices made while developing (learning rates, steps): evaluated during training.</summary>
    Validation,

    /// <summary>Reported once, at the end; never used to choose anything.</summary>
    Test,
}

/// <summary>
/// A training data source. Training batches are a pure function of their index (the k-th micro-batch of the run), so
/// a resumed run sees exactly the batches an uninterrupted one would, and prefetching cannot change them.
/// </summary>
public abstract class TrainingData
{
    /// <summary>Training samples (null: an endless synthetic stream).</summary>
    public abstract int? TrainSize { get; }

    /// <summary>What <see cref="BatchScore.Count"/> counts, for reports ("answers", "answer tokens").</summary>
    public abstract string ScoredUnit { get; }

    /// <summary>The <paramref name="index"/>-th training micro-batch of <paramref name="size"/> samples (thread-safe, deterministic).</summary>
    /// <param name="index">0-based micro-batch index over the whole run.</param>
    /// <param name="size">B.</param>
    public abstract HostBatch Train(long index, int size);

    /// <summary>A held-out split in batches of at most <paramref name="size"/> samples (empty when the data has no such split).</summary>
    /// <param name="split">Which split.</param>
    /// <param name="size">Largest batch.</param>
    public abstract System.Collections.Generic.IReadOnlyList<HostBatch> Split(EvaluationSplit split, int size);

    /// <summary>A seed for stream <paramref name="stream"/> of <paramref name="seed"/> (SplitMix64 finaliser: nearby inputs give unrelated seeds).</summary>
    /// <param name="seed">The data seed.</param>
    /// <param name="stream">Which stream (a micro-batch index, an epoch, or a negative split id).</param>
    public static int Mix(long seed, long stream)
    {
        unchecked
        {
            ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream + 0x632BE59BD9B4E019UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFFFFFF);
        }
    }
}
