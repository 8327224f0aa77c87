using System.Globalization;
using System.IO;
using System.Text.Json;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>
/// The fields of a Hugging Face <c>SiglipVisionConfig</c> (a <c>SiglipVisionModel</c>'s config.json, or LLaVA-OneVision's
/// <c>vision_config</c>) with HF's defaults for absent ones, mapped to the zoo's <see cref="VisionConfig"/>. Refused rather
/// than approximated: an activation other than <c>gelu_pytorch_tanh</c>, an image side that is not a whole number of patches.
/// </summary>
/// <param name="Vision">The sizes (kind <c>vit</c>).</param>
/// <param name="UseHead">HF's <c>vision_use_head</c> (default true): the attention-pooling head and its <c>head.*</c> keys.</param>
/// <param name="TorchDtype">The stored dtype the config names, or null; informational.</param>
public sealed record SiglipCheckpointConfig(VisionConfig Vision, bool UseHead, string? TorchDtype)
{
    /// <summary>Reads a <c>SiglipVisionModel</c> folder's config.json.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <exception cref="ZooUserException">A missing or malformed file, another architecture, or an unsupported setting.</exception>
    public static SiglipCheckpointConfig ReadFolder(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        return HfConfigJson.Read(path, (root, p) =>
        {
            string architecture = HfConfigJson.Architecture(root);
            if (architecture != "SiglipVisionModel")
            {
                throw new ZooUserException($"'{p}' describes {(architecture.Length > 0 ? architecture : "no architecture")}, not SiglipVisionModel");
            }

            return FromJson(root, p);
        });
    }

    /// <summary>Reads a vision config object.</summary>
    /// <param name="root">The object (config.json's root, or <c>vision_config</c>).</param>
    /// <param name="path">The file, for messages.</param>
    /// <exception cref="ZooUserException">An unsupported setting or invalid sizes.</exception>
    internal static SiglipCheckpointConfig FromJson(JsonElement root, string path)
    {
        string act = root.TryGetProperty("hidden_act", out var h) ? h.GetString() ?? "gelu_pytorch_tanh" : "gelu_pytorch_tanh";
        if (act is not ("gelu_pytorch_tanh" or "gelu_new"))
        {
            throw new ZooUserException($"'{path}': the vision hidden_act is '{act}'; SigLIP's MLP here is GELU with the tanh approximation (gelu_pytorch_tanh)");
        }

        int image = Qwen2CheckpointConfig.Int(root, "image_size", 224, path);
        int patch = Qwen2CheckpointConfig.Int(root, "patch_size", 16, path);
        if (patch < 1 || image % patch != 0)
        {
            // HF's stride-patch convolution drops the remainder silently; the zoo's embedding would then disagree on N.
            throw new ZooUserException($"'{path}': image_size ({image}) is not a multiple of patch_size ({patch}); not supported");
        }

        var vision = new VisionConfig(
            VisionKind.Vit,
            image,
            patch,
            Qwen2CheckpointConfig.Int(root, "num_channels", 3, path),
            Qwen2CheckpointConfig.Int(root, "hidden_size", 768, path),
            Qwen2CheckpointConfig.Int(root, "num_hidden_layers", 12, path),
            Qwen2CheckpointConfig.Int(root, "num_attention_heads", 12, path),
            Qwen2CheckpointConfig.Int(root, "intermediate_size", 3072, path),
            Qwen2CheckpointConfig.Double(root, "layer_norm_eps", 1e-6));
        var problems = vision.Validate();
        if (problems.Count > 0)
        {
            throw new ZooUserException($"'{path}': {string.Join("; ", problems)}");
        }

        return new SiglipCheckpointConfig(vision, Qwen2CheckpointConfig.Bool(root, "vision_use_head", true), Qwen2CheckpointConfig.Dtype(root));
    }

    /// <summary>"SiglipVisionModel: 27 layers, hidden 1152, 16 heads, mlp 4304, 384 px / patch 14 (27×27 tokens), head".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"SiglipVisionModel: {Vision.Layers} layers, hidden {Vision.Hidden}, {Vision.Heads} heads, mlp {Vision.Mlp}, {Vision.Image} px / patch {Vision.Patch} ({Vision.PatchGrid}×{Vision.PatchGrid} tokens), {(UseHead ? "pooling head" : "no head")}");
}
