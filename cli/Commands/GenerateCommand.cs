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

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo generate</c>: text from a Hugging Face Qwen2 checkpoint (greedy or sampled, over the KV cache), streamed to
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
        var format = CommonOptions.Format(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("generate", "Generate text with a Hugging Face Qwen2 checkpoint (greedy or sampled; KV cache; streams to stdout)")
        {
            checkpoint, prompt, promptsFile, system, raw, maxNew, temperature, topK, topP, seed, allowMissing, format,
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
            bool json = (parse.GetValue(format) ?? OutputFormat.Table) == OutputFormat.Json;
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
        }));
        return command;
    }
}
