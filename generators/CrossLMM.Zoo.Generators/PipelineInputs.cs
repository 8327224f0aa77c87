using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec;
using Microsoft.CodeAnalysis;

namespace CrossLMM.Zoo.Generators
{
    /// <summary>
    /// Turns the generator's inputs into pipeline models through the spec core. Every method catches
    /// everything except cancellation: a failure becomes a CLMZ9999 diagnostic in the model, never an
    /// exception in the compiler.
    /// </summary>
    internal static class PipelineInputs
    {
        public const string RegistryFileName = "zoo.yaml";

        public static bool IsRegistry(AdditionalText file) =>
            string.Equals(Names.FileNameOf(PathOf(file)), RegistryFileName, StringComparison.OrdinalIgnoreCase);

        public static bool IsSpec(AdditionalText file)
        {
            string path = PathOf(file);
            return !IsRegistry(file)
                && (path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The file's path, or empty if even that fails (such a file is ignored: it cannot be a spec we can read).</summary>
        public static string PathOf(AdditionalText file)
        {
            try
            {
                return file.Path ?? string.Empty;
            }
            catch (Exception)
            {
                return string.Empty;
            }
        }

        public static TextInput Read(AdditionalText file, CancellationToken cancellationToken)
        {
            try
            {
                return new TextInput(PathOf(file), file.GetText(cancellationToken)?.ToString());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new TextInput(PathOf(file), null);
            }
        }

        public static RegistryModel ParseRegistry(ImmutableArray<TextInput> files, CancellationToken cancellationToken)
        {
            try
            {
                if (files.IsDefaultOrEmpty)
                {
                    return new RegistryModel(null, EquatableArray<SpecDiagnostic>.Empty, 0);
                }

                var ordered = files.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
                var diagnostics = new List<SpecDiagnostic>();
                for (int i = 1; i < ordered.Length; i++)
                {
                    diagnostics.Add(new SpecDiagnostic(SpecMessages.RegistryDuplicated(ordered[i].Path, ordered[0].Path), ordered[i].Path, SourceSpan.FileStart));
                }

                var first = ordered[0];
                cancellationToken.ThrowIfCancellationRequested();
                if (first.Text is null)
                {
                    diagnostics.Add(Unreadable(first.Path));
                    return new RegistryModel(null, diagnostics.ToEquatableArray(), ordered.Length);
                }

                var zoo = ZooRegistry.Parse(first.Text, first.Path);
                return new RegistryModel(zoo, zoo.Diagnostics.Concat(diagnostics).ToEquatableArray(), ordered.Length);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new RegistryModel(null, EquatableArray.Of(Internal(string.Empty, ex)), files.Length);
            }
        }

        public static ArchitectureModel Bind(TextInput input, RegistryModel registry, CancellationToken cancellationToken)
        {
            string stem = Names.StemOf(input.Path);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (input.Text is null)
                {
                    return new ArchitectureModel(Empty(input, stem, EquatableArray.Of(Unreadable(input.Path))), string.Empty, registry.Zoo is not null);
                }

                if (registry.Zoo is null)
                {
                    // Without a registry there are no presets to bind; CLMZ0027 is reported once by the catalogue.
                    return new ArchitectureModel(Empty(input, stem, EquatableArray<SpecDiagnostic>.Empty), input.Text, false);
                }

                return new ArchitectureModel(SpecCompiler.BindAll(input.Text, input.Path, registry.Zoo), input.Text, true);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new ArchitectureModel(Empty(input, stem, EquatableArray.Of(Internal(input.Path, ex))), input.Text ?? string.Empty, registry.Zoo is not null);
            }
        }

        public static CatalogEntry Entry(ArchitectureModel model)
        {
            var r = model.Result;
            string formula = r.Configs.IsEmpty ? string.Empty : r.Configs[0].TokensFormula;
            return new CatalogEntry(r.Stem, r.Path, r.Name, r.NameSpan, r.Paper, r.Summary, formula, r.SourceFile, !r.Configs.IsEmpty && !r.HasErrors);
        }

        public static CatalogModel Catalog(ImmutableArray<CatalogEntry> entries, RegistryModel registry, CancellationToken cancellationToken)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sorted = entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToArray();
                if (registry.Zoo is null)
                {
                    var diagnostics = registry.FileCount == 0 && sorted.Length > 0
                        ? EquatableArray.Of(new SpecDiagnostic(SpecMessages.RegistryMissing(sorted.Length), string.Empty, SourceSpan.FileStart))
                        : EquatableArray<SpecDiagnostic>.Empty;
                    return new CatalogModel(null, EquatableArray<CatalogEntry>.Empty, EquatableArray<string>.Empty, diagnostics);
                }

                var result = CatalogChecks.Check(registry.Zoo, sorted.Select(e => new ArchitectureHeader(e.Stem, e.Path, e.Name, e.NameSpan)));
                var byStem = sorted.Where(e => !result.Excluded.Contains(e.Path)).GroupBy(e => e.Stem).ToDictionary(g => g.Key, g => g.First());
                var listed = result.Entries.Select(stem => byStem[stem]).Where(e => e.Valid).ToEquatableArray();
                return new CatalogModel(registry.Zoo, listed, result.Excluded, result.Diagnostics);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new CatalogModel(null, EquatableArray<CatalogEntry>.Empty, EquatableArray<string>.Empty, EquatableArray.Of(Internal(string.Empty, ex)));
            }
        }

