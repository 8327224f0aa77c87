using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>The outcome of <c>TextGenerator.Generate</c>.</summary>
/// <param name="PromptIds">The ids the model saw (after the chat template, if any).</param>
/// <param name="GeneratedIds">New ids, the stop token included when one ended the run.</param>
/// <param name="Text">The generated text (special tokens left out).</param>
/// <param name="StopReason"><c>stop_token</c> or <c>max_new_tokens</c>.</param>
/// <param name="PrefillMs">The prompt's forward pass.</param>
/// <param name="DecodeMs">The one-token steps after it.</param>
/// <param name="DecodeSteps">How many one-token steps ran.</param>
public sealed record GenerationResult(int[] PromptIds, int[] GeneratedIds, string Text, string StopReason, double PrefillMs, double DecodeMs, int DecodeSteps)
{
    /// <summary>Prompt tokens per second of the prefill.</summary>
    public double PrefillTokensPerSecond => PrefillMs > 0 ? PromptIds.Length / (PrefillMs / 1000) : 0;

    /// <summary>Tokens per second of the decode steps.</summary>
    public double DecodeTokensPerSecond => DecodeMs > 0 ? DecodeSteps / (DecodeMs / 1000) : 0;
}

/// <summary>
/// Autoregressive generation with a Qwen2 language model over the KV cache: one prefill pass over the prompt
/// (logits of the last position only), then one single-token pass per new token that reuses the cached keys
/// and values. Text is streamed as soon as it forms complete characters.
/// </summary>
public static class TextGenerator
{
    /// <summary>Generates up to <paramref name="maxNewTokens"/> tokens.</summary>
    /// <param name="model">The language model.</param>
    /// <param name="tokenizer">Its tokenizer (decodes the stream).</param>
    /// <param name="promptIds">The prompt, ≥ 1 id.</param>
    /// <param name="maxNewTokens">≥ 1.</param>
    /// <param name="stopIds">Ids that end the run (EOS, <c>&lt;|im_end|&gt;</c>).</param>
    /// <param name="sampling">Greedy or sampling.</param>
    /// <param name="onText">Receives each new piece of text, or null.</param>
    /// <exception cref="ZooUserException">An empty prompt or a bad option.</exception>
    public static GenerationResult Generate(Qwen2ForCausalLM model, ITokenizer tokenizer, int[] promptIds, int maxNewTokens, IReadOnlyCollection<int> stopIds,
        SamplingOptions sampling, Action<string>? onText = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(promptIds);
        return Run(
            cache =>
            {
                var ids = torch.tensor(promptIds.Select(i => (long)i).ToArray(), new long[] { 1, promptIds.Length });   // [1, S]
                return model.call(ids, new DecoderInputs(null, cache, LogitsToKeep: 1));
            },
            (step, cache) => model.call(step, new DecoderInputs(null, cache)),
            tokenizer, promptIds, maxNewTokens, stopIds, sampling, onText);
    }

    /// <summary>
    /// Generates an answer to a video: the prefill runs the whole <see cref="VideoLmm"/> (vision tower, projector, the
    /// visual tokens placed where the prompt's <c>&lt;video&gt;</c> run was, fusion blocks filling their cache slots),
    /// each step <see cref="VideoLmm.Decode"/> over the KV cache.
    /// </summary>
    /// <param name="model">The video LMM.</param>
    /// <param name="video">Frames (1, T, C, H, W).</param>
    /// <param name="prompt">The expanded prompt (its <see cref="ExpandedVideoPrompt.Ids"/> are reported as the prompt ids).</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="maxNewTokens">≥ 1.</param>
    /// <param name="stopIds">Ids that end the run.</param>
    /// <param name="sampling">Greedy or sampling.</param>
    /// <param name="onText">Receives each new piece of text, or null.</param>
    /// <exception cref="ZooUserException">A run whose visual token count differs from the prompt's placeholder run, or a bad option.</exception>
    public static GenerationResult Generate(VideoLmm model, Tensor video, ExpandedVideoPrompt prompt, ITokenizer tokenizer, int maxNewTokens,
        IReadOnlyCollection<int> stopIds, SamplingOptions sampling, Action<string>? onText = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(prompt);
        return Run(
            cache =>
            {
                var ids = torch.tensor(prompt.TextIds.Select(i => (long)i).ToArray(), new long[] { 1, prompt.TextIds.Length });   // [1, L]
                var output = model.call(new VideoLmmInput(video, ids, VideoPosition: prompt.VideoPosition, LogitsToKeep: 1), cache);
                if (output.Counts.VisualTokensInStream != prompt.VisualTokens)
                {
                    throw new ZooUserException($"the model put {output.Counts.VisualTokensInStream} visual tokens in the stream, but the prompt's <video> run has {prompt.VisualTokens}");
                }

                return output.Logits;
            },
            (step, cache) => model.Decode(step, cache),
            tokenizer, prompt.Ids, maxNewTokens, stopIds, sampling, onText);
    }

