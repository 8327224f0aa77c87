using System;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>Builds the vision front end a <see cref="VisionConfig"/> names (the runtime builder's entry point).</summary>
public static class VisionFactory
{
    /// <summary>
    /// The block marked <c>[BlockFor(VisionKind.K)]</c> (<c>vit</c> → <see cref="SiglipVisionTransformer"/>, ...), built by <see cref="Blocks.Create"/>.
    /// Both return (B, T, N, D) with N = config.TokensPerFrame and D = config.Hidden.
    /// </summary>
    /// <param name="config">The bound vision section.</param>
    /// <exception cref="ArgumentException">The config is invalid.</exception>
    public static VisionEncoder Create(VisionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Blocks.Create<VisionEncoder>(config, _ => null);
    }
}
