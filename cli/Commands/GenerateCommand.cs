using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Checkpoints;
using CrossLMM.Zoo.Tools.Inference;
using CrossLMM.Zoo.Tools.Text;
using Video = CrossLMM.Zoo.Tools.Video;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo generate</c>: text from a Hugging Face Qwen2 checkpoint, or from a LLaVA-OneVision one (or CrossLMM on it) with
/// <c>--video</c> (greedy or sampled, over the KV cache), streamed to
/// stdout; timings (prefill and decode tokens/s) on stderr, or everything as one JSON object.
/// </summary>
internal static class GenerateCommand
{
    /// <summary>The JSON shape of <c>zoo generate --format json</c>.</summary>
    internal sealed record GenerateJson(
        string Checkpoint, int[] PromptIds, int[] GeneratedIds, string Text, string StopReason,
        double PrefillMs, double DecodeMs, double PrefillTokensPerSecond, double DecodeTokensPerSecond);

    /// <summary>The JSON shape of <c>zoo generate --prompts-file … --format json</c>.</summary>
    internal sealed record BatchJson(string Checkpoint, int PaddedLength, double PrefillMs, double DecodeMs, BatchItemJson[] Results);

    /// <summary>One prompt of a batch.</summary>
    internal sealed record BatchItemJson(int[] PromptIds, int[] GeneratedIds, string Text, string StopReason);

    private static string[] ReadPrompts(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new ZooUserException($"prompts file not found: '{path}'");
        }

