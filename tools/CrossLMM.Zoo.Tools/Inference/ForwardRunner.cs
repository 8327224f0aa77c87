using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Text;
using CrossLMM.Zoo.Tools.Video;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>What <c>zoo run</c> does.</summary>
/// <param name="Frames">T ≥ 1.</param>
/// <param name="Prompt">The question.</param>
/// <param name="VideoPath">A video to decode with ffmpeg; null = random frames.</param>
/// <param name="WeightsPath">A safetensors checkpoint; null = random initialisation.</param>
/// <param name="Top">How many next-token candidates to list.</param>
/// <param name="Seed">Seed of the initialisation and of random frames.</param>
/// <param name="Device">Where to run (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</param>
/// <param name="AllowMissing">Glob patterns of model keys the weights may lack (strict otherwise).</param>
public sealed record RunOptions(int Frames, string Prompt, string? VideoPath = null, string? WeightsPath = null, int Top = 5, long Seed = 0, string Device = "cpu",
    IReadOnlyList<string>? AllowMissing = null);

/// <summary>One next-token candidate.</summary>
/// <param name="Rank">1 = most likely.</param>
/// <param name="Id">Token id.</param>
/// <param name="Text">Readable token (<see cref="ITokenizer.Display"/>).</param>
/// <param name="Probability">Softmax probability at the last position.</param>
/// <param name="Logit">The raw logit.</param>
public sealed record TopToken(int Rank, int Id, string Text, double Probability, double Logit);

/// <summary>The outcome of a forward pass.</summary>
/// <param name="Config">The architecture at its preset.</param>
/// <param name="Tokenizer">Tokenizer name.</param>
/// <param name="PromptIds">The prompt's ids (BOS first).</param>
/// <param name="Video">The decoded video, or null for random frames.</param>
/// <param name="FrameIndices">Source frame of each decoded frame (empty for random frames).</param>
/// <param name="InputShape">Shape of the video tensor fed to the model.</param>
/// <param name="Counts">Token counts of the pass.</param>
/// <param name="Weights">The checkpoint report, or null for random initialisation.</param>
/// <param name="BuildMs">Building (and loading) the model.</param>
/// <param name="PrefillMs">The forward pass (prefill) under no_grad.</param>
/// <param name="Top">Next-token candidates at the last position.</param>
/// <param name="Device">Where it ran.</param>
/// <param name="Threads">libtorch's intra-op threads during the forward.</param>
public sealed record RunResult(
    ArchitectureConfig Config,
    string Tokenizer,
    int[] PromptIds,
    VideoProbe? Video,
    int[] FrameIndices,
    long[] InputShape,
    VideoTokenCounts Counts,
    CheckpointReport? Weights,
    double BuildMs,
    double PrefillMs,
    IReadOnlyList<TopToken> Top,
    string Device,
    int Threads);

/// <summary>
/// One forward pass of an architecture on a video (decoded with ffmpeg, or random frames) and a prompt:
/// build (seeded random init, or a checkpoint), encode the prompt, time the prefill, list the most likely
/// next tokens at the last position.
/// </summary>
public static class ForwardRunner
{
    /// <summary>Runs the pass.</summary>
    /// <param name="config">The architecture at a preset small enough to allocate.</param>
    /// <param name="options">Frames, prompt, video, weights, top-k, seed.</param>
    /// <param name="tokenizer">The tokenizer (default: byte-level over the model's vocabulary).</param>
    /// <exception cref="ZooUserException">Bad options, a model too large for this machine, a bad video or checkpoint.</exception>
    public static RunResult Run(ArchitectureConfig config, RunOptions options, ITokenizer? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Frames < 1)
        {
            throw new ZooUserException($"--frames ({options.Frames}) must be ≥ 1");
        }

        if (options.Top < 1 || options.Top > config.Llm.Vocab)
        {
            throw new ZooUserException($"--top ({options.Top}) must be in [1, {config.Llm.Vocab}] (the vocabulary)");
        }

        if (config.Compressor.FramesProblem(options.Frames) is string problem)
        {
            throw new ZooUserException($"{config.Stem}: {problem}");
        }

