using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Tools.Checkpoints;
using CrossLMM.Zoo.Tools.Text;
using Video = CrossLMM.Zoo.Tools.Video;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>What <c>zoo run --checkpoint</c> does.</summary>
/// <param name="Folder">The Hugging Face checkpoint folder.</param>
/// <param name="Prompt">The user's message (or the raw text).</param>
/// <param name="Raw">Encode the prompt as given instead of through the ChatML template.</param>
/// <param name="System">A system message, or null for the checkpoint's default.</param>
/// <param name="Top">How many next-token candidates to list.</param>
/// <param name="AllowMissing">Glob patterns of model keys that may be absent.</param>
/// <param name="VideoPath">A video for a LLaVA-OneVision or SigLIP checkpoint, or null.</param>
/// <param name="Frames">Frames sampled from the video.</param>
/// <param name="Variant">What to build on a LLaVA-OneVision checkpoint.</param>
public sealed record CheckpointRunOptions(string Folder, string Prompt, bool Raw = false, string? System = null, int Top = 5, IReadOnlyList<string>? AllowMissing = null,
    string? VideoPath = null, int Frames = 8, LlavaOnevisionVariant Variant = LlavaOnevisionVariant.Base);

/// <summary>The outcome of one prefill of a checkpoint.</summary>
/// <param name="Description">config.json's fields, in one line.</param>
/// <param name="Files">The safetensors files read.</param>
/// <param name="Report">What loading did.</param>
/// <param name="PromptIds">The ids the model saw.</param>
/// <param name="LoadMs">Building and loading.</param>
/// <param name="PrefillMs">The forward pass.</param>
/// <param name="Top">Next-token candidates at the last position (empty for a vision encoder).</param>
/// <param name="Outputs">Output tensors' shapes and a summary of their values (a vision encoder's features), else empty.</param>
public sealed record CheckpointRunResult(string Description, IReadOnlyList<string> Files, StrictLoadReport Report, int[] PromptIds,
    double LoadMs, double PrefillMs, IReadOnlyList<TopToken> Top, IReadOnlyList<string> Outputs);

/// <summary>One forward pass of a Hugging Face Qwen2 checkpoint on a prompt: the most likely next tokens.</summary>
public static class CheckpointForward
{
    /// <summary>Encodes the prompt (ChatML unless raw), checks the guards, loads the checkpoint and runs the prefill.</summary>
    /// <param name="options">What to run.</param>
    /// <exception cref="ZooUserException">A bad folder, option, or a run over the model's limits.</exception>
    public static CheckpointRunResult Run(CheckpointRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (HfConfigJson.ArchitectureOf(options.Folder))
        {
            case "SiglipVisionModel":
                return RunSiglip(options);
            case "LlavaOnevisionForConditionalGeneration":
                return RunLlava(options);
        }

        if (options.VideoPath is not null)
        {
            throw new ZooUserException($"'{options.Folder}' is a text-only Qwen2ForCausalLM: --video needs a LlavaOnevisionForConditionalGeneration or SiglipVisionModel checkpoint");
        }

        var config = Qwen2Checkpoint.ReadConfig(options.Folder);
        if (options.Top < 1 || options.Top > config.Llm.Vocab)
        {
            throw new ZooUserException($"--top ({options.Top}) must be in [1, {config.Llm.Vocab}] (the vocabulary)");
        }

        var tokenizer = Qwen2Tokenizer.Load(options.Folder);
        var ids = EncodePrompt(tokenizer, options.Prompt, options.Raw, options.System);
        InferenceGuards.EnsurePositions(ids.Length, config.Llm.MaxPositions, $"{ids.Length} prompt tokens");
        InferenceGuards.EnsureWorkingMemoryFits(InferenceGuards.PrefillBytes(config.Llm, ids.Length), $"KV cache and attention scores for {ids.Length} positions");
        using var checkpoint = Qwen2Checkpoint.Load(options.Folder, options.AllowMissing);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var watch = Stopwatch.StartNew();
        var input = torch.tensor(ids.Select(i => (long)i).ToArray(), new long[] { 1, ids.Length });   // [1, S]
        var last = checkpoint.Model.call(input, new DecoderInputs(LogitsToKeep: 1))[0, -1];   // [V]
        watch.Stop();
        return new CheckpointRunResult(config.ToString(), checkpoint.Files, checkpoint.Report, ids, checkpoint.LoadMs, watch.Elapsed.TotalMilliseconds,
            TopTokens(last, options.Top, tokenizer), Array.Empty<string>());
    }

    private static TopToken[] TopTokens(Tensor last, int k, Qwen2Tokenizer tokenizer)
    {
        var probabilities = last.softmax(0).data<float>().ToArray();
        var (values, indexes) = last.topk(k);
        var logits = values.data<float>().ToArray();
        return indexes.data<long>().ToArray()
            .Select((id, i) => new TopToken(i + 1, (int)id, id < tokenizer.VocabSize ? tokenizer.Display((int)id) : $"<|unused_{id}|>", probabilities[id], logits[i]))
            .ToArray();
    }

    private static Tensor ReadVideo(CheckpointRunOptions options, int image)
    {
        if (options.VideoPath is null)
        {
            throw new ZooUserException($"'{options.Folder}' is a vision model: give --video FILE");
        }

        if (options.Frames < 1)
        {
            throw new ZooUserException($"--frames ({options.Frames}) must be ≥ 1");
        }

        var decoded = Video.FfmpegFrameReader.Read(options.VideoPath, options.Frames, image);
        return Video.FfmpegFrameReader.ToTensor(decoded).unsqueeze(0);   // [1, T, 3, S, S]
    }