    private static GenerationResult Run(Func<KvCache, Tensor> prefill, Func<Tensor, KvCache, Tensor> step, ITokenizer tokenizer, int[] promptIds, int maxNewTokens,
        IReadOnlyCollection<int> stopIds, SamplingOptions sampling, Action<string>? onText)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentNullException.ThrowIfNull(stopIds);
        if (promptIds.Length == 0)
        {
            throw new ZooUserException("the prompt encodes to no tokens");
        }

        if (maxNewTokens < 1)
        {
            throw new ZooUserException($"--max-new-tokens ({maxNewTokens}) must be ≥ 1");
        }

        var sampler = new TokenSampler(sampling);
        var stream = new TextStream(tokenizer);
        var generated = new List<int>(maxNewTokens);
        using var cache = new KvCache();
        using var noGrad = torch.no_grad();
        string reason = "max_new_tokens";

        var watch = Stopwatch.StartNew();
        float[] logits;
        using (var scope = torch.NewDisposeScope())
        {
            logits = prefill(cache)[0, -1].data<float>().ToArray();   // [V]
        }

        double prefillMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        int steps = 0;
        while (true)
        {
            int next = sampler.Next(logits);
            generated.Add(next);
            if (stopIds.Contains(next))
            {
                reason = "stop_token";
                break;
            }

            if (onText is not null && stream.Add(next) is { Length: > 0 } piece)
            {
                onText(piece);
            }
            else if (onText is null)
            {
                stream.Add(next);
            }

            if (generated.Count == maxNewTokens)
            {
                break;
            }

            using var scope = torch.NewDisposeScope();
            var nextIds = torch.tensor(new long[] { next }, new long[] { 1, 1 });   // [1, 1]
            logits = step(nextIds, cache)[0, -1].data<float>().ToArray();
            steps++;
        }

        double decodeMs = watch.Elapsed.TotalMilliseconds;
        if (onText is not null && stream.Flush() is { Length: > 0 } rest)
        {
            onText(rest);
        }

        return new GenerationResult(promptIds, generated.ToArray(), tokenizer.Decode(generated), reason, prefillMs, decodeMs, steps);
    }
}

/// <summary>Incremental decoding for streaming: emits text once its UTF-8 bytes form whole characters.</summary>
public sealed class TextStream
{
    private readonly ITokenizer _tokenizer;
    private readonly List<int> _ids = new();
    private int _emitted;

    /// <summary>A stream over <paramref name="tokenizer"/>.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    public TextStream(ITokenizer tokenizer) => _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));

    /// <summary>Adds a token; returns the new complete text (possibly empty).</summary>
    /// <param name="id">Token id.</param>
    public string Add(int id)
    {
        _ids.Add(id);
        string text = _tokenizer.Decode(_ids);
        if (text.EndsWith('\uFFFD') || text.Length <= _emitted)
        {
            return string.Empty;   // an incomplete UTF-8 sequence: wait for its next bytes
        }

        string piece = text[_emitted..];
        _emitted = text.Length;
        return piece;
    }

    /// <summary>Whatever is left (an incomplete sequence at the end, as replacement characters).</summary>
    public string Flush()
    {
        string text = _tokenizer.Decode(_ids);
        string piece = text.Length > _emitted ? text[_emitted..] : string.Empty;
        _emitted = text.Length;
        return piece;
    }
}

/// <summary>The outcome of <see cref="BatchGenerator.Generate"/>: one <see cref="GenerationResult"/> per prompt (each with the batch's timings).</summary>
/// <param name="Results">Per prompt, in order.</param>
/// <param name="PaddedLength">The left-padded prompt length of the batch.</param>
public sealed record BatchGenerationResult(IReadOnlyList<GenerationResult> Results, int PaddedLength);