        var device = ZooCatalog.Device(options.Device);
        if (device.type == DeviceType.CPU)
        {
            EnsureFits(config);
        }

        tokenizer ??= config.Llm.Vocab >= ByteTokenizer.MinimumVocab
            ? new ByteTokenizer(config.Llm.Vocab)
            : throw new ZooUserException($"the byte-level tokenizer needs a vocabulary of at least {ByteTokenizer.MinimumVocab}; {config.Stem} at {config.Preset} has {config.Llm.Vocab}");
        if (tokenizer.VocabSize > config.Llm.Vocab)
        {
            throw new ZooUserException($"the tokenizer's vocabulary ({tokenizer.VocabSize}) is larger than the model's ({config.Llm.Vocab})");
        }

        var ids = tokenizer.Encode(options.Prompt ?? string.Empty);
        InferenceGuards.EnsureVideoRunFits(config, options.Frames, ids.Length);   // before anything is allocated
        using var scope = torch.NewDisposeScope();
        var build = Stopwatch.StartNew();
        using var model = ZooCatalog.Build(config, options.Seed);
        var weights = options.WeightsPath is null ? null : CheckpointLoader.Load(model, options.WeightsPath, options.AllowMissing);
        if (device.type != DeviceType.CPU)
        {
            model.to(device);
        }

        build.Stop();

        VideoProbe? probe = null;
        int[] indices = Array.Empty<int>();
        Tensor video;
        if (options.VideoPath is not null)
        {
            if (config.Vision.Kind != VisionKind.Vit)
            {
                throw new ZooUserException($"{config.Stem} takes precomputed features (vision.kind: precomputed), not a video file");
            }

            var frames = FfmpegFrameReader.Read(options.VideoPath, options.Frames, config.Vision.Image);
            probe = frames.Probe;
            indices = frames.Indices;
            video = FfmpegFrameReader.ToTensor(frames).unsqueeze(0);   // [1, T, 3, S, S]
        }
        else
        {
            torch.manual_seed(options.Seed + 1);
            video = VideoInputs.RandomVideo(config, options.Frames);
        }

        var prompt = torch.tensor(ids.Select(i => (long)i).ToArray(), new long[] { 1, ids.Length });   // [1, L]
        if (device.type != DeviceType.CPU)
        {
            (video, prompt) = (video.to(device), prompt.to(device));
        }

        using var noGrad = torch.no_grad();
        var watch = Stopwatch.StartNew();
        using var output = model.call(new VideoLmmInput(video, prompt), null);
        var last = output.Logits[0, -1].cpu();   // [V]; on a GPU the copy waits for the forward to finish
        watch.Stop();

        var probabilities = last.softmax(0);
        var (values, indexes) = last.topk(options.Top);
        var logits = values.data<float>().ToArray();
        var tokenIds = indexes.data<long>().ToArray();
        var probs = probabilities.data<float>().ToArray();
        var top = tokenIds.Select((id, k) => new TopToken(k + 1, (int)id, tokenizer.Display((int)id), probs[id], logits[k])).ToArray();
        return new RunResult(config, tokenizer.Name, ids, probe, indices, video.shape.ToArray(), output.Counts, weights,
            build.Elapsed.TotalMilliseconds, watch.Elapsed.TotalMilliseconds, top, device.ToString(), torch.get_num_threads());
    }

    /// <summary>Refuses a model whose fp32 weights would not fit in the available memory (2b/7b on a laptop).</summary>
    /// <param name="config">The architecture.</param>
    /// <exception cref="ZooUserException">Too large.</exception>
    public static void EnsureFits(ArchitectureConfig config)
    {
        long bytes = checked(CostModel.Parameters(config).Total * 4);
        long? available = InferenceGuards.AvailableMemory();
        if (available is long a && bytes > a * 0.7)
        {
            throw new ZooUserException(
                $"{config.Stem} at {config.Preset} has {CostModel.Parameters(config).Total / 1e9:F2}B parameters ({bytes / Tables.Units.GiB:F1} GiB in fp32) but only {a / Tables.Units.GiB:F1} GiB is available; use --preset tiny or small (zoo cost estimates the large presets without allocating)");
        }
    }
}
