using System;
using System.Collections.Generic;
using System.Diagnostics;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Vision;
using CrossLMM.Zoo.Tools.Inference;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>
/// A Hugging Face <c>SiglipVisionModel</c> checkpoint folder (config.json + safetensors; no tokenizer) on the zoo's
/// <see cref="SiglipVisionTransformer"/>, sized by config.json, with the attention-pooling head when
/// <c>vision_use_head</c>. Keys are HF's (<c>vision_model.embeddings.patch_embedding.weight</c>,
/// <c>vision_model.encoder.layers.N.self_attn.q_proj.weight</c>, <c>vision_model.post_layernorm.weight</c>,
/// <c>vision_model.head.attention.in_proj_weight</c>, …) through the block's own <see cref="IHfKeyMapped"/> declaration.
/// Forward: frames (B, T, C, H, W) → <c>last_hidden_state</c> (B, T, N, D) and <c>pooler_output</c> (B, T, D).
/// </summary>
public sealed class SiglipCheckpoint : IDisposable
{
    private SiglipCheckpoint(string folder, SiglipCheckpointConfig config, SiglipVisionTransformer model, StrictLoadReport report, IReadOnlyList<string> files, double loadMs)
    {
        Folder = folder;
        Config = config;
        Model = model;
        Report = report;
        Files = files;
        LoadMs = loadMs;
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>config.json's fields.</summary>
    public SiglipCheckpointConfig Config { get; }

    /// <summary>The vision tower, in eval mode.</summary>
    public SiglipVisionTransformer Model { get; }

    /// <summary>What loading did.</summary>
    public StrictLoadReport Report { get; }

    /// <summary>The safetensors files read.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Wall time of building and loading.</summary>
    public double LoadMs { get; }

    /// <summary>The tower <paramref name="config"/> describes, randomly initialised.</summary>
    /// <param name="config">Sizes.</param>
    public static SiglipVisionTransformer Build(SiglipCheckpointConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var v = config.Vision;
        return new SiglipVisionTransformer(v.Image, v.Patch, v.Channels, v.Hidden, v.Layers, v.Heads, v.Mlp, v.NormEps, poolingHead: config.UseHead);
    }

    /// <summary>Parameters of the tower, without allocating it.</summary>
    /// <param name="config">Sizes.</param>
    public static long ParameterCount(SiglipCheckpointConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var v = config.Vision;
        long d = v.Hidden;
        long tower = (long)v.Channels * v.Patch * v.Patch * d + d + (long)v.PatchGrid * v.PatchGrid * d
            + v.Layers * (4 * (d * d + d) + 2 * d * v.Mlp + v.Mlp + d + 4 * d) + 2 * d;
        long head = d + 3 * d * d + 3 * d + d * d + d + 2 * d + 2 * d * v.Mlp + v.Mlp + d;
        return tower + (config.UseHead ? head : 0);
    }

    /// <summary>Builds the tower from config.json and loads the weights strictly.</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="allowMissing">Glob patterns of keys that may be absent.</param>
    /// <exception cref="ZooUserException">Anything wrong with the folder, or a model too large for the memory available.</exception>
    public static SiglipCheckpoint Load(string folder, IEnumerable<string>? allowMissing = null)
    {
        var watch = Stopwatch.StartNew();
        HfConfigJson.ArchitectureOf(folder);
        var config = SiglipCheckpointConfig.ReadFolder(folder);
        using var weights = CheckpointWeights.Open(folder);
        InferenceGuards.EnsureWeightsFit(ParameterCount(config), $"SiglipVisionModel from '{folder}'");
        var model = Build(config);
        try
        {
            var report = StrictStateLoader.Load(model, weights, allowMissing, null, HfKeyMap.Compose(model));
            model.eval();
            watch.Stop();
            return new SiglipCheckpoint(folder, config, model, report, weights.Files, watch.Elapsed.TotalMilliseconds);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Frames (B, T, C, H, W) → last_hidden_state (B, T, N, D) and, with the head, pooler_output (B, T, D); the caller owns both.</summary>
    /// <param name="frames">Normalised pixels.</param>
    public (Tensor LastHiddenState, Tensor? PoolerOutput) Forward(Tensor frames)
    {
        using var noGrad = torch.no_grad();
        var tokens = Model.call(frames);
        return (tokens, Model.HasPoolingHead ? Model.Pool(tokens) : null);
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => Model.Dispose();
}