        /// <summary>The type whose presence in the compilation's references turns the module emitter on.</summary>
        public const string BlocksMetadataName = "CrossLMM.Zoo.Modules.VideoLmm";

        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IAssemblySymbol, BlockCatalog> Catalogues = new();

        /// <summary>The base of the blocks that are decoder layers themselves (a hybrid layer replaces the layer).</summary>
        public const string DecoderLayerMetadataName = "CrossLMM.Zoo.Modules.Language.DecoderLayer";

        /// <summary>
        /// Whether the compilation references the blocks (CrossLMM.Zoo.Modules). Without them only the configs and
        /// the catalogue are generated: a project that only needs configurations must not fail on missing types.
        /// </summary>
        public static BlockCatalog Blocks(Compilation compilation)
        {
            try
            {
                if (compilation.GetTypeByMetadataName(BlocksMetadataName) is null)
                {
                    return BlockCatalog.None;
                }

                // The blocks' assembly symbol is shared by the compilations that reference the same metadata (every edit
                // of the user's code), so its catalogue is read once per referenced assembly, not once per keystroke.
                var assembly = compilation.GetTypeByMetadataName(BlocksMetadataName)!.ContainingAssembly;
                return Catalogues.GetValue(assembly, a =>
                {
                    var blocks = new List<BlockModel>();
                    Collect(a.GlobalNamespace, blocks);
                    return new BlockCatalog(true, blocks.ToEquatableArray());
                });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return BlockCatalog.None;
            }
        }

