using System;
using System.Text;
using CrossLMM.Zoo.Configs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CrossLMM.Zoo.Generators
{
    /// <summary>
    /// Turns <c>zoo.yaml</c> and the architecture YAML files (AdditionalFiles) into typed configuration records
    /// (<c>&lt;Name&gt;Config.g.cs</c>), typed modules (<c>&lt;Name&gt;.g.cs</c>, when the compilation references
    /// the blocks of CrossLMM.Zoo.Modules) and the <c>Zoo</c> catalogue (<c>Zoo.g.cs</c>). Bad specs become CLMZ
    /// diagnostics at the YAML line and column. The generator never throws: an internal failure is CLMZ9999.
    /// </summary>
    /// <remarks>
    /// Pipeline (tracking names in quotes, for the caching tests):
    /// registry files → "RegistryText" → collect → "Registry" (RegistryModel);
    /// spec files → "SpecText" → combine with the registry → "Bind" (ArchitectureModel, one per file);
    /// bound specs → "CatalogEntry" → collect + registry → "Catalog" → "Excluded" (duplicates not to emit);
    /// the compilation → "Blocks" (whether CrossLMM.Zoo.Modules.VideoLmm is referenced: a bool, so C# edits
    /// stop there); bound specs + "Excluded" + "Blocks" → "Module" (ModuleModel: kinds only, no sizes).
    /// Outputs: registry diagnostics; per spec, its diagnostics and config (combined with "Excluded", which
    /// only changes when the set of duplicates does); per spec, its module (re-emitted only when a kind,
    /// the name or the doc text changes); the catalogue and the cross-file diagnostics.
    /// </remarks>
    [Generator(LanguageNames.CSharp)]
    public sealed class ZooGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var registry = context.AdditionalTextsProvider
                .Where(static f => PipelineInputs.IsRegistry(f))
                .Select(static (f, ct) => PipelineInputs.Read(f, ct))
                .WithTrackingName("RegistryText")
                .Collect()
                .Select(static (files, ct) => PipelineInputs.ParseRegistry(files, ct))
                .WithTrackingName("Registry");

            var bound = context.AdditionalTextsProvider
                .Where(static f => PipelineInputs.IsSpec(f))
                .Select(static (f, ct) => PipelineInputs.Read(f, ct))
                .WithTrackingName("SpecText")
                .Combine(registry)
                .Select(static (pair, ct) => PipelineInputs.Bind(pair.Left, pair.Right, ct))
                .WithTrackingName("Bind");

            var catalog = bound
                .Select(static (m, _) => PipelineInputs.Entry(m))
                .WithTrackingName("CatalogEntry")
                .Collect()
                .Combine(registry)
                .Select(static (pair, ct) => PipelineInputs.Catalog(pair.Left, pair.Right, ct))
                .WithTrackingName("Catalog");

            var excluded = catalog
                .Select(static (c, _) => c.Excluded)
                .WithTrackingName("Excluded");

            var blocks = context.CompilationProvider
                .Select(static (c, _) => PipelineInputs.Blocks(c))
                .WithTrackingName("Blocks");

            var modules = bound
                .Combine(excluded)
                .Combine(blocks)
                .Select(static (pair, _) => PipelineInputs.Module(pair.Left.Left, pair.Left.Right, pair.Right))
                .WithTrackingName("Module");

            context.RegisterSourceOutput(registry, static (spc, model) => Guard(spc, () =>
            {
                foreach (var d in model.Diagnostics)
                {
                    spc.ReportDiagnostic(Descriptors.ToDiagnostic(d));
                }
            }));

            context.RegisterSourceOutput(bound.Combine(excluded), static (spc, pair) => Guard(spc, () => EmitArchitecture(spc, pair.Left, pair.Right)));

            context.RegisterSourceOutput(modules, static (spc, model) => Guard(spc, () =>
            {
                if (model.Failure is not null)
                {
                    spc.ReportDiagnostic(Descriptors.ToDiagnostic(model.Failure));
                }

                if (model.Name is not null)
                {
                    spc.AddSource(ModuleEmitter.HintName(model.Name), SourceText.From(ModuleEmitter.Emit(model), Encoding.UTF8));
                }
            }));

            context.RegisterSourceOutput(catalog.Combine(blocks), static (spc, pair) => Guard(spc, () =>
            {
                var model = pair.Left;
                foreach (var d in model.Diagnostics)
                {
                    spc.ReportDiagnostic(Descriptors.ToDiagnostic(d));
                }

                if (model.Zoo is not null)
                {
                    spc.AddSource(CatalogEmitter.HintName, SourceText.From(CatalogEmitter.Emit(model, withModules: pair.Right.Present), Encoding.UTF8));
                }
            }));
        }

        private static void EmitArchitecture(SourceProductionContext spc, ArchitectureModel model, EquatableArray<string> excluded)
        {
            var result = model.Result;
            foreach (var d in result.Diagnostics)
            {
                spc.ReportDiagnostic(Descriptors.ToDiagnostic(d));
            }

            if (result.HasErrors || result.Configs.IsEmpty || result.Name is null || excluded.Contains(result.Path))
            {
                return;
            }

            spc.AddSource(ConfigEmitter.HintName(result.Name), SourceText.From(ConfigEmitter.Emit(model), Encoding.UTF8));
        }

        private static void Guard(SourceProductionContext spc, Action action)
        {
            try
            {
                action();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                spc.ReportDiagnostic(Descriptors.ToDiagnostic(PipelineInputs.Internal(string.Empty, ex)));
            }
        }
    }
}