/// <summary>
/// Batched generation, as Hugging Face's <c>generate</c> does it for decoder-only models: prompts left-padded with the
/// tokenizer's pad id to one length, a (B, S) padding mask for the prefill (positions follow <c>cumsum(mask) − 1</c>,
/// padded keys are hidden), then one position per step for every row over the shared KV cache. A row that has
/// produced a stop id is finished; its later tokens are computed but dropped.
/// </summary>
public static class BatchGenerator
{
    /// <summary>Generates for every prompt.</summary>
    /// <param name="model">The language model.</param>
    /// <param name="tokenizer">Its tokenizer (pad id, decoding).</param>
    /// <param name="prompts">The prompts' ids, each ≥ 1 id.</param>
    /// <param name="maxNewTokens">≥ 1.</param>
    /// <param name="stopIds">Ids that finish a row.</param>
    /// <param name="sampling">Greedy or sampling (one sampler, rows drawn in order).</param>
    /// <exception cref="ZooUserException">No prompts, an empty prompt, or a bad option.</exception>
    public static BatchGenerationResult Generate(Qwen2ForCausalLM model, ITokenizer tokenizer, IReadOnlyList<int[]> prompts, int maxNewTokens,
        IReadOnlyCollection<int> stopIds, SamplingOptions sampling)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(stopIds);
        if (prompts.Count == 0 || prompts.Any(p => p.Length == 0))
        {
            throw new ZooUserException(prompts.Count == 0 ? "no prompts to generate for" : "a prompt encodes to no tokens");
        }

        if (maxNewTokens < 1)
        {
            throw new ZooUserException($"--max-new-tokens ({maxNewTokens}) must be ≥ 1");
        }

        int b = prompts.Count, s = prompts.Max(p => p.Length);
        var ids = new long[b * s];
        var mask = new bool[b * s];
        for (int r = 0; r < b; r++)
        {
            int pad = s - prompts[r].Length;
            for (int j = 0; j < s; j++)
            {
                ids[r * s + j] = j < pad ? tokenizer.PadId : prompts[r][j - pad];
                mask[r * s + j] = j >= pad;
            }
        }

        var sampler = new TokenSampler(sampling);
        var generated = Enumerable.Range(0, b).Select(_ => new List<int>(maxNewTokens)).ToArray();
        var finished = new bool[b];
        using var cache = new KvCache();
        using var noGrad = torch.no_grad();
        var watch = Stopwatch.StartNew();
        float[][] logits;
        using (var scope = torch.NewDisposeScope())
        {
            var input = torch.tensor(ids, new long[] { b, s });   // [B, S]
            var padding = torch.tensor(mask, new long[] { b, s });   // [B, S]
            logits = Rows(model.call(input, new DecoderInputs(padding, cache, LogitsToKeep: 1)));
        }

        double prefillMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        int steps = 0;
        while (true)
        {
            var next = new long[b];
            for (int r = 0; r < b; r++)
            {
                int token = sampler.Next(logits[r]);
                next[r] = token;
                if (!finished[r])
                {
                    generated[r].Add(token);
                    finished[r] = stopIds.Contains(token);
                }
            }

            if (finished.All(f => f) || steps + 1 == maxNewTokens)
            {
                break;
            }

            using var scope = torch.NewDisposeScope();
            logits = Rows(model.call(torch.tensor(next, new long[] { b, 1 }), new DecoderInputs(null, cache)));   // [B, 1] → [B, 1, V]
            steps++;
        }

        double decodeMs = watch.Elapsed.TotalMilliseconds;
        var results = Enumerable.Range(0, b).Select(r => new GenerationResult(prompts[r], generated[r].ToArray(), tokenizer.Decode(generated[r]),
            finished[r] ? "stop_token" : "max_new_tokens", prefillMs, decodeMs, steps)).ToArray();
        return new BatchGenerationResult(results, s);
    }

    private static float[][] Rows(Tensor logits)
    {
        var last = logits.select(1, logits.shape[1] - 1);   // [B, V]
        return Enumerable.Range(0, (int)last.shape[0]).Select(r => last[r].data<float>().ToArray()).ToArray();
    }
}