        var prompts = System.IO.File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        return prompts.Length > 0 ? prompts : throw new ZooUserException($"'{path}' holds no prompts (one per line)");
    }

    private static int PrintBatch(CliConsole console, string folder, bool json, BatchGenerationResult batch)
    {
        var first = batch.Results[0];
        if (json)
        {
            var items = batch.Results.Select(r => new BatchItemJson(r.PromptIds, r.GeneratedIds, r.Text, r.StopReason)).ToArray();
            console.Out.Write(JsonSerializer.Serialize(new BatchJson(folder, batch.PaddedLength, first.PrefillMs, first.DecodeMs, items), JsonOutput.Options) + "\n");
            return 0;
        }

        for (int i = 0; i < batch.Results.Count; i++)
        {
            console.Out.Write($"[{i}] {batch.Results[i].Text}\n");
        }

        int tokens = batch.Results.Sum(r => r.GeneratedIds.Length);
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"zoo generate: batch {batch.Results.Count} × {batch.PaddedLength} (left-padded), prefill {first.PrefillMs:F1} ms; {tokens} tokens generated, decode {first.DecodeMs:F1} ms"));
        return 0;
    }

    private static int PrintResult(CliConsole console, string folder, bool json, GenerationResult result)
    {
        if (json)
        {
            console.Out.Write(JsonSerializer.Serialize(new GenerateJson(folder, result.PromptIds, result.GeneratedIds, result.Text, result.StopReason,
                result.PrefillMs, result.DecodeMs, result.PrefillTokensPerSecond, result.DecodeTokensPerSecond), JsonOutput.Options) + "\n");
            return 0;
        }

        console.Out.Write("\n");
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"zoo generate: {result.PromptIds.Length} prompt tokens, prefill {result.PrefillMs:F1} ms ({result.PrefillTokensPerSecond:F1} tok/s); " +
            $"{result.GeneratedIds.Length} generated, decode {result.DecodeMs:F1} ms ({result.DecodeTokensPerSecond:F1} tok/s); stop: {result.StopReason}"));
        return 0;
    }

    // A LLaVA-OneVision checkpoint (or CrossLMM on it) on a decoded video: the guards first, then the weights.
    private static int GenerateWithVideo(CliConsole console, string folder, string videoPath, int frames, string prompt, bool raw, string? system,
        int maxNewTokens, SamplingOptions sampling, LlavaOnevisionVariant variant, string[]? allowMissing, bool json)
    {
        if (frames < 1)
        {
            throw new ZooUserException($"--frames ({frames}) must be ≥ 1");
        }

        var config = LlavaOnevisionCheckpointConfig.ReadFolder(folder);
        var tokenizer = Qwen2Tokenizer.Load(folder);
        long visual = config.VideoTokens(frames);
        var expanded = VideoPrompt.Encode(tokenizer, prompt, raw, system, config.VideoTokenId, Math.Min(visual, config.Llm.MaxPositions + 1L));
        long length = expanded.TextIds.Length + visual + maxNewTokens;
        InferenceGuards.EnsurePositions(length, config.Llm.MaxPositions, $"{visual} visual tokens for {frames} frames + {expanded.TextIds.Length} prompt tokens + {maxNewTokens} new");
        InferenceGuards.EnsureWorkingMemoryFits(CheckpointForward.VideoPrefillBytes(config, frames, length),
            $"{frames} frames through the vision tower, KV cache and attention scores for {length} positions");
        var decoded = Video.FfmpegFrameReader.Read(videoPath, frames, config.Vision.Image);
        using var checkpoint = LlavaOnevisionCheckpoint.Load(folder, variant, allowMissing);
        using var pixels = Video.FfmpegFrameReader.ToTensor(decoded).unsqueeze(0);   // [1, T, 3, S, S]
        Action<string>? stream = json ? null : piece =>
        {
            console.Out.Write(piece);
            console.Out.Flush();
        };
        var result = TextGenerator.Generate(checkpoint.Model, pixels, expanded, checkpoint.Tokenizer, maxNewTokens, checkpoint.StopIds, sampling, stream);
        return PrintResult(console, folder, json, result);
    }

    public static Command Create(CliConsole console)
    {
        var checkpoint = CheckpointOptions.Checkpoint(required: true);
        var prompt = new Option<string?>("--prompt") { Description = "The user's message (or, with --raw, the exact text to continue)" };
        var promptsFile = new Option<string?>("--prompts-file")
        {
            Description = "A batch: one prompt per line (blank lines skipped), left-padded to one length and generated together",
            HelpName = "FILE",
        };
        var system = new Option<string?>("--system") { Description = "A system message (default: the one the checkpoint's chat template adds, if any)" };
        var raw = new Option<bool>("--raw") { Description = "Skip the chat template: encode the prompt as given (special-token spellings are parsed)" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate (stops earlier at EOS or <|im_end|>)", DefaultValueFactory = _ => 64 };
        var temperature = new Option<double>("--temperature") { Description = "0 = greedy; > 0 samples from softmax(logits / T)", DefaultValueFactory = _ => 0.0 };
        var topK = new Option<int>("--top-k") { Description = "Sample among the k most likely tokens (0 = all)", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Sample among the most likely tokens whose probabilities sum to p", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<long>("--seed") { Description = "Seed of the sampler", DefaultValueFactory = _ => 0L };
        var allowMissing = CheckpointOptions.AllowMissing();
        var video = new Option<string?>("--video")
        {
            Description = "A video file (decoded with ffmpeg) for a LlavaOnevisionForConditionalGeneration checkpoint; its <video> placeholder is expanded to the visual token count",
            HelpName = "FILE",
        };
        var frames = new Option<int>("--frames") { Description = "Frames sampled uniformly from --video", DefaultValueFactory = _ => 8 };
        var variant = CheckpointOptions.Variant();
        var format = CommonOptions.Format(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("generate", "Generate text with a Hugging Face Qwen2 checkpoint (greedy or sampled; KV cache; streams to stdout)")
        {
            checkpoint, prompt, promptsFile, system, raw, maxNew, temperature, topK, topP, seed, allowMissing, video, frames, variant, format,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            string folder = parse.GetValue(checkpoint)!;
            var sampling = new SamplingOptions(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed));
            sampling.Validate();
            int maxNewTokens = parse.GetValue(maxNew);
            if (maxNewTokens < 1)
            {
                throw new ZooUserException($"--max-new-tokens ({maxNewTokens}) must be ≥ 1");
            }

            bool json = (parse.GetValue(format) ?? OutputFormat.Table) == OutputFormat.Json;
            string architecture = HfConfigJson.ArchitectureOf(folder);
            if (architecture == "SiglipVisionModel")
            {
                throw new ZooUserException($"'{folder}' is a SiglipVisionModel (a vision encoder): it generates no text; zoo run --checkpoint prints its features");
            }

            if (parse.GetValue(video) is { } videoPath)
            {
                if (architecture != "LlavaOnevisionForConditionalGeneration")
                {
                    throw new ZooUserException($"--video needs a video model (LlavaOnevisionForConditionalGeneration); '{folder}' is a {architecture}");
                }

                if (parse.GetValue(promptsFile) is not null || parse.GetValue(prompt) is null)
                {
                    throw new ZooUserException("with --video give one --prompt (a batch of videos is not implemented)");
                }

                return GenerateWithVideo(console, folder, videoPath, parse.GetValue(frames), parse.GetValue(prompt)!, parse.GetValue(raw), parse.GetValue(system),
                    maxNewTokens, sampling, CheckpointOptions.ParseVariant(parse.GetValue(variant)), parse.GetValue(allowMissing), json);
            }

            if (architecture == "LlavaOnevisionForConditionalGeneration")
            {
                throw new ZooUserException($"'{folder}' is a video model: give --video FILE (text-only generation with it is not implemented)");
            }

            // Everything that can be checked without the weights is checked before they are loaded.
            var config = Qwen2Checkpoint.ReadConfig(folder);
            var tokenizer = Qwen2Tokenizer.Load(folder);
            string? text = parse.GetValue(prompt), file = parse.GetValue(promptsFile);
            var texts = (text, file) switch
            {
                (null, null) => throw new ZooUserException("give --prompt TEXT or --prompts-file FILE"),
                (not null, not null) => throw new ZooUserException("give either --prompt or --prompts-file, not both"),
                (not null, null) => new[] { text },
                _ => ReadPrompts(file!),
            };
            var batch = texts.Select(t => CheckpointForward.EncodePrompt(tokenizer, t, parse.GetValue(raw), parse.GetValue(system))).ToArray();
            int longest = batch.Max(ids => ids.Length);
            InferenceGuards.EnsurePositions((long)longest + maxNewTokens, config.Llm.MaxPositions, $"{longest} prompt tokens + {maxNewTokens} new");
            InferenceGuards.EnsureWorkingMemoryFits(InferenceGuards.PrefillBytes(config.Llm, longest + maxNewTokens, batch.Length),
                $"KV cache and attention scores for {batch.Length} × {longest + maxNewTokens} positions");

            using var loaded = Qwen2Checkpoint.Load(folder, parse.GetValue(allowMissing));
            if (file is not null)
            {
                return PrintBatch(console, folder, json, BatchGenerator.Generate(loaded.Model, loaded.Tokenizer, batch, maxNewTokens, loaded.StopIds, sampling));
            }

            var ids = batch[0];
            Action<string>? stream = json ? null : piece =>
            {
                console.Out.Write(piece);
                console.Out.Flush();
            };
            var result = TextGenerator.Generate(loaded.Model, loaded.Tokenizer, ids, maxNewTokens, loaded.StopIds, sampling, stream);
            return PrintResult(console, folder, json, result);
        }));
        return command;
    }
}
