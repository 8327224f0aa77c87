using System;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Modules.Core;

namespace CrossLMM.Zoo.Modules.Compressors;

/// <summary>Config checks shared by the compressors' config-record constructors.</summary>
internal static class CompressorArguments
{
    /// <summary>Validates the vision section and the compressor record against it; returns the vision section.</summary>
    public static VisionConfig Checked(CompressorConfig config, VisionConfig vision)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vision);
        ConfigRules.ThrowIfAny(vision.Validate(), nameof(vision));
        ConfigRules.ThrowIfAny(config.Validate(vision), nameof(config));
        return vision;
    }

    /// <summary>
    /// Validates the vision and resampler sections and the compressor record; returns the vision section, so a
    /// constructor chain can validate in its first argument before it reads any field.
    /// </summary>
    public static VisionConfig Checked(CompressorConfig config, VisionConfig vision, ResamplerConfig resampler)
    {
        Checked(config, vision);
        ArgumentNullException.ThrowIfNull(resampler);
        ConfigRules.ThrowIfAny(resampler.Validate(), nameof(resampler));
        return vision;
    }
}
