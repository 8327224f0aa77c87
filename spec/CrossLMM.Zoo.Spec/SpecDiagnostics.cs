using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>Static description of one diagnostic ID (the generator builds its Roslyn descriptor from it).</summary>
    /// <param name="Id">Stable ID, e.g. <c>CLMZ0010</c>.</param>
    /// <param name="Title">Short title.</param>
    /// <param name="Severity">Default severity.</param>
    /// <param name="Description">What the rule protects, in one sentence.</param>
    public sealed record SpecDiagnosticDescriptor(string Id, string Title, SpecSeverity Severity, string Description)
    {
        /// <summary>Repository-relative path of the ID's documentation page.</summary>
        public string HelpPath => $"docs/diagnostics/{Id}.md";
    }

    /// <summary>
    /// The stable diagnostic IDs of the spec language. IDs are never reused or renumbered; each has a page
    /// in docs/diagnostics/ with its meaning, an example and the fix, and its message wording in the
    /// catalogue (SpecMessages).
    /// </summary>
    public static class SpecDiagnostics
    {
        /// <summary>The YAML itself does not parse.</summary>
        public const string YamlSyntax = "CLMZ0001";

        /// <summary>A key the vocabulary does not know.</summary>
        public const string UnknownKey = "CLMZ0002";

        /// <summary>A <c>kind:</c> value the vocabulary does not know.</summary>
        public const string UnknownKind = "CLMZ0003";

        /// <summary>A value outside an enumerated set (layout, source, activation, ...).</summary>
        public const string UnknownValue = "CLMZ0004";

        /// <summary>A required field is absent.</summary>
        public const string MissingField = "CLMZ0005";

        /// <summary>A value of the wrong YAML type.</summary>
        public const string WrongType = "CLMZ0006";

        /// <summary>A number outside its allowed range.</summary>
        public const string OutOfRange = "CLMZ0007";

        /// <summary>The same key twice in one mapping.</summary>
        public const string DuplicateKey = "CLMZ0008";

        /// <summary>A name that cannot be a C# type name.</summary>
        public const string InvalidName = "CLMZ0009";

        /// <summary>A width not divisible by its head count.</summary>
        public const string HiddenNotDivisibleByHeads = "CLMZ0010";

        /// <summary>Query heads not divisible by key/value heads.</summary>
        public const string HeadsNotDivisibleByKvHeads = "CLMZ0011";

        /// <summary>Image side not divisible by patch side.</summary>
        public const string ImageNotDivisibleByPatch = "CLMZ0012";

        /// <summary>A pooling grid or stride larger than the patch grid.</summary>
        public const string PoolLargerThanPatchGrid = "CLMZ0013";

        /// <summary>A fusion layer index outside the LLM.</summary>
        public const string FusionLayerOutOfRange = "CLMZ0014";

        /// <summary>A fusion entry that places no layer.</summary>
        public const string FusionPlacesNoLayer = "CLMZ0015";

        /// <summary>Two fusion entries on one layer.</summary>
        public const string FusionLayerCollision = "CLMZ0016";

        /// <summary>compressor.slow_stride where it has no effect.</summary>
        public const string SlowSourceMisconfigured = "CLMZ0017";

        /// <summary>V2V with no visual tokens in the stream.</summary>
        public const string V2VWithoutStreamTokens = "CLMZ0018";

        /// <summary><c>scope: frame</c> without per-frame tokens.</summary>
        public const string FrameScopeNeedsPerFrame = "CLMZ0019";

        /// <summary><c>layout: cross_attention_only</c> without fusion.</summary>
        public const string CrossAttentionOnlyWithoutFusion = "CLMZ0020";

        /// <summary>Fusion placement is not exactly one of <c>every</c> / <c>layers</c>.</summary>
        public const string InvalidPlacement = "CLMZ0021";

        /// <summary>A list with a duplicate item, or an empty list that needs items.</summary>
        public const string InvalidList = "CLMZ0022";

        /// <summary>A preset zoo.yaml does not define.</summary>
        public const string UnknownPreset = "CLMZ0023";

        /// <summary>Two architectures with the same name or stem.</summary>
        public const string DuplicateArchitecture = "CLMZ0024";

        /// <summary>zoo.yaml lists an architecture that has no file.</summary>
        public const string ListedArchitectureMissing = "CLMZ0025";

        /// <summary>An architecture file that zoo.yaml does not list.</summary>
        public const string ArchitectureNotListed = "CLMZ0026";

        /// <summary>No zoo.yaml among the spec files, or more than one.</summary>
        public const string RegistryMissing = "CLMZ0027";

        /// <summary>A preset name that cannot become a C# property name.</summary>
        public const string InvalidPresetName = "CLMZ0028";

        /// <summary>An architecture list entry that is not a valid file stem.</summary>
        public const string InvalidStem = "CLMZ0029";

        /// <summary>A hybrid fusion entry whose heads or kv_heads differ from the LLM's.</summary>
        public const string HybridHeadsDiffer = "CLMZ0030";

        /// <summary>The generator itself failed (a bug).</summary>
        public const string InternalError = "CLMZ9999";

        /// <summary>Every diagnostic the spec language can report, by ID.</summary>
        public static IReadOnlyList<SpecDiagnosticDescriptor> All { get; } = new[]
        {
            Error(YamlSyntax, "YAML syntax error", "The file is not well-formed YAML (or uses an alias to an undefined anchor, several documents, or nests too deeply)."),
            Error(UnknownKey, "Unknown key", "A mapping contains a key the spec vocabulary does not define for that place."),
            Error(UnknownKind, "Unknown kind", "A 'kind:' value is not one of the kinds of its slot."),
            Error(UnknownValue, "Unknown value", "A field with a closed set of values (layout, source, scope, activation, ...) has a value outside the set."),
            Error(MissingField, "Missing required field", "A field that has no default is absent."),
            Error(WrongType, "Wrong type", "A value has the wrong YAML type (e.g. a string where an integer or a list is expected)."),
            Error(OutOfRange, "Value out of range", "A number is outside the range its field allows."),
            Error(DuplicateKey, "Duplicate key", "The same key appears twice in one mapping; YAML leaves the meaning undefined."),
            Error(InvalidName, "Invalid architecture name", "'name' must be a C# type name: [A-Za-z_][A-Za-z0-9_]*, not a keyword, with an upper-case letter, not reserved."),
            Error(HiddenNotDivisibleByHeads, "Width not divisible by heads", "An attention width must split evenly into its heads."),
            Error(HeadsNotDivisibleByKvHeads, "Heads not divisible by kv_heads", "Grouped-query attention needs heads to be a multiple of kv_heads."),
            Error(ImageNotDivisibleByPatch, "Image not divisible by patch", "The ViT patch grid needs image to be a multiple of patch."),
            Error(PoolLargerThanPatchGrid, "Pooling larger than the patch grid", "A pooling grid or stride cannot exceed the patch grid side g = image / patch."),
            Error(FusionLayerOutOfRange, "Fusion layer outside the LLM", "A fusion layer index must be in [0, llm.layers)."),
            Error(FusionPlacesNoLayer, "Fusion entry places no layer", "An every/start placement whose start is past the last LLM layer places nothing."),
            Error(FusionLayerCollision, "Two fusion entries on one layer", "Each decoder layer carries at most one fusion entry."),
            Error(SlowSourceMisconfigured, "compressor.slow_stride without effect", "compressor.slow_stride sizes the 'slow' fusion source of every compressor kind but temporal_pool (which pools its slow tokens by its own stride); set it only when a fusion entry reads source: slow."),
            Error(V2VWithoutStreamTokens, "V2V without visual tokens in the stream", "The V2V branch updates visual positions of the LLM stream; cross_attention_only has none."),
            Error(FrameScopeNeedsPerFrame, "Frame scope needs per-frame tokens", "scope: frame pairs each query with its own frame, which needs a per-frame compressor and source."),
            Error(CrossAttentionOnlyWithoutFusion, "Cross-attention-only layout without fusion", "With no visual tokens in the stream and no fusion entry, the model would never see the video."),
            Error(InvalidPlacement, "Invalid fusion placement", "A fusion entry needs exactly one of 'every' (with optional 'start') or 'layers'."),
            Error(InvalidList, "Duplicate or empty list", "A list has a repeated item, or is empty where at least one item is needed."),
            Error(UnknownPreset, "Unknown preset", "A preset name that zoo.yaml does not define (in overrides, defaults, or a build request)."),
            Error(DuplicateArchitecture, "Duplicate architecture", "Two architecture files share a name (case-insensitively) or a stem, or zoo.yaml lists one twice."),
            Error(ListedArchitectureMissing, "Listed architecture has no file", "zoo.yaml lists a stem but architectures/<stem>.yaml is not among the spec files."),
            Error(ArchitectureNotListed, "Architecture file not listed", "An architecture file is not listed in zoo.yaml's 'architectures'."),
            Error(RegistryMissing, "zoo.yaml missing or duplicated", "Exactly one zoo.yaml must be among the generator's AdditionalFiles when any architecture file is."),
            Error(InvalidPresetName, "Invalid preset name", "Preset names must be lower-case words/digits joined by '-' or '_', and map to distinct C# property names."),
            Error(InvalidStem, "Invalid architecture stem", "Entries of zoo.yaml's 'architectures' are file stems: lower-case letters and digits joined by '-' or '_'."),
            Error(HybridHeadsDiffer, "Hybrid head layout differs from the LLM's", "A hybrid layer reuses its decoder layer's query heads and copies its K/V projections, so its heads and kv_heads must be llm.heads and llm.kv_heads."),
            Error(InternalError, "Internal generator error", "The generator failed unexpectedly; this is a bug in CrossLMM.Zoo.Generators, please report it with the YAML."),
        };

        /// <summary>The descriptor of <paramref name="id"/>, or null for an unknown ID.</summary>
        /// <param name="id">A diagnostic ID.</param>
        public static SpecDiagnosticDescriptor? Find(string id) => id is not null && ById.TryGetValue(id, out var d) ? d : null;

        private static Dictionary<string, SpecDiagnosticDescriptor> ById { get; } = All.ToDictionary(d => d.Id, StringComparer.Ordinal);

        private static SpecDiagnosticDescriptor Error(string id, string title, string description) =>
            new SpecDiagnosticDescriptor(id, title, SpecSeverity.Error, description);
    }
}
