using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Inference;

namespace CrossLMM.Zoo.Tools.Measurement;

/// <summary>Where a benchmark is (for progress displays).</summary>
/// <param name="Index">Zero-based index of the (architecture, frames) case.</param>
/// <param name="Total">Number of cases.</param>
/// <param name="Stem">Architecture.</param>
/// <param name="Frames">Frame count.</param>
/// <param name="Result">The measurement once the case is done; null when it starts.</param>
public sealed record BenchProgress(int Index, int Total, string Stem, int Frames, PrefillMeasurement? Result);

/// <summary>
/// Measured prefill latency and peak memory. Each architecture is built once at its preset (random weights,
/// seeded), then for each frame count: a random input, free heap memory returned and the RSS high-water mark reset
/// (<see cref="MemoryProbe"/>), <c>warmup</c> untimed passes, and <c>runs</c> passes each timed with a
/// <see cref="Stopwatch"/> around the forward call under <c>no_grad</c>. The reported latency is the median; memory
/// is the peak RSS over all the passes minus the RSS before them.
/// </summary>
public static class PrefillBenchmark
{
    /// <summary>The method string recorded in <see cref="PrefillMeasurement.MemoryMethod"/>.</summary>
    public const string PeakRssMethod = "peak RSS over the warm-up and timed runs (VmHWM, reset via /proc/self/clear_refs) minus the RSS before them, after malloc_trim";

    /// <summary>Runs every (architecture, frames) case in order.</summary>
    /// <param name="configs">Bound architectures (CPU-sized presets).</param>
    /// <param name="frames">Frame counts, in the order to run.</param>
    /// <param name="textTokens">L_t ≥ 1.</param>
    /// <param name="runs">Timed runs per case, ≥ 1.</param>
    /// <param name="warmup">Untimed runs first, ≥ 0.</param>
    /// <param name="seed">Seed of weights and inputs.</param>
    /// <param name="progress">Called when a case starts and when it ends.</param>
    /// <param name="device">Where to run (default CPU).</param>
    /// <param name="caseBudget">Stop taking timed runs once a case has spent this long (warm-up included), keeping at
    /// least one; null = always <paramref name="runs"/>. Keeps a sweep over very different architectures bounded.</param>
    /// <param name="dtype">Floating-point type of the weights and the video (null: float32, as built). bfloat16 and
    /// float16 halve the weights' memory; whether they are faster depends on the CPU's native support.</param>
    public static IReadOnlyList<PrefillMeasurement> Run(
        IReadOnlyList<ArchitectureConfig> configs, IReadOnlyList<int> frames, int textTokens, int runs, int warmup = 1, long seed = 0,
        Action<BenchProgress>? progress = null, torch.Device? device = null, TimeSpan? caseBudget = null, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(frames);
        if (runs < 1)
        {
            throw new ZooUserException($"runs ({runs}) must be ≥ 1");
        }

        if (warmup < 0)
        {
            throw new ZooUserException($"warm-up runs ({warmup}) must be ≥ 0");
        }

        int total = configs.Count * frames.Count, index = 0;
        var results = new List<PrefillMeasurement>();
        foreach (var config in configs)
        {
            using var model = ZooCatalog.Build(config, seed, device);
            if (dtype is ScalarType type && type != ScalarType.Float32)
            {
                model.to(type);
            }

            foreach (int t in frames)
            {
                progress?.Invoke(new BenchProgress(index, total, config.Stem, t, null));
                var result = Measure(model, config, t, textTokens, runs, warmup, seed, device, caseBudget, dtype);
                results.Add(result);
                progress?.Invoke(new BenchProgress(index, total, config.Stem, t, result));
                index++;
            }
        }

        return results;
    }

    /// <summary>One case on an already built model.</summary>
    /// <param name="model">The model of <paramref name="config"/>.</param>
    /// <param name="config">Its config.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="textTokens">L_t ≥ 1.</param>
    /// <param name="runs">Timed runs ≥ 1.</param>
    /// <param name="warmup">Untimed runs ≥ 0.</param>
    /// <param name="seed">Seed of the input.</param>
    /// <param name="device">The model's device (default CPU). On CUDA the timed region ends with a read of one
    /// logit to the host, which waits for the GPU's queue; peak memory is not measured there (RSS is host memory).</param>
    /// <param name="budget">Stop taking timed runs once the case has spent this long (warm-up included), keeping at least one; null = no limit.</param>
    /// <param name="dtype">The model's floating-point type; the video is cast to it (null: float32).</param>
    public static PrefillMeasurement Measure(
        VideoLmm model, ArchitectureConfig config, int frames, int textTokens, int runs, int warmup, long seed = 0, torch.Device? device = null,
        TimeSpan? budget = null, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        if (frames < 1 || textTokens < 1)
        {
            throw new ZooUserException($"frames ({frames}) and text tokens ({textTokens}) must be ≥ 1");
        }

        if (config.Compressor.FramesProblem(frames) is string problem)
        {
            throw new ZooUserException($"{config.Stem}: {problem}");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.manual_seed(seed + frames);
        var input = VideoInputs.Random(config, frames, textTokens, device);
        if (dtype is ScalarType type && type != ScalarType.Float32 && input.Video is { } video)
        {
            input = input with { Video = video.to(type) };   // the float32 original stays in the dispose scope
        }
        bool cpu = device is null || device.type == DeviceType.CPU;
        long stream = 0;

        // Memory: the high-water mark over the warm-up and timed passes, above the RSS after giving freed heap
        // memory back (malloc_trim). The trim comes before the warm-up, so the timed passes run on a warm
        // allocator (the engine keeps freed blocks for reuse instead of re-faulting them).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        MemoryProbe.Trim();
        bool reset = MemoryProbe.ResetPeak();
        long? before = MemoryProbe.CurrentRss();
        var spent = Stopwatch.StartNew();
        for (int i = 0; i < warmup; i++)
        {
            using var output = model.call(input, null);
            stream = output.Counts.TotalSequence;
        }

        var times = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var output = model.call(input, null);
            if (!cpu)
            {
                using var last = output.Logits[0, -1, 0].cpu();   // waits for the device's queue
            }

            watch.Stop();
            stream = output.Counts.TotalSequence;
            output.Dispose();
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (budget is TimeSpan limit && spent.Elapsed >= limit)
            {
                break;
            }
        }

        long? peak = MemoryProbe.PeakRss();
        long? peakBytes = cpu && reset && peak is long p && before is long b ? Math.Max(0, p - b) : null;
        return new PrefillMeasurement(
            config.Name,
            config.Stem,
            config.Preset,
            frames,
            textTokens,
            stream,
            warmup,
            times,
            Median(times),
            times.Min(),
            peakBytes,
            !cpu ? "not measured on a GPU (RSS is host memory)" : reset ? PeakRssMethod : "unavailable (no /proc/self/clear_refs)",
            torch.get_num_threads(),
            cpu ? "cpu" : device!.ToString(),
            CostModel.Prefill(config, frames, textTokens, new CostOptions(LmHead: LmHeadPositions.All)).Total,
            (dtype ?? ScalarType.Float32).ToString().ToLowerInvariant());
    }

    /// <summary>The median (mean of the middle two for an even count).</summary>
    /// <param name="values">At least one value.</param>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        var sorted = values.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