        // Every type of the blocks' assembly marked [BlockFor], with the wiring of its constructor that takes the record
        // first (BlockWiring), read from the symbols; a block whose constructor cannot be wired is left out (and its kind
        // then reported as having no block).
        private static void Collect(INamespaceSymbol ns, List<BlockModel> blocks)
        {
            foreach (var inner in ns.GetNamespaceMembers())
            {
                Collect(inner, blocks);
            }

            foreach (var type in ns.GetTypeMembers())
            {
                var marker = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == nameof(BlockForAttribute)
                    && a.AttributeClass.ContainingNamespace.ToDisplayString() == typeof(BlockForAttribute).Namespace);
                if (marker is null || marker.ConstructorArguments.Length != 1)
                {
                    continue;
                }

                var argument = marker.ConstructorArguments[0];
                string record, key;
                if (argument.Value is ITypeSymbol recordType)
                {
                    record = FullName(recordType);
                    key = record;
                }
                else
                {
                    // An enum-member kind: [BlockFor(VisionKind.Vit)] or [BlockFor(LanguageModelKind.Qwen2)].
                    var kinds = argument.Type?.Name == nameof(LanguageModelKind) ? typeof(LanguageModelKind) : typeof(VisionKind);
                    record = (kinds == typeof(VisionKind) ? typeof(VisionConfig) : typeof(LanguageModelConfig)).FullName!;
                    key = BlockCatalog.KeyOf((Enum)Enum.ToObject(kinds, Convert.ToInt32(argument.Value, System.Globalization.CultureInfo.InvariantCulture)));
                }

                var constructor = type.InstanceConstructors.FirstOrDefault(c =>
                    c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length > 0 && FullName(c.Parameters[0].Type) == record);
                var arguments = constructor?.Parameters.Select((p, i) => BlockWiring.ArgumentFor(i, FullName(p.Type), p.Name)).ToArray();
                if (arguments is null || arguments.Any(a => a is null))
                {
                    continue;
                }

                bool isLayer = false;
                for (var b = type.BaseType; b is not null; b = b.BaseType)
                {
                    isLayer |= FullName(b) == DecoderLayerMetadataName;
                }

                blocks.Add(new BlockModel(key, "global::" + FullName(type), arguments.Skip(1).Select(a => a!).ToEquatableArray(), isLayer));
            }
        }

        private static string FullName(ITypeSymbol type) => type.ContainingNamespace.ToDisplayString() + "." + type.MetadataName;

        /// <summary>The structure of the module class of <paramref name="model"/>, or <see cref="ModuleModel.None"/> when there is none to emit.</summary>
        public static ModuleModel Module(ArchitectureModel model, EquatableArray<string> excluded, BlockCatalog blocks)
        {
            var r = model.Result;
            try
            {
                if (!blocks.Present || r.HasErrors || r.Configs.IsEmpty || r.Name is null || excluded.Contains(r.Path))
                {
                    return ModuleModel.None;
                }

                var first = r.Configs[0];
                return new ModuleModel(
                    r.Name,
                    r.SourceFile,
                    r.Paper,
                    r.Summary,
                    new Part(YamlNames.Of(first.Vision.Kind), blocks.For(BlockCatalog.KeyOf(first.Vision.Kind), "vision.kind " + YamlNames.Of(first.Vision.Kind))),
                    new Part(first.Compressor.KindName, blocks.For(BlockCatalog.KeyOf(first.Compressor.GetType()), "compressor kind " + first.Compressor.KindName)),
                    new Part(first.Projector.KindName, blocks.For(BlockCatalog.KeyOf(first.Projector.GetType()), "projector kind " + first.Projector.KindName)),
                    new Part(YamlNames.Of(first.Llm.Kind), blocks.For(BlockCatalog.KeyOf(first.Llm.Kind), "llm.kind " + YamlNames.Of(first.Llm.Kind))),
                    first.NeedsSourceProjector,
                    first.Fusion.Select(f => new Part(f.KindName, blocks.For(BlockCatalog.KeyOf(f.GetType()), "fusion kind " + f.KindName))).ToEquatableArray(),
                    first.Fusion.Select(f => f.Source).ToEquatableArray(),
                    first.Layout,
                    null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return ModuleModel.None with { Failure = Internal(r.Path, ex) };
            }
        }

        public static SpecDiagnostic Internal(string path, Exception ex) =>
            new SpecDiagnostic(SpecMessages.GeneratorFailed(ex.GetType().Name, ex.Message), path, SourceSpan.FileStart);

        private static SpecDiagnostic Unreadable(string path) => new SpecDiagnostic(SpecMessages.Unreadable(), path, SourceSpan.FileStart);

        private static SpecSetResult Empty(TextInput input, string stem, EquatableArray<SpecDiagnostic> diagnostics) =>
            new SpecSetResult(input.Path, stem, input.Path, null, SourceSpan.FileStart, string.Empty, string.Empty, EquatableArray<ArchitectureConfig>.Empty, diagnostics);
    }
}
