using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>
/// The fields of a Hugging Face <c>config.json</c> that size a <c>Qwen2ForCausalLM</c> (HF's <c>Qwen2Config</c>, with its
/// defaults for absent fields), mapped to the zoo's <see cref="LanguageModelConfig"/>. Settings the zoo does not
/// implement are refused rather than ignored: <c>rope_scaling</c> (YaRN and others), <c>use_sliding_window</c>,
/// an activation other than SiLU, a <c>head_dim</c> other than hidden / heads.
/// </summary>
/// <param name="Architecture">The first entry of <c>architectures</c>.</param>
/// <param name="Llm">The sizes.</param>
/// <param name="TorchDtype">The stored dtype the config names (<c>torch_dtype</c>/<c>dtype</c>), e.g. bfloat16; informational.</param>
/// <param name="EosTokenIds">The config's <c>eos_token_id</c> (a number or a list).</param>
public sealed record Qwen2CheckpointConfig(string Architecture, LanguageModelConfig Llm, string? TorchDtype, IReadOnlyList<int> EosTokenIds)
{
    /// <summary>The architectures this reader maps.</summary>
    public static readonly IReadOnlyList<string> Supported = new[] { "Qwen2ForCausalLM" };

    /// <summary>Reads <c>config.json</c>.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ZooUserException">A missing or malformed file, an unsupported architecture or setting.</exception>
    public static Qwen2CheckpointConfig Read(string path) => HfConfigJson.Read(path, FromJson);

    private static Qwen2CheckpointConfig FromJson(JsonElement root, string path)
    {
        string architecture = HfConfigJson.Architecture(root);
        if (!Supported.Contains(architecture))
        {
            throw new ZooUserException(
                $"'{path}' describes {(architecture.Length > 0 ? architecture : "no architecture")}, not a text-only {string.Join(", ", Supported)}; " +
                $"the zoo loads {string.Join(", ", HfConfigJson.Architectures)} checkpoints");
        }

        return new Qwen2CheckpointConfig(architecture, ReadLanguageModel(root, path), Dtype(root), EosIds(root));
    }

    /// <summary>A Qwen2 text model's sizes from a config object (the whole config.json, or a <c>text_config</c>), HF's defaults for absent fields.</summary>
    /// <param name="root">The object.</param>
    /// <param name="path">The file, for messages.</param>
    /// <exception cref="ZooUserException">A missing size, or a setting the zoo does not implement.</exception>
    internal static LanguageModelConfig ReadLanguageModel(JsonElement root, string path)
    {
        int heads = Int(root, "num_attention_heads", null, path);
        int hidden = Int(root, "hidden_size", null, path);
        var llm = new LanguageModelConfig(
            LanguageModelKind.Qwen2,
            hidden,
            Int(root, "num_hidden_layers", null, path),
            heads,
            Int(root, "num_key_value_heads", heads, path),
            Int(root, "intermediate_size", null, path),
            Int(root, "vocab_size", null, path),
            Double(root, "rope_theta", 10000.0),
            Double(root, "rms_norm_eps", 1e-6),
            Bool(root, "tie_word_embeddings", false),
            Int(root, "max_position_embeddings", 32768, path));
        var problems = llm.Validate();
        if (problems.Count > 0)
        {
            throw new ZooUserException($"'{path}': {string.Join("; ", problems)}");
        }

        string act = root.TryGetProperty("hidden_act", out var h) ? h.GetString() ?? "silu" : "silu";
        if (act != "silu")
        {
            throw new ZooUserException($"'{path}': hidden_act is '{act}'; Qwen2's MLP here is SwiGLU with SiLU");
        }

        if (root.TryGetProperty("rope_scaling", out var scaling) && scaling.ValueKind == JsonValueKind.Object
            && !(scaling.TryGetProperty("rope_type", out var rt) && rt.GetString() == "default"))
        {
            throw new ZooUserException($"'{path}': rope_scaling {scaling.GetRawText()} is not implemented (plain RoPE with rope_theta only)");
        }

        if (Bool(root, "use_sliding_window", false))
        {
            throw new ZooUserException($"'{path}': use_sliding_window is true; sliding-window attention is not implemented");
        }

        if (root.TryGetProperty("head_dim", out var hd) && hd.ValueKind == JsonValueKind.Number && hd.GetInt32() != hidden / heads)
        {
            throw new ZooUserException($"'{path}': head_dim ({hd.GetInt32()}) differs from hidden_size / num_attention_heads ({hidden / heads}); not supported");
        }

        return llm;
    }

    /// <summary><c>torch_dtype</c> (or <c>dtype</c>), or null.</summary>
    /// <param name="root">The config object.</param>
    internal static string? Dtype(JsonElement root) =>
        root.TryGetProperty("torch_dtype", out var td) ? td.GetString() : root.TryGetProperty("dtype", out var d2) ? d2.GetString() : null;

    /// <summary><c>eos_token_id</c>: a number or a list.</summary>
    /// <param name="root">The config object.</param>
    internal static IReadOnlyList<int> EosIds(JsonElement root)
    {
        var eos = new List<int>();
        if (root.TryGetProperty("eos_token_id", out var e))
        {
            if (e.ValueKind == JsonValueKind.Number) eos.Add(e.GetInt32());
            else if (e.ValueKind == JsonValueKind.Array) eos.AddRange(e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetInt32()));
        }

        return eos;

    }

    internal static int Int(JsonElement root, string name, int? fallback, string path)
    {
        if (root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number)
        {
            return v.TryGetInt32(out int i) ? i : throw new ZooUserException($"'{path}': {name} ({v.GetRawText()}) is not an int32");
        }

        return fallback ?? throw new ZooUserException($"'{path}' has no {name}");
    }

    internal static double Double(JsonElement root, string name, double fallback) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;

    internal static bool Bool(JsonElement root, string name, bool fallback) =>
        root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    /// <summary>A one-line summary: "Qwen2ForCausalLM: 24 layers, hidden 896, 14/2 heads, mlp 4864, vocab 151936, tied".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Architecture}: {Llm.Layers} layers, hidden {Llm.Hidden}, {Llm.Heads}/{Llm.KvHeads} heads, mlp {Llm.Mlp}, vocab {Llm.Vocab}, rope_theta {Llm.RopeTheta}, max positions {Llm.MaxPositions}, {(Llm.TieEmbeddings ? "tied" : "untied")} lm_head");
}
