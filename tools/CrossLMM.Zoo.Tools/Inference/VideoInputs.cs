using System;
using CrossLMM.Zoo.Modules;

namespace CrossLMM.Zoo.Tools.Inference;

/// <summary>Synthetic inputs of the right shape for an architecture: what benchmarks and <c>zoo run</c> without a video feed the model.</summary>
public static class VideoInputs
{
    /// <summary>
    /// A random video for <paramref name="config"/>: frames (B, T, C, H, W) with N(0, 1) pixels for a ViT, or
    /// encoder features (B, T, N, D) for <c>vision.kind: precomputed</c>.
    /// </summary>
    /// <param name="config">The architecture.</param>
    /// <param name="frames">T ≥ 1.</param>
    /// <param name="batch">B ≥ 1.</param>
    public static Tensor RandomVideo(ArchitectureConfig config, int frames, int batch = 1)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (frames < 1 || batch < 1)
        {
            throw new ArgumentOutOfRangeException(frames < 1 ? nameof(frames) : nameof(batch), frames < 1 ? frames : batch, "must be ≥ 1");
        }

        var v = config.Vision;
        return v.Kind == VisionKind.Vit
            ? torch.randn(new long[] { batch, frames, v.Channels, v.Image, v.Image })   // [B, T, C, H, W]
            : torch.randn(new long[] { batch, frames, config.EncoderTokensPerFrame, v.Hidden });   // [B, T, N, D]
    }

    /// <summary>Random prompt ids (B, L) in [0, vocab).</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="textTokens">L ≥ 1.</param>
    /// <param name="batch">B ≥ 1.</param>
    public static Tensor RandomPrompt(ArchitectureConfig config, int textTokens, int batch = 1)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (textTokens < 1 || batch < 1)
        {
            throw new ArgumentOutOfRangeException(textTokens < 1 ? nameof(textTokens) : nameof(batch), textTokens < 1 ? textTokens : batch, "must be ≥ 1");
        }

        return torch.randint(0, config.Llm.Vocab, new long[] { batch, textTokens }, ScalarType.Int64);   // [B, L]
    }

    /// <summary>Both, as the model's input (drawn on the CPU, so a seed gives the same input on every device).</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="frames">T.</param>
    /// <param name="textTokens">L.</param>
    /// <param name="device">Where to put them (default CPU).</param>
    public static VideoLmmInput Random(ArchitectureConfig config, int frames, int textTokens, torch.Device? device = null)
    {
        var video = RandomVideo(config, frames);
        var prompt = RandomPrompt(config, textTokens);
        return device is null || device.type == DeviceType.CPU ? new(video, prompt) : new(video.to(device), prompt.to(device));
    }
}
