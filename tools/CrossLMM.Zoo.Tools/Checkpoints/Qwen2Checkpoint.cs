using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Tools.Inference;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>
/// A Hugging Face <c>Qwen2ForCausalLM</c> checkpoint folder loaded into the zoo: <c>config.json</c> sizes the
/// <see cref="Qwen2ForCausalLM"/> (no preset), the safetensors weights load strictly under HF's own key names
/// (<c>model.embed_tokens.weight</c>, <c>model.layers.N.self_attn.q_proj.weight</c>, …, <c>lm_head.weight</c> unless
/// <c>tie_word_embeddings</c>), and <c>tokenizer.json</c> gives the <see cref="Qwen2Tokenizer"/>. Weights are fp32.
/// </summary>
public sealed class Qwen2Checkpoint : IDisposable
{
    private Qwen2Checkpoint(string folder, Qwen2CheckpointConfig config, Qwen2ForCausalLM model, Qwen2Tokenizer tokenizer, StrictLoadReport report, IReadOnlyList<string> files, double loadMs)
    {
        Folder = folder;
        Config = config;
        Model = model;
        Tokenizer = tokenizer;
        Report = report;
        Files = files;
        LoadMs = loadMs;
        StopIds = StopIdsOf(config.EosTokenIds, tokenizer);
    }

    /// <summary>Ids that end generation: the config's <c>eos_token_id</c>, the tokenizer's EOS, <c>&lt;|im_end|&gt;</c> and <c>&lt;|endoftext|&gt;</c>.</summary>
    /// <param name="eosTokenIds">config.json's eos_token_id.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    public static int[] StopIdsOf(IEnumerable<int> eosTokenIds, Qwen2Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(eosTokenIds);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var stops = new SortedSet<int>(eosTokenIds) { tokenizer.EosId };
        if (tokenizer.ImEnd is int imEnd) stops.Add(imEnd);
        if (tokenizer.EndOfText is int eot) stops.Add(eot);
        return stops.ToArray();
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>config.json's fields.</summary>
    public Qwen2CheckpointConfig Config { get; }

    /// <summary>The model, in eval mode.</summary>
    public Qwen2ForCausalLM Model { get; }

    /// <summary>The tokenizer.</summary>
    public Qwen2Tokenizer Tokenizer { get; }

    /// <summary>What loading did.</summary>
    public StrictLoadReport Report { get; }

    /// <summary>The safetensors files read.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Wall time of building and loading.</summary>
    public double LoadMs { get; }

    /// <summary>Ids that end generation: config.json's <c>eos_token_id</c>, the tokenizer's EOS, <c>&lt;|im_end|&gt;</c> and <c>&lt;|endoftext|&gt;</c>.</summary>
    public IReadOnlyList<int> StopIds { get; }

    /// <summary>Reads config.json only (no allocation): what <see cref="Load"/> would build.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <exception cref="ZooUserException">Not a folder, or a bad config.</exception>
    public static Qwen2CheckpointConfig ReadConfig(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new ZooUserException($"checkpoint folder not found: '{folder}'");
        }

        return Qwen2CheckpointConfig.Read(Path.Combine(folder, "config.json"));
    }

    /// <summary>Builds the model from config.json and loads the weights and the tokenizer.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="allowMissing">Glob patterns of model keys that may be absent from the checkpoint.</param>
    /// <exception cref="ZooUserException">Anything wrong with the folder, or a model too large for the memory available.</exception>
    public static Qwen2Checkpoint Load(string folder, IEnumerable<string>? allowMissing = null)
    {
        var watch = Stopwatch.StartNew();
        var config = ReadConfig(folder);
        var tokenizer = Qwen2Tokenizer.Load(folder);
        if (tokenizer.VocabSize > config.Llm.Vocab)
        {
            throw new ZooUserException($"the tokenizer has {tokenizer.VocabSize} ids but config.json's vocab_size is {config.Llm.Vocab}");
        }

        using var weights = CheckpointWeights.Open(folder);
        InferenceGuards.EnsureWeightsFit(ParameterCount(config.Llm), $"{config.Architecture} from '{folder}'");
        var model = new Qwen2ForCausalLM(config.Llm);
        try
        {
            var ignore = config.Llm.TieEmbeddings ? new[] { "lm_head.weight" } : Array.Empty<string>();
            var report = StrictStateLoader.Load(model, weights, allowMissing, ignore, Modules.Core.HfKeyMap.Compose(model));
            model.eval();
            watch.Stop();
            return new Qwen2Checkpoint(folder, config, model, tokenizer, report, weights.Files, watch.Elapsed.TotalMilliseconds);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Parameters of a Qwen2ForCausalLM of these sizes (q/k/v biases, untied head counted once more).</summary>
    /// <param name="llm">Sizes.</param>
    public static long ParameterCount(LanguageModelConfig llm)
    {
        ArgumentNullException.ThrowIfNull(llm);
        long h = llm.Hidden, kv = llm.KvWidth;
        long layer = (h * h + h) + 2 * (h * kv + kv) + h * h + 3 * h * llm.Mlp + 2 * h;
        return (long)llm.Vocab * h * (llm.TieEmbeddings ? 1 : 2) + llm.Layers * layer + h;
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => Model.Dispose();
}
