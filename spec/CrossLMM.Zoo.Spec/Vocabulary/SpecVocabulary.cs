using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Spec.Vocabulary
{
    /// <summary>A top-level key of a file kind, for the unknown-key check and the docs.</summary>
    /// <param name="Name">The key.</param>
    /// <param name="Description">What it holds.</param>
    /// <param name="Required">Whether it must be present.</param>
    /// <param name="DefaultText">Its default as shown in the docs, or null.</param>
    public sealed record KeySpec(string Name, string Description, bool Required, string? DefaultText);

    /// <summary>
    /// The closed vocabulary of the spec language (docs/vocabulary.md): every key, kind, field, default and
    /// range. The binder reads YAML through these tables; <see cref="Docs.SchemaWriter"/> and
    /// <see cref="Docs.ReferenceWriter"/> generate the JSON Schemas and architectures/README.md from them.
    /// </summary>
    public static class SpecVocabulary
    {
        /// <summary>Largest layer count, head count and similar structural sizes.</summary>
        public const long MaxLayers = 1024;

        /// <summary>Largest width.</summary>
        public const long MaxWidth = 1 << 20;

        // ---------------------------------------------------------------- presets (zoo.yaml)

        /// <summary>A preset's vision sizes.</summary>
        public static SectionSpec VisionSizes { get; } = new SectionSpec("vision", "Vision encoder sizes (SigLIP-style ViT, or the shape of precomputed features).", new[]
        {
            FieldSpec.Int("image", "Input side in pixels (square frames).", 1, 16384).Req().Where("divisible by patch"),
            FieldSpec.Int("patch", "Patch side in pixels; g = image / patch is the patch grid side.", 1, 16384).Req(),
            FieldSpec.Int("channels", "Input channels (3 for RGB).", 1, 64).Req(),
            FieldSpec.Int("hidden", "Encoder width D.", 1, MaxWidth).Req().Where("divisible by heads"),
            FieldSpec.Int("layers", "Transformer blocks.", 1, MaxLayers).Req(),
            FieldSpec.Int("heads", "Attention heads.", 1, MaxLayers).Req(),
            FieldSpec.Int("mlp", "MLP inner width.", 1, MaxWidth).Req(),
            FieldSpec.Number("norm_eps", "LayerNorm epsilon.", 0, 1).Req(),
        });

        /// <summary>A preset's resampler sizes.</summary>
        public static SectionSpec ResamplerSizes { get; } = new SectionSpec("resampler", "Sizes of learned-query resamplers: Q-Former, Perceiver, CCAM projector, LLaMA-VID's text Q-Former.", new[]
        {
            FieldSpec.Int("hidden", "Resampler width.", 1, MaxWidth).Req().Where("divisible by heads"),
            FieldSpec.Int("layers", "Resampler layers.", 1, MaxLayers).Req(),
            FieldSpec.Int("heads", "Attention heads.", 1, MaxLayers).Req(),
            FieldSpec.Int("mlp", "FFN inner width.", 1, MaxWidth).Req(),
            FieldSpec.Number("norm_eps", "LayerNorm epsilon.", 0, 1).Req(),
        });

        /// <summary>A preset's language model sizes.</summary>
        public static SectionSpec LlmSizes { get; } = new SectionSpec("llm", "Qwen2-style decoder sizes.", new[]
        {
            FieldSpec.Int("hidden", "Model width H.", 1, MaxWidth).Req().Where("divisible by heads"),
            FieldSpec.Int("layers", "Decoder layers.", 1, MaxLayers).Req(),
            FieldSpec.Int("heads", "Query heads.", 1, MaxLayers).Req().Where("divisible by kv_heads"),
            FieldSpec.Int("kv_heads", "Key/value heads (grouped-query attention).", 1, MaxLayers).Req(),
            FieldSpec.Int("mlp", "SwiGLU inner width.", 1, MaxWidth).Req(),
            FieldSpec.Int("vocab", "Vocabulary size.", 1, 1 << 24).Req(),
            FieldSpec.Number("rope_theta", "Rotary embedding base.", 0, 1e12).Req(),
            FieldSpec.Number("norm_eps", "RMSNorm epsilon.", 0, 1).Req(),
            FieldSpec.Bool("tie_embeddings", "Whether the LM head shares the embedding matrix.").Req(),
            FieldSpec.Int("max_positions", "Largest supported sequence length.", 1, 1 << 24).Req(),
        });

        /// <summary>The three size sections of a preset, in order.</summary>
        public static IReadOnlyList<SectionSpec> PresetSections { get; } = new[] { VisionSizes, ResamplerSizes, LlmSizes };

        // ---------------------------------------------------------------- architecture slots

        /// <summary><c>vision.kind</c>.</summary>
        public static SlotSpec Vision { get; } = new SlotSpec("vision", "How frames become encoder features; sizes from the preset.", Kinds(KindDeclaration.Visions));

        /// <summary><c>compressor.kind</c>.</summary>
        public static SlotSpec Compressor { get; } = new SlotSpec("compressor", "Turns encoder features (B, T, N, D) into the visual tokens of the LLM stream.", Kinds(KindDeclaration.Compressors), new[]
        {
            FieldSpec.Int("slow_stride", "Spatial stride σ of the 'slow' fusion source (every frame's encoder tokens average-pooled, kernel = stride, ceil mode: T·⌈g/σ⌉² tokens), so any compressor can feed the stream while fusion layers read source: slow. temporal_pool's slow source uses its own stride.", 1, 1024).Default(1L, "1").Where("≤ g; only with a fusion entry reading slow; not with temporal_pool"),
        });

        /// <summary><c>projector.kind</c>.</summary>
        public static SlotSpec Projector { get; } = new SlotSpec("projector", "Maps compressor output width → llm.hidden (and, as source_projector, a fusion source's width → llm.hidden).", Kinds(KindDeclaration.Projectors));

        /// <summary><c>llm.kind</c>.</summary>
        public static SlotSpec Llm { get; } = new SlotSpec("llm", "The language model; sizes from the preset.", Kinds(KindDeclaration.Llms));

        /// <summary>Placement and common fields of every fusion entry.</summary>
        public static IReadOnlyList<FieldSpec> FusionCommon { get; } = new[]
        {
            FieldSpec.Int("every", "Place on every K-th layer, starting at start (exactly one of every / layers).", 1, MaxLayers),
            FieldSpec.Int("start", "First layer for every (only with every).", 0, MaxLayers - 1).Computed("every − 1"),
            FieldSpec.IntList("layers", "Explicit layer indices (exactly one of every / layers).", 0, MaxLayers - 1).Where("each < llm.layers"),
            FieldSpec.Number("gate_init", "Initial gate parameter: α of dual_cross_attention and gated_cross_attention (tanh(α) scales the block), β of hybrid (tanh(Linear(h))·tanh(β)); 0 = identity at init.").Default(0.0, "0.0"),
            FieldSpec.Int("heads", "Attention heads of the block.", 1, MaxLayers).Computed("llm.heads").Where("a divisor of llm.hidden"),
            FieldSpec.Int("kv_heads", "Key/value heads of the block's cross-attention (grouped-query attention; the default gives the fusion keys/values the LLM's own K/V width).", 1, MaxLayers).Computed("llm.kv_heads").Where("a divisor of heads (= llm.kv_heads for hybrid)"),
        };

        /// <summary><c>fusion[i].kind</c>.</summary>
        public static SlotSpec Fusion { get; } = new SlotSpec("fusion", "In-LLM blocks that read a visual source, placed on decoder layers. Two entries may not share a layer.", Kinds(KindDeclaration.Fusions), FusionCommon);

        /// <summary>The architecture file's <c>name</c> field.</summary>
        public static FieldSpec NameField { get; } = FieldSpec.Ident("name", "C# type name of the architecture (PascalCase identifier, not a keyword).").Req();

        /// <summary>The architecture file's <c>paper</c> field.</summary>
        public static FieldSpec PaperField { get; } = FieldSpec.Str("paper", "The paper the architecture follows, e.g. arXiv:2505.17020.").Default(string.Empty, "\"\"");

        /// <summary>The architecture file's <c>summary</c> field.</summary>
        public static FieldSpec SummaryField { get; } = FieldSpec.Str("summary", "One-line description (becomes the XML doc of the generated config).").Default(string.Empty, "\"\"");

        /// <summary>The architecture file's <c>layout</c> field.</summary>
        public static FieldSpec LayoutField { get; } = FieldSpec.OneOf("layout", "Where the video sits in the LLM stream.", "video_first", "question_first", "cross_attention_only").Default("video_first", "video_first");

        /// <summary>What the architecture file's <c>presets</c> key means.</summary>
        public const string PresetsDescription =
            "The zoo.yaml presets this architecture supports (e.g. [small, 2b, 7b] for a paper's layer list that does not fit tiny's 4 layers); it is bound, generated and catalogued at these only.";

        /// <summary>The top-level keys of an architecture file.</summary>
        public static IReadOnlyList<KeySpec> ArchitectureKeys { get; } = new[]
        {
            new KeySpec("name", NameField.Description, true, null),
            new KeySpec("paper", PaperField.Description, false, "\"\""),
            new KeySpec("summary", SummaryField.Description, false, "\"\""),
            new KeySpec("vision", Vision.Description, true, null),
            new KeySpec("compressor", Compressor.Description, true, null),
            new KeySpec("projector", Projector.Description, true, null),
            new KeySpec("llm", Llm.Description, true, null),
            new KeySpec("fusion", Fusion.Description, false, "[]"),
            new KeySpec("layout", LayoutField.Description, false, "video_first"),
            new KeySpec("presets", PresetsDescription, false, "every preset"),
            new KeySpec("overrides", "Per-preset changes: preset name → { vision, resampler, llm: size fields; compressor: the compressor kind's numeric fields }.", false, "{}"),
        };

        /// <summary>The sections an <c>overrides.&lt;preset&gt;</c> entry may hold.</summary>
        public static IReadOnlyList<string> OverrideSections { get; } = new[] { "vision", "resampler", "llm", "compressor" };

        // ---------------------------------------------------------------- zoo.yaml

        /// <summary>zoo.yaml's <c>defaults.preset</c>.</summary>
        public static FieldSpec DefaultPresetField { get; } = FieldSpec.Str("preset", "The preset used when none is requested.").Computed("the first preset");

        /// <summary>The top-level keys of zoo.yaml.</summary>
        public static IReadOnlyList<KeySpec> ZooKeys { get; } = new[]
        {
            new KeySpec("presets", "Size presets: name → { vision, resampler, llm }, every field required.", true, null),
            new KeySpec("architectures", "The architecture file stems, in catalogue order; each names architectures/<stem>.yaml.", true, null),
            new KeySpec("defaults", "Defaults: { preset }.", false, "{}"),
        };

        /// <summary>All slots of an architecture, in file order.</summary>
        public static IReadOnlyList<SlotSpec> Slots { get; } = new[] { Vision, Compressor, Projector, Llm, Fusion };

        // The kinds of a slot, each as its record declares it.
        private static KindSpec[] Kinds(IEnumerable<KindDeclaration> kinds) => kinds.Select(k => new KindSpec(k)).ToArray();

        /// <summary>The union of the compressor kinds' own fields (the fields an override's compressor section may name).</summary>
        public static IReadOnlyList<FieldSpec> AllCompressorFields { get; } =
            Compressor.Kinds.SelectMany(k => k.Fields).GroupBy(f => f.Name).Select(g => g.First().AsOptional()).ToArray();
    }
}
