using System;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>Builds the vision front end a <see cref="VisionConfig"/> names (the runtime builder's entry point).</summary>
public static class VisionFactory
{
    /// <summary>
    /// <c>vit</c> → <see cref="SiglipVisionTransformer"/>; <c>precomputed</c> → <see cref="PrecomputedVisionFeatures"/>.
    /// Both return (B, T, N, D) with N = config.TokensPerFrame and D = config.Hidden.
    /// </summary>
    /// <param name="config">The bound vision section.</param>
    /// <exception cref="ArgumentException">The config is invalid.</exception>
    public static VisionEncoder Create(VisionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Kind switch {
            VisionKind.Vit => new SiglipVisionTransformer(config),
            VisionKind.Precomputed => new PrecomputedVisionFeatures(config),
            _ => throw new ArgumentException($"vision.kind ({config.Kind}) is not a known vision kind", nameof(config)),
        };
    }
}
