using System.Collections.Generic;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// A projector maps visual tokens from their feature space to the LLM width (input width →
    /// llm.hidden). The hierarchy is closed: one sealed record per kind (<see cref="KindAttribute"/>).
    /// The widths are not part of the record: they follow from the architecture
    /// (<see cref="ArchitectureConfig.ProjectorInputWidth"/>, <see cref="ArchitectureConfig.SourceProjectorInputWidth"/>).
    /// </summary>
    public abstract record ProjectorConfig
    {
        private protected ProjectorConfig()
        {
        }

        /// <summary>The kind's YAML name.</summary>
        public string KindName => KindDeclaration.Of(GetType()).Name;

        /// <summary>The shared rules this config breaks, as messages (empty when valid).</summary>
        public abstract IReadOnlyList<string> Validate();
    }

    /// <summary>
    /// <c>mlp</c>: <paramref name="Depth"/> Linear layers with <paramref name="Activation"/> between them
    /// (LLaVA's <c>mlp2x_gelu</c> is depth 2, gelu), optionally preceded by a LayerNorm (CrossLMM's Φ).
    /// Hidden widths equal the output width.
    /// </summary>
    /// <param name="Depth">Number of Linear layers, ≥ 1.</param>
    /// <param name="Activation">Activation between the Linear layers.</param>
    /// <param name="Norm">Optional LayerNorm over the input.</param>
    [Kind("mlp", "Linear layers with an activation between them, optionally after a LayerNorm.")]
    public sealed record MlpProjectorConfig(
        [Field("Number of Linear layers.", Max = 16, Default = 2)] int Depth,
        [Field("Activation between the Linear layers.", Default = Activation.Gelu)] Activation Activation,
        [Field("Normalisation of the input.", Default = ProjectorNorm.None)] ProjectorNorm Norm) : ProjectorConfig
    {
        /// <inheritdoc/>
        public override IReadOnlyList<string> Validate()
        {
            var problems = new List<string>();
            ConfigRules.Positive(problems, "projector.depth", Depth);
            return problems;
        }
    }

    /// <summary><c>linear</c>: a single Linear layer from the input width to llm.hidden.</summary>
    [Kind("linear", "A single Linear layer.")]
    public sealed record LinearProjectorConfig : ProjectorConfig
    {
        /// <inheritdoc/>
        public override IReadOnlyList<string> Validate() => new string[0];
    }
}