    // SigLIP on the video's frames: last_hidden_state and pooler_output per frame.
    private static CheckpointRunResult RunSiglip(CheckpointRunOptions options)
    {
        var config = SiglipCheckpointConfig.ReadFolder(options.Folder);
        var v = config.Vision;
        InferenceGuards.EnsureWorkingMemoryFits(4L * options.Frames * v.PatchGrid * v.PatchGrid * (8L * v.Hidden + 2L * v.Mlp + (long)v.Heads * v.PatchGrid * v.PatchGrid),
            $"{options.Frames} frames through the vision encoder");
        using var scope = torch.NewDisposeScope();
        var pixels = ReadVideo(options, v.Image);
        using var checkpoint = SiglipCheckpoint.Load(options.Folder, options.AllowMissing);
        var watch = Stopwatch.StartNew();
        var (last, pooled) = checkpoint.Forward(pixels);
        watch.Stop();
        var outputs = new List<string> { Summary("last_hidden_state", last) };
        if (pooled is not null)
        {
            outputs.Add(Summary("pooler_output", pooled));
        }

        return new CheckpointRunResult(config.ToString(), checkpoint.Files, checkpoint.Report, Array.Empty<int>(), checkpoint.LoadMs, watch.Elapsed.TotalMilliseconds,
            Array.Empty<TopToken>(), outputs);
    }

    private static string Summary(string name, Tensor t) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{name} ({string.Join(", ", t.shape)}): mean {t.mean().item<float>():F4}, std {t.std().item<float>():F4}");

    // LLaVA-OneVision (or CrossLMM on it) on a video and a prompt: the next tokens after the expanded prompt.
    private static CheckpointRunResult RunLlava(CheckpointRunOptions options)
    {
        var config = LlavaOnevisionCheckpointConfig.ReadFolder(options.Folder);
        if (options.Top < 1 || options.Top > config.Llm.Vocab)
        {
            throw new ZooUserException($"--top ({options.Top}) must be in [1, {config.Llm.Vocab}] (the vocabulary)");
        }

        var tokenizer = Qwen2Tokenizer.Load(options.Folder);
        long visual = config.VideoTokens(Math.Max(options.Frames, 1));
        var prompt = VideoPrompt.Encode(tokenizer, options.Prompt, options.Raw, options.System, config.VideoTokenId, Math.Min(visual, config.Llm.MaxPositions + 1L));
        long length = prompt.TextIds.Length + visual;
        InferenceGuards.EnsurePositions(length, config.Llm.MaxPositions, $"{visual} visual tokens for {options.Frames} frames + {prompt.TextIds.Length} prompt tokens");
        InferenceGuards.EnsureWorkingMemoryFits(VideoPrefillBytes(config, options.Frames, length),
            $"{options.Frames} frames through the vision tower, KV cache and attention scores for {length} positions");
        using var scope = torch.NewDisposeScope();
        var pixels = ReadVideo(options, config.Vision.Image);
        using var checkpoint = LlavaOnevisionCheckpoint.Load(options.Folder, options.Variant, options.AllowMissing);
        using var noGrad = torch.no_grad();
        var watch = Stopwatch.StartNew();
        var ids = torch.tensor(prompt.TextIds.Select(i => (long)i).ToArray(), new long[] { 1, prompt.TextIds.Length });   // [1, L]
        using var output = checkpoint.Model.call(new Modules.VideoLmmInput(pixels, ids, VideoPosition: prompt.VideoPosition, LogitsToKeep: 1), null);
        var last = output.Logits[0, -1];   // [V]
        watch.Stop();
        return new CheckpointRunResult(config.ToString(), checkpoint.Files, checkpoint.Report, prompt.Ids, checkpoint.LoadMs, watch.Elapsed.TotalMilliseconds,
            TopTokens(last, options.Top, tokenizer), Array.Empty<string>());
    }

    /// <summary>
    /// Peak working memory of a LLaVA-OneVision video prefill: every frame's patch tokens through one vision block (activations
    /// and attention scores), and the LLM prefill over <paramref name="length"/> positions (<see cref="InferenceGuards.PrefillBytes"/>); fp32.
    /// </summary>
    /// <param name="config">Sizes.</param>
    /// <param name="frames">T.</param>
    /// <param name="length">Stream positions (text + visual + new tokens).</param>
    public static long VideoPrefillBytes(LlavaOnevisionCheckpointConfig config, int frames, long length)
    {
        ArgumentNullException.ThrowIfNull(config);
        var v = config.Vision;
        double n = (double)v.PatchGrid * v.PatchGrid;
        double vision = 4.0 * frames * n * (8.0 * v.Hidden + 2.0 * v.Mlp + v.Heads * n);
        double total = vision + InferenceGuards.PrefillBytes(config.Llm, length);
        return total >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)total;
    }

    /// <summary>The prompt's ids: the ChatML template with the given or default system message, or the raw text (special tokens parsed).</summary>
    /// <param name="tokenizer">The checkpoint's tokenizer.</param>
    /// <param name="prompt">The text.</param>
    /// <param name="raw">Skip the template.</param>
    /// <param name="system">A system message, or null for the template's default.</param>
    public static int[] EncodePrompt(Qwen2Tokenizer tokenizer, string prompt, bool raw, string? system)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        return raw
            ? tokenizer.Encode(prompt, addBos: false, parseSpecialTokens: true)
            : ChatMlTemplate.Encode(tokenizer, ChatMlTemplate.Conversation(prompt, system ?? ChatMlTemplate.DefaultSystemPrompt(tokenizer.Files.ChatTemplate)));
    }
}
