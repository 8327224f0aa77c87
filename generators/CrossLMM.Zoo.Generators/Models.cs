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
        Part? Vision,
        Part? Compressor,
        Part? Projector,
        Part? Llm,
        bool SourceProjector,
        EquatableArray<Part> Fusion,
        EquatableArray<FusionSource> FusionSources,
        Layout Layout,
        SpecDiagnostic? Failure)
    {
        /// <summary>Nothing to emit.</summary>
        public static ModuleModel None { get; } = new ModuleModel(null, string.Empty, string.Empty, string.Empty, null, null, null, null, false, EquatableArray<Part>.Empty, EquatableArray<FusionSource>.Empty, default, null);
    }

    /// <summary>A part of the module: the <c>kind:</c> it has in the spec and the block that runs it.</summary>
    internal sealed record Part(string Kind, BlockModel Block);

    /// <summary>
    /// A block as the compilation declares it (<see cref="BlockForAttribute"/>): the kind it runs (the record's full name,
    /// or <c>vision:vit</c>), its type, what each constructor parameter after the record takes (<see cref="BlockWiring"/>
    /// names, read from the constructor's symbol), and whether it is a decoder layer itself (it replaces the layer).
    /// </summary>
    internal sealed record BlockModel(string Key, string Type, EquatableArray<string> Arguments, bool IsLayer);

    /// <summary>The blocks the compilation references: whether CrossLMM.Zoo.Modules is there, and every block it declares.</summary>
    internal sealed record BlockCatalog(bool Present, EquatableArray<BlockModel> Blocks)
    {
        /// <summary>No blocks referenced: configs and the catalogue only.</summary>
        public static BlockCatalog None { get; } = new BlockCatalog(false, EquatableArray<BlockModel>.Empty);

        /// <summary>The key of a record kind's block: the record's full name.</summary>
        public static string KeyOf(System.Type record) => record.FullName!;

        /// <summary>The key of the block of a kind declared as an enum member (<see cref="VisionKind"/>, <see cref="LanguageModelKind"/>).</summary>
        public static string KeyOf(System.Enum member) => (member is VisionKind ? "vision:" : "llm:") + YamlNames.OfAny(member);

        /// <summary>The block declared for <paramref name="key"/>.</summary>
        /// <exception cref="System.InvalidOperationException">None: the kind has no block in the referenced CrossLMM.Zoo.Modules.</exception>
        public BlockModel For(string key, string kind)
        {
            foreach (var block in Blocks)
            {
                if (block.Key == key)
                {
                    return block;
                }
            }

            throw new System.InvalidOperationException($"{kind} has no block: no type of CrossLMM.Zoo.Modules is marked [BlockFor] for {key} with a public constructor taking it first whose other parameters BlockWiring.ArgumentFor knows");
        }
    }

    /// <summary>The catalogue to emit, the files excluded as duplicates, and the cross-file diagnostics.</summary>
    internal sealed record CatalogModel(
        ZooRegistry? Zoo,
        EquatableArray<CatalogEntry> Entries,
        EquatableArray<string> Excluded,
        EquatableArray<SpecDiagnostic> Diagnostics);
}
