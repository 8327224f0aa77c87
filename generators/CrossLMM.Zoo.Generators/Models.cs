using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Generators
{
    // Pipeline models. All are equatable records of strings, spans and config records: no Location,
    // ISymbol, SyntaxNode or AdditionalText, so the incremental driver can cache every step.

    /// <summary>An AdditionalFile's path and text (null when the text could not be read).</summary>
    internal sealed record TextInput(string Path, string? Text);

    /// <summary>The registry: the parsed zoo.yaml (null when there is none) and the problems of finding it.</summary>
    internal sealed record RegistryModel(ZooRegistry? Zoo, EquatableArray<SpecDiagnostic> Diagnostics, int FileCount);

    /// <summary>One architecture file bound at every preset, with the YAML text it came from.</summary>
    internal sealed record ArchitectureModel(SpecSetResult Result, string SourceYaml, bool HasRegistry);

    /// <summary>What the catalogue needs to know about one architecture file.</summary>
    internal sealed record CatalogEntry(
        string Stem,
        string Path,
        string? Name,
        SourceSpan NameSpan,
        string Paper,
        string Summary,
        string TokensFormula,
        string SourceFile,
        bool Valid);

    /// <summary>
    /// What the module class of one architecture depends on: its name, documentation text and the kind of
    /// every part — not its sizes. Editing a size, a layer index or a preset leaves it equal, so the
    /// incremental driver does not re-emit the module (only the config). Null <see cref="Name"/> = nothing
    /// to emit (errors, excluded duplicate, or the blocks are not referenced); <see cref="Failure"/> is an
    /// internal error to report.
    /// </summary>
    internal sealed record ModuleModel(
        string? Name,
        string SourceFile,
        string Paper,
        string Summary,
        VisionKind Vision,
        CompressorKind Compressor,
        CompressorBlock? CompressorBlock,
        ProjectorKind Projector,
        bool SourceProjector,
        EquatableArray<FusionKind> Fusion,
        EquatableArray<FusionSource> FusionSources,
        Layout Layout,
        SpecDiagnostic? Failure)
    {
        /// <summary>Nothing to emit.</summary>
        public static ModuleModel None { get; } = new ModuleModel(null, string.Empty, string.Empty, string.Empty, default, default, null, default, false, EquatableArray<FusionKind>.Empty, EquatableArray<FusionSource>.Empty, default, null);
    }

    /// <summary>
    /// A compressor block as the compilation declares it (<see cref="BlockWiring"/>): its type and the arguments of its
    /// record constructor as C# over the emitted <c>Build</c>'s <c>config</c>, read from the constructor's symbol.
    /// </summary>
    internal sealed record CompressorBlock(CompressorKind Kind, string Type, string Arguments);

    /// <summary>The blocks the compilation references: whether CrossLMM.Zoo.Modules is there, and every compressor block it declares.</summary>
    internal sealed record BlockCatalog(bool Present, EquatableArray<CompressorBlock> Compressors)
    {
        /// <summary>No blocks referenced: configs and the catalogue only.</summary>
        public static BlockCatalog None { get; } = new BlockCatalog(false, EquatableArray<CompressorBlock>.Empty);
    }

    /// <summary>The catalogue to emit, the files excluded as duplicates, and the cross-file diagnostics.</summary>
    internal sealed record CatalogModel(
        ZooRegistry? Zoo,
        EquatableArray<CatalogEntry> Entries,
        EquatableArray<string> Excluded,
        EquatableArray<SpecDiagnostic> Diagnostics);
}
