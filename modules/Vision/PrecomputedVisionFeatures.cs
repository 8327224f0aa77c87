using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Modules.Vision;

/// <summary>
/// <c>vision.kind: precomputed</c>: the caller passes encoder features that were computed elsewhere
/// (e.g. cached SigLIP outputs). Checks that they are (B, T, N, D) with the preset's N = g² and D and hands
/// them on unchanged. Features (B, T, N, D) → the same values (B, T, N, D). No parameters.
/// </summary>
[BlockFor(VisionKind.Precomputed)]
public sealed class PrecomputedVisionFeatures : VisionEncoder, IHfKeyMapped, IVisionCost
{
    /// <summary>Hugging Face keys: none (no parameters).</summary>
    public HfKeyMap HfKeys => HfKeyMap.Same;

    /// <summary>Creates the pass-through for a patch grid and width.</summary>
    /// <param name="patchGrid">Side g of the patch grid the features come from; N = g².</param>
    /// <param name="hidden">Feature width D.</param>
    /// <exception cref="System.ArgumentException">A size is not positive.</exception>
    public PrecomputedVisionFeatures(int patchGrid, long hidden)
        : base(nameof(PrecomputedVisionFeatures), (int)CheckedPositive(patchGrid, "patchGrid"), CheckedPositive(hidden, "hidden"))
    {
        RegisterComponents();
    }

    /// <summary>Creates the pass-through from the preset's vision section (N = (image/patch)², D = hidden).</summary>
    /// <param name="config">Vision sizes.</param>
    /// <exception cref="System.ArgumentException">The config breaks a rule of <see cref="VisionConfig.Validate"/>.</exception>
    public PrecomputedVisionFeatures(VisionConfig config) : this(Checked(config).PatchGrid, config.Hidden)
    {
    }

    /// <summary>Features (B, T, N, D) → the same values as a new tensor handle.</summary>
    /// <exception cref="System.ArgumentException">The features do not have the configured N and D.</exception>
    public override Tensor forward(Tensor features)
    {
        if (features.ndim != 4 || features.shape[2] != TokensPerFrame || features.shape[3] != Hidden) {
            throw new System.ArgumentException(
                $"precomputed features {BlockChecks.Format(features.shape)} must be (B, T, {TokensPerFrame}, {Hidden}): " +
                $"N = {PatchGrid}² tokens per frame of width {Hidden}", nameof(features));
        }
        return features.alias();
    }

    private static long CheckedPositive(long value, string name)
    {
        BlockChecks.Positive(value, name);
        return value;
    }

    private static VisionConfig Checked(VisionConfig config)
    {
        System.ArgumentNullException.ThrowIfNull(config);
        ConfigRules.ThrowIfAny(config.Validate(), nameof(config));
        return config;
    }

    /// <summary>FLOPs: none (the features are passed through).</summary>
    /// <param name="vision">The vision sizes.</param>
    /// <param name="images">Frames.</param>
    /// <param name="component">The component.</param>
    public static FlopBreakdown Flops(VisionConfig vision, long images, CostComponent component) => FlopBreakdown.Zero;

    /// <summary>Parameters: none.</summary>
    /// <param name="vision">The vision sizes.</param>
    public static ParameterCounts Parameters(VisionConfig vision) => ParameterCounts.Zero;
}
