using System;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Modules.Projectors;

/// <summary>Builds the projector a <see cref="ProjectorConfig"/> record names (the runtime builder's entry point).</summary>
public static class ProjectorFactory
{
    /// <summary>The block marked <c>[BlockFor]</c> the record's kind (<c>mlp</c> → <see cref="MlpProjector"/>, ...), built by <see cref="Blocks.Create"/>.</summary>
    /// <param name="config">The projector record.</param>
    /// <param name="inputWidth">Width of the incoming tokens (the compressor output or a fusion source).</param>
    /// <param name="outputWidth">Width of the outgoing tokens (llm.hidden).</param>
    /// <exception cref="ArgumentException">A config or width is invalid, or the kind is unknown.</exception>
    public static VisualProjector Create(ProjectorConfig config, long inputWidth, long outputWidth)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Blocks.Create<VisualProjector>(config, wired => wired switch
        {
            BlockWiring.InputWidth => inputWidth,
            BlockWiring.LlmHidden => outputWidth,
            _ => null,
        });
    }

    /// <summary>The model's projector: compressor output width → llm.hidden.</summary>
    /// <param name="architecture">The bound architecture.</param>
    public static VisualProjector Create(ArchitectureConfig architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return Create(architecture.Projector, architecture.ProjectorInputWidth, architecture.Llm.Hidden);
    }

    /// <summary>
    /// The second projector (<c>source_projector</c>) for fusion sources in another feature space than the
    /// compressor output, or null when <see cref="ArchitectureConfig.NeedsSourceProjector"/> is false.
    /// </summary>
    /// <param name="architecture">The bound architecture.</param>
    public static VisualProjector? CreateSourceProjector(ArchitectureConfig architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return architecture.SourceProjectorInputWidth is int width ? Create(architecture.Projector, width, architecture.Llm.Hidden) : null;
    }
}
