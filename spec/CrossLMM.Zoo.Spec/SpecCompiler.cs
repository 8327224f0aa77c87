using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Binding;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>The result of binding one architecture file at one preset (the runtime builder's view).</summary>
    /// <param name="Config">The bound configuration, or null when there are errors.</param>
    /// <param name="Diagnostics">Problems found (errors and warnings).</param>
    public sealed record SpecResult(ArchitectureConfig? Config, EquatableArray<SpecDiagnostic> Diagnostics)
    {
        /// <summary>Whether a configuration was produced without errors.</summary>
        public bool Success => Config is not null && !Diagnostics.Any(d => d.IsError);

        /// <summary>The configuration, or a <see cref="SpecException"/> listing every diagnostic.</summary>
        /// <exception cref="SpecException">The spec has errors.</exception>
        public ArchitectureConfig GetConfigOrThrow() => Success ? Config! : throw new SpecException(Diagnostics);
    }

    /// <summary>The result of binding one architecture file at every preset of the zoo (the generator's view).</summary>
    /// <param name="Path">The file's path as given.</param>
    /// <param name="Stem">The file stem (architectures/crosslmm.yaml → crosslmm).</param>
    /// <param name="SourceFile">The path relative to the directory of zoo.yaml.</param>
    /// <param name="Name">The validated C# name, or null when missing or invalid.</param>
    /// <param name="NameSpan">Where the name is (file start when missing).</param>
    /// <param name="Paper">The paper reference.</param>
    /// <param name="Summary">The summary.</param>
    /// <param name="Configs">One configuration per valid preset, in zoo.yaml order; empty when there are errors.</param>
    /// <param name="Diagnostics">Problems found.</param>
    public sealed record SpecSetResult(
        string Path,
        string Stem,
        string SourceFile,
        string? Name,
        SourceSpan NameSpan,
        string Paper,
        string Summary,
        EquatableArray<ArchitectureConfig> Configs,
        EquatableArray<SpecDiagnostic> Diagnostics)
    {
        /// <summary>Whether the file has errors.</summary>
        public bool HasErrors => Diagnostics.Any(d => d.IsError);
    }

    /// <summary>Thrown by <see cref="SpecResult.GetConfigOrThrow"/>: the spec has errors.</summary>
    public sealed class SpecException : Exception
    {
        /// <summary>Creates the exception; its message lists every diagnostic in MSBuild form.</summary>
        /// <param name="diagnostics">The diagnostics.</param>
        public SpecException(EquatableArray<SpecDiagnostic> diagnostics)
            : base("the spec has errors:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics.Select(d => "  " + d)))
        {
            Diagnostics = diagnostics;
        }

        /// <summary>Creates the exception from the diagnostics of one spec, in the order they were reported.</summary>
        /// <param name="diagnostics">The diagnostics (at least one).</param>
        public SpecException(IEnumerable<SpecDiagnostic> diagnostics)
            : this(new EquatableArray<SpecDiagnostic>(diagnostics))
        {
        }

        /// <summary>The diagnostics.</summary>
        public EquatableArray<SpecDiagnostic> Diagnostics { get; }

        /// <summary>The spec file the first diagnostic names (empty when it names none).</summary>
        public string Path => Diagnostics.Count == 0 ? string.Empty : Diagnostics[0].FilePath;
    }

    /// <summary>
    /// The spec core's entry points: YAML text → bound <see cref="ArchitectureConfig"/>s or diagnostics.
    /// Pure and thread-safe; never throws for any input text.
    /// </summary>
    public static class SpecCompiler
    {
        /// <summary>
        /// Binds an architecture file at one preset (default: zoo.yaml's default preset). This is what the
        /// runtime builder (<c>Zoo.Build(yamlText, preset)</c>) runs.
        /// </summary>
        /// <param name="yamlText">The architecture YAML.</param>
        /// <param name="path">Its path, for diagnostics and <see cref="ArchitectureConfig.SourceFile"/>.</param>
        /// <param name="zoo">The parsed zoo.yaml.</param>
        /// <param name="preset">The preset name, or null for <see cref="ZooRegistry.DefaultPreset"/>.</param>
        public static SpecResult Bind(string yamlText, string path, ZooRegistry zoo, string? preset = null)
        {
            if (zoo is null)
            {
                throw new ArgumentNullException(nameof(zoo));
            }

            string name = preset ?? zoo.DefaultPreset;
            if (!zoo.DeclaredPresets.Contains(name))
            {
                var bag = new DiagnosticBag(path ?? string.Empty);
                bag.Report(SpecMessages.UnknownRequestedPreset(name, zoo.DeclaredPresets), SourceSpan.FileStart);
                return new SpecResult(null, bag.ToArray());
            }

            var sizePreset = zoo.FindPreset(name);
            if (sizePreset is null)
            {
                // Declared but invalid: the reasons are zoo.yaml's own diagnostics.
                return new SpecResult(null, zoo.Diagnostics.Where(d => d.IsError).ToEquatableArray());
            }

            var result = Compile(yamlText, path ?? string.Empty, zoo, new[] { sizePreset }, requested: true);
            return new SpecResult(result.Configs.IsEmpty ? null : result.Configs[0], result.Diagnostics);
        }

        /// <summary>
        /// Binds an architecture file at every valid preset of the zoo (what the source generator runs).
        /// A rule broken at several presets is reported once, for the first.
        /// </summary>
        /// <param name="yamlText">The architecture YAML.</param>
        /// <param name="path">Its path, for diagnostics.</param>
        /// <param name="zoo">The parsed zoo.yaml.</param>
        public static SpecSetResult BindAll(string yamlText, string path, ZooRegistry zoo)
        {
            if (zoo is null)
            {
                throw new ArgumentNullException(nameof(zoo));
            }

            return Compile(yamlText, path ?? string.Empty, zoo, zoo.Presets, requested: false);
        }

        // requested: the presets were asked for by name (Bind), so one the spec does not support is an error; otherwise
        // (BindAll) the spec is bound at the presets it supports.
        private static SpecSetResult Compile(string? text, string path, ZooRegistry zoo, IEnumerable<SizePreset> presets, bool requested)
        {
            var bag = new DiagnosticBag(path);
            string stem = Names.StemOf(path);
            string sourceFile = Names.RelativeToRegistry(zoo.Path, path);
            var configs = new List<ArchitectureConfig>();
            ArchitectureSyntax? syntax = null;
            try
            {
                var root = YamlLoader.Load(text ?? string.Empty, bag);
                if (root is not null)
                {
                    syntax = ArchitectureReader.Read(root, zoo, bag);
                    if (syntax.CanBind)
                    {
                        foreach (var preset in presets)
                        {
                            if (!syntax.Supports(preset.Name))
                            {
                                if (requested)
                                {
                                    bag.Report(SpecMessages.PresetNotSupported(preset.Name, syntax.Presets!), syntax.PresetsNode!);
                                }

                                continue;
                            }

                            if (ArchitectureBinder.Bind(syntax, preset, stem, sourceFile, bag) is ArchitectureConfig config)
                            {
                                configs.Add(config);
                            }
                        }
                    }
                }
            }
            catch (Exception ex)
            {
                // A bug in the core must not take the compiler down with it.
                bag.Report(SpecMessages.InternalError(ex.GetType().Name, ex.Message), SourceSpan.FileStart);
            }

            if (bag.HasErrors)
            {
                configs.Clear();
            }

            return new SpecSetResult(
                path,
                stem,
                sourceFile,
                syntax?.Name,
                syntax?.NameNode?.Span ?? SourceSpan.FileStart,
                syntax?.Paper ?? string.Empty,
                syntax?.Summary ?? string.Empty,
                configs.ToEquatableArray(),
                bag.ToArray());
        }
    }
}
