using System;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo;

/// <summary>Model factories on catalogue entries (<see cref="ArchitectureInfo"/> lives in Configs, which knows no blocks).</summary>
public static class ArchitectureInfoExtensions
{
    /// <summary>
    /// A freshly initialised model of <paramref name="info"/> at a preset: the generated typed class for an entry of
    /// the <see cref="Zoo"/> catalogue, the runtime builder for any other entry. Both give the same parameters
    /// under the same seed.
    /// </summary>
    /// <param name="info">A catalogue entry, e.g. from <see cref="Zoo.Architectures"/>.</param>
    /// <param name="preset">A preset name; null = <see cref="Zoo.DefaultPreset"/>.</param>
    /// <exception cref="ArgumentException">Unknown preset.</exception>
    public static global::CrossLMM.Zoo.Modules.VideoLmm Create(this ArchitectureInfo info, string? preset = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        return ReferenceEquals(Zoo.Find(info.Name), info)
            ? Zoo.Create(info.Name, preset)
            : global::CrossLMM.Zoo.Modules.VideoLmmBuilder.Build(info.Config(preset ?? Zoo.DefaultPreset));
    }
}
