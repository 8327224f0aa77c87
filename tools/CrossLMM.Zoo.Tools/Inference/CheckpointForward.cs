using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Tools.Checkpoints;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>What <c>zoo run --checkpoint</c> does.</summary>
/// <param name="Folder">The Hugging Face checkpoint folder.</param>
/// <param name="Prompt">The user's message (or the raw text).</param>
/// <param name="Raw">Encode the prompt as given instead of through the ChatML template.</param>
/// <param name="System">A system message, or null for the checkpoint's default.</param>
/// <param name="Top">How many next-token candidates to list.</param>
/// <param name="AllowMissing">Glob patterns of model keys that may be absent.</param>
public sealed record CheckpointRunOptions(string Folder, string Prompt, bool Raw = false, string? System = null, int Top = 5, IReadOnlyList<string>? AllowMissing = null);

/// <summary>The outcome of one prefill of a checkpoint.</summary>
/// <param name="Config">config.json's fields.</param>
/// <param name="Files">The safetensors files read.</param>
/// <param name="Report">What loading did.</param>
/// <param name="PromptIds">The ids the model saw.</param>
/// <param name="LoadMs">Building and loading.</param>
/// <param name="PrefillMs">The forward pass.</param>
/// <param name="Top">Next-token candidates at the last position.</param>
public sealed record CheckpointRunResult(Qwen2CheckpointConfig Config, IReadOnlyList<string> Files, StrictLoadReport Report, int[] PromptIds,
    double LoadMs, double PrefillMs, IReadOnlyList<TopToken> Top);

/// <summary>One forward pass of a Hugging Face Qwen2 checkpoint on a prompt: the most likely next tokens.</summary>
public static class CheckpointForward
{
    /// <summary>Encodes the prompt (ChatML unless raw), checks the guards, loads the checkpoint and runs the prefill.</summary>
    /// <param name="options">What to run.</param>
    /// <exception cref="ZooUserException">A bad folder, option, or a run over the model's limits.</exception>
    public static CheckpointRunResult Run(CheckpointRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
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
        var probabilities = last.softmax(0).data<float>().ToArray();
        var (values, indexes) = last.topk(options.Top);
        var logits = values.data<float>().ToArray();
        var top = indexes.data<long>().ToArray()
            .Select((id, k) => new TopToken(k + 1, (int)id, id < tokenizer.VocabSize ? tokenizer.Display((int)id) : $"<|unused_{id}|>", probabilities[id], logits[k]))
            .ToArray();
        return new CheckpointRunResult(config, checkpoint.Files, checkpoint.Report, ids, checkpoint.LoadMs, watch.Elapsed.TotalMilliseconds, top);
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
