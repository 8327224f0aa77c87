using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>
/// The fields of a Hugging Face <c>LlavaOnevisionConfig</c> (HF's defaults for absent ones) the zoo's video path needs:
/// <c>vision_config</c> (SigLIP), <c>text_config</c> (Qwen2), <c>vision_feature_layer</c>, <c>video_token_index</c>,
/// <c>image_token_index</c>. Refused rather than approximated: a list of feature layers, the <c>default</c> feature
/// strategy (it drops a CLS token SigLIP does not have), a projector activation other than <c>gelu</c>, a projector
/// without bias, and SigLIP with the pooling head.
/// </summary>
/// <param name="Vision">SigLIP's sizes.</param>
/// <param name="Llm">Qwen2's sizes (tie from <c>text_config</c>, else the top level).</param>
/// <param name="FeatureLayer"><c>vision_feature_layer</c> (default −1: the last block, before SigLIP's post-layernorm).</param>
/// <param name="VideoTokenId"><c>video_token_index</c> (default 151647): the <c>&lt;video&gt;</c> placeholder.</param>
/// <param name="ImageTokenId"><c>image_token_index</c> (default 151646).</param>
/// <param name="EosTokenIds"><c>text_config.eos_token_id</c> or the top level's.</param>
/// <param name="TorchDtype">The stored dtype the config names, or null.</param>
public sealed record LlavaOnevisionCheckpointConfig(VisionConfig Vision, LanguageModelConfig Llm, int FeatureLayer, int VideoTokenId, int ImageTokenId,
    IReadOnlyList<int> EosTokenIds, string? TorchDtype)
{
    /// <summary>Side of each frame's pooled grid in the LLM stream: ⌈g/2⌉ (14 for 27×27).</summary>
    public int PooledGrid => (Vision.PatchGrid + 1) / 2;

    /// <summary>Visual tokens of a video of <paramref name="frames"/> frames: T·⌈g/2⌉² + 1 (HF's processor: frames × pooled grid + the newline).</summary>
    /// <param name="frames">T.</param>
    public long VideoTokens(int frames) => (long)frames * PooledGrid * PooledGrid + 1;

    /// <summary>Reads a checkpoint folder's config.json.</summary>
    /// <param name="folder">The folder.</param>
    /// <exception cref="ZooUserException">A missing or malformed file, another architecture, or an unsupported setting.</exception>
    public static LlavaOnevisionCheckpointConfig ReadFolder(string folder) =>
        HfConfigJson.Read(Path.Combine(folder, "config.json"), FromJson);

    private static LlavaOnevisionCheckpointConfig FromJson(JsonElement root, string path)
    {
        string architecture = HfConfigJson.Architecture(root);
        if (architecture != "LlavaOnevisionForConditionalGeneration")
        {
            throw new ZooUserException($"'{path}' describes {(architecture.Length > 0 ? architecture : "no architecture")}, not LlavaOnevisionForConditionalGeneration");
        }

        if (!root.TryGetProperty("vision_config", out var visionJson) || visionJson.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("text_config", out var textJson) || textJson.ValueKind != JsonValueKind.Object)
        {
            throw new ZooUserException($"'{path}' has no vision_config or text_config object (HF's defaults for them are not the released models' sizes)");
        }

        var siglip = SiglipCheckpointConfig.FromJson(visionJson, path);
        if (siglip.UseHead)
        {
            throw new ZooUserException($"'{path}': vision_config.vision_use_head is true; LLaVA-OneVision's tower has no pooling head (set it false, as the released configs do)");
        }

        // text_config inherits the top-level tie_word_embeddings when it does not say
        var llm = Qwen2CheckpointConfig.ReadLanguageModel(textJson, path);
        if (!textJson.TryGetProperty("tie_word_embeddings", out _))
        {
            llm = llm with { TieEmbeddings = Qwen2CheckpointConfig.Bool(root, "tie_word_embeddings", false) };
        }

        if (!root.TryGetProperty("vision_feature_layer", out var layerJson))
        {
            layerJson = default;
        }

        if (layerJson.ValueKind == JsonValueKind.Array)
        {
            throw new ZooUserException($"'{path}': vision_feature_layer is a list ({layerJson.GetRawText()}); concatenated feature layers are not implemented");
        }

        int featureLayer = Qwen2CheckpointConfig.Int(root, "vision_feature_layer", -1, path);
        int layers = siglip.Vision.Layers;
        if (featureLayer < -(layers + 1) || featureLayer > layers)
        {
            throw new ZooUserException($"'{path}': vision_feature_layer ({featureLayer}) is outside [{-(layers + 1)}, {layers}] for {layers} vision layers");
        }

        string strategy = root.TryGetProperty("vision_feature_select_strategy", out var s) ? s.GetString() ?? "full" : "full";
        if (strategy != "full")
        {
            throw new ZooUserException($"'{path}': vision_feature_select_strategy is '{strategy}'; only 'full' is implemented ('default' drops a CLS token SigLIP does not have)");
        }

        string act = root.TryGetProperty("projector_hidden_act", out var a) ? a.GetString() ?? "gelu" : "gelu";
        if (act != "gelu")
        {
            throw new ZooUserException($"'{path}': projector_hidden_act is '{act}'; the projector here uses exact GELU ('gelu')");
        }

        if (!Qwen2CheckpointConfig.Bool(root, "multimodal_projector_bias", true))
        {
            throw new ZooUserException($"'{path}': multimodal_projector_bias is false; the projector here has biases");
        }

        var eos = Qwen2CheckpointConfig.EosIds(textJson);
        return new LlavaOnevisionCheckpointConfig(siglip.Vision, llm, featureLayer,
            Qwen2CheckpointConfig.Int(root, "video_token_index", 151647, path),
            Qwen2CheckpointConfig.Int(root, "image_token_index", 151646, path),
            eos.Count > 0 ? eos : Qwen2CheckpointConfig.EosIds(root),
            Qwen2CheckpointConfig.Dtype(root) ?? Qwen2CheckpointConfig.Dtype(textJson));
    }

    /// <summary>A one-line summary.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"LlavaOnevisionForConditionalGeneration: SigLIP {Vision.Layers} layers × {Vision.Hidden} ({Vision.Image} px / patch {Vision.Patch}, feature layer {FeatureLayer}), " +
        $"Qwen2 {Llm.Layers} layers × {Llm.Hidden} ({Llm.Heads}/{Llm.KvHeads} heads, vocab {Llm.Vocab}), {PooledGrid}×{PooledGrid} + newline video tokens per frame");
}
