using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Binding;
using CrossLMM.Zoo.Spec.Vocabulary;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>
    /// A size preset of zoo.yaml: the vision, resampler and LLM sizes shared by every architecture.
    /// <see cref="Vision"/> and <see cref="Llm"/> carry placeholder kinds (vit, qwen2); the architecture sets the real ones.
    /// </summary>
    /// <param name="Name">Preset name (<c>tiny</c>, <c>2b</c>, ...).</param>
    /// <param name="PropertyName">The C# property name generated for it (<c>Tiny</c>, <c>Size2B</c>, ...).</param>
    /// <param name="Vision">Vision sizes.</param>
    /// <param name="Resampler">Resampler sizes.</param>
    /// <param name="Llm">Language model sizes.</param>
    public sealed record SizePreset(string Name, string PropertyName, VisionConfig Vision, ResamplerConfig Resampler, LanguageModelConfig Llm);

    /// <summary>An entry of zoo.yaml's <c>architectures</c> list.</summary>
    /// <param name="Stem">The file stem (<c>crosslmm</c> → architectures/crosslmm.yaml).</param>
    /// <param name="Span">Where the entry is in zoo.yaml.</param>
    public sealed record ZooArchitectureEntry(string Stem, SourceSpan Span);

    /// <summary>
    /// The parsed registry, zoo.yaml: size presets, the architecture list and defaults. Parsing never
    /// throws; problems are in <see cref="Diagnostics"/> and invalid presets are left out of
    /// <see cref="Presets"/> (but stay in <see cref="DeclaredPresets"/>).
    /// </summary>
    /// <param name="Path">Path of the file (diagnostics refer to it).</param>
    /// <param name="Text">The YAML text.</param>
    /// <param name="Presets">The valid presets, in file order.</param>
    /// <param name="DeclaredPresets">Every preset name the file declares, valid or not.</param>
    /// <param name="Architectures">The architecture list, in file order.</param>
    /// <param name="DefaultPreset">The preset used when none is requested.</param>
    /// <param name="Diagnostics">Problems found in the file.</param>
    public sealed record ZooRegistry(
        string Path,
        string Text,
        EquatableArray<SizePreset> Presets,
        EquatableArray<string> DeclaredPresets,
        EquatableArray<ZooArchitectureEntry> Architectures,
        string DefaultPreset,
        EquatableArray<SpecDiagnostic> Diagnostics)
    {
        /// <summary>Whether the file has errors.</summary>
        public bool HasErrors => Diagnostics.Any(d => d.IsError);

        /// <summary>The valid preset named <paramref name="name"/>, or null.</summary>
        /// <param name="name">A preset name.</param>
        public SizePreset? FindPreset(string name) => Presets.FirstOrDefault(p => p.Name == name);

        /// <summary>Parses zoo.yaml text. Never throws.</summary>
        /// <param name="text">The YAML text.</param>
        /// <param name="path">Its path, for diagnostics.</param>
        public static ZooRegistry Parse(string text, string path)
        {
            var bag = new DiagnosticBag(path);
            var presets = new List<SizePreset>();
            var declared = new List<string>();
            var entries = new List<ZooArchitectureEntry>();
            string? defaultPreset = null;
            YNode? defaultNode = null;

            var root = YamlLoader.Load(text ?? string.Empty, bag);
            if (root is not null && FieldReader.ExpectMapping(root, string.Empty, bag) is YMapping map)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (key, keyNode, value) in FieldReader.Pairs(map, string.Empty, bag))
                {
                    seen.Add(key);
                    switch (key)
                    {
                        case "presets":
                            ReadPresets(value, bag, presets, declared);
                            break;
                        case "architectures":
                            ReadArchitectures(value, bag, entries);
                            break;
                        case "defaults":
                            if (FieldReader.ExpectMapping(value, "defaults", bag) is YMapping defaults)
                            {
                                var fields = FieldReader.Read(defaults, "defaults", "defaults", new[] { SpecVocabulary.DefaultPresetField }, new string[0], keyNode, bag);
                                if (fields.Get("preset") is FieldValue p && fields.InvalidCount == 0)
                                {
                                    defaultPreset = (string)p.Value;
                                    defaultNode = p.Node;
                                }
                            }

                            break;
                        default:
                            bag.Report(SpecMessages.UnknownKey(key, "zoo.yaml", SpecVocabulary.ZooKeys.Select(k => k.Name).ToArray()), keyNode);
                            break;
                    }
                }

                foreach (var required in SpecVocabulary.ZooKeys.Where(k => k.Required && !seen.Contains(k.Name)))
                {
                    bag.Report(SpecMessages.MissingField("zoo.yaml", required.Name), map.Span.Length == 0 ? SourceSpan.FileStart : First(map));
                }
            }

            if (defaultPreset is not null && !declared.Contains(defaultPreset))
            {
                bag.Report(SpecMessages.UnknownPreset(defaultPreset, "defaults.preset", declared.ToArray()), defaultNode!);
                defaultPreset = null;
            }

            return new ZooRegistry(
                path,
                text ?? string.Empty,
                presets.ToEquatableArray(),
                declared.ToEquatableArray(),
                entries.ToEquatableArray(),
                defaultPreset ?? declared.FirstOrDefault() ?? "tiny",
                bag.ToArray());
        }

        private static SourceSpan First(YMapping map) => map.Pairs.Count > 0 ? map.Pairs[0].Key.Span : map.Span;

        private static void ReadPresets(YNode node, DiagnosticBag bag, List<SizePreset> presets, List<string> declared)
        {
            if (FieldReader.ExpectMapping(node, "presets", bag) is not YMapping map)
            {
                return;
            }

            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, keyNode, value) in FieldReader.Pairs(map, "presets", bag))
            {
                if (!Names.IsValidPresetName(name))
                {
                    bag.Report(SpecMessages.InvalidPresetName(name), keyNode);
                    continue;
                }

                string property = Names.PresetPropertyName(name);
                if (properties.TryGetValue(property, out string? other))
                {
                    bag.Report(SpecMessages.PresetPropertyClash(name, other, property), keyNode);
                    continue;
                }

                if (Names.ReservedPresetProperties.Contains(property))
                {
                    bag.Report(SpecMessages.PresetPropertyReserved(name, property), keyNode);
                    continue;
                }

                properties[property] = name;
                declared.Add(name);
                if (ReadPreset(name, property, keyNode, value, bag) is SizePreset preset)
                {
                    presets.Add(preset);
                }
            }
        }

        private static SizePreset? ReadPreset(string name, string property, YNode keyNode, YNode value, DiagnosticBag bag)
        {
            string path = "presets." + name;
            if (FieldReader.ExpectMapping(value, path, bag) is not YMapping map)
            {
                return null;
            }

            var sections = new Dictionary<string, FieldSet>(StringComparer.Ordinal);
            bool ok = true;
            foreach (var (key, sectionKey, sectionValue) in FieldReader.Pairs(map, path, bag))
            {
                var spec = SpecVocabulary.PresetSections.FirstOrDefault(s => s.Name == key);
                if (spec is null)
                {
                    bag.Report(SpecMessages.UnknownKey(key, path, SpecVocabulary.PresetSections.Select(s => s.Name).ToArray()), sectionKey);
                    ok = false;
                    continue;
                }

                string sectionPath = path + "." + key;
                if (FieldReader.ExpectMapping(sectionValue, sectionPath, bag) is not YMapping section)
                {
                    ok = false;
                    continue;
                }

                var fields = FieldReader.Read(section, sectionPath, sectionPath, spec.Fields, new string[0], sectionKey, bag);
                ok &= fields.InvalidCount == 0 && spec.Fields.All(f => fields.Has(f.Name));
                sections[key] = fields;
            }

            foreach (var spec in SpecVocabulary.PresetSections)
            {
                if (!sections.ContainsKey(spec.Name))
                {
                    bag.Report(SpecMessages.MissingField(path, spec.Name), keyNode);
                    ok = false;
                }
            }

            if (!ok)
            {
                return null;
            }

            var preset = new SizePreset(name, property, Sizes.Create<VisionConfig>(sections["vision"], VisionKind.Vit), Sizes.Create<ResamplerConfig>(sections["resampler"]), Sizes.Create<LanguageModelConfig>(sections["llm"], LanguageModelKind.Qwen2));
            var problems = Sizes.Check(preset.Vision, preset.Resampler, preset.Llm, name, key =>
            {
                int dot = key.IndexOf('.');
                return sections[key.Substring(0, dot)].NodeOf(key.Substring(dot + 1));
            });
            foreach (var (message, node) in problems)
            {
                bag.Report(message, node);
            }

            return problems.Count == 0 ? preset : null;
        }

        private static void ReadArchitectures(YNode node, DiagnosticBag bag, List<ZooArchitectureEntry> entries)
        {
            if (FieldReader.ExpectSequence(node, "architectures", bag) is not YSequence list)
            {
                return;
            }

            for (int i = 0; i < list.Items.Count; i++)
            {
                var item = list.Items[i];
                if (item is not YScalar s || s.IsNull || !s.IsText)
                {
                    bag.Report(SpecMessages.WrongType($"architectures[{i}]", "a file stem", item), item);
                    continue;
                }

                if (!Names.IsValidStem(s.Value))
                {
                    bag.Report(SpecMessages.InvalidStem($"architectures[{i}]", s.Value), item);
                    continue;
                }

                if (entries.Any(e => e.Stem == s.Value))
                {
                    bag.Report(SpecMessages.ArchitectureListedTwice(s.Value), item);
                    continue;
                }

                entries.Add(new ZooArchitectureEntry(s.Value, item.Span));
            }
        }
    }
}
