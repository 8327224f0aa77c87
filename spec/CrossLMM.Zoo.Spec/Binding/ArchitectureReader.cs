using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Vocabulary;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>Reads an architecture file into <see cref="ArchitectureSyntax"/> and checks every preset-independent rule.</summary>
    internal static class ArchitectureReader
    {
        public static ArchitectureSyntax Read(YNode root, ZooRegistry zoo, DiagnosticBag bag)
        {
            var syntax = new ArchitectureSyntax();
            if (FieldReader.ExpectMapping(root, string.Empty, bag) is not YMapping map)
            {
                return syntax;
            }

            int errorsBefore = bag.ErrorCount;
            bool partsValid = true;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            YNode? overridesNode = null;
            foreach (var (key, keyNode, value) in FieldReader.Pairs(map, string.Empty, bag))
            {
                seen.Add(key);
                switch (key)
                {
                    case "name":
                        if (FieldReader.ReadValue(SpecVocabulary.NameField, value, "name", bag) is string name)
                        {
                            if (Names.TypeNameProblem(name) is SpecMessage problem)
                            {
                                bag.Report(problem, value);
                            }
                            else
                            {
                                syntax.Name = name;
                                syntax.NameNode = value;
                            }
                        }

                        break;
                    case "paper":
                        syntax.Paper = FieldReader.ReadValue(SpecVocabulary.PaperField, value, "paper", bag) as string ?? string.Empty;
                        break;
                    case "summary":
                        syntax.Summary = FieldReader.ReadValue(SpecVocabulary.SummaryField, value, "summary", bag) as string ?? string.Empty;
                        break;
                    case "vision":
                        {
                            var (kind, fields, _) = ReadSlot(value, keyNode, SpecVocabulary.Vision, "vision", bag);
                            syntax.Vision = kind is null ? null : (VisionKind)YamlNames.Parse(typeof(VisionKind), kind.Name);
                            partsValid &= fields.InvalidCount == 0;
                            break;
                        }

                    case "llm":
                        {
                            var (kind, fields, _) = ReadSlot(value, keyNode, SpecVocabulary.Llm, "llm", bag);
                            syntax.Llm = kind is null ? null : (LanguageModelKind)YamlNames.Parse(typeof(LanguageModelKind), kind.Name);
                            partsValid &= fields.InvalidCount == 0;
                            break;
                        }

                    case "compressor":
                        {
                            var (kind, fields, kindNode) = ReadSlot(value, keyNode, SpecVocabulary.Compressor, "compressor", bag);
                            syntax.CompressorKind = kind;
                            syntax.Compressor = fields;
                            syntax.CompressorKindNode = kindNode;
                            partsValid &= fields.InvalidCount == 0;
                            break;
                        }

                    case "projector":
                        {
                            var (kind, fields, _) = ReadSlot(value, keyNode, SpecVocabulary.Projector, "projector", bag);
                            if (kind is not null && fields.InvalidCount == 0)
                            {
                                syntax.Projector = (ProjectorConfig)KindRecords.Create(kind.Declaration!, fields);
                            }

                            break;
                        }

                    case "fusion":
                        partsValid &= ReadFusion(value, syntax, bag);
                        break;
                    case "layout":
                        if (FieldReader.ReadValue(SpecVocabulary.LayoutField, value, "layout", bag) is string layout)
                        {
                            syntax.Layout = (Layout)YamlNames.Parse(typeof(Layout), layout);
                            syntax.LayoutNode = value;
                        }

                        break;
                    case "overrides":
                        overridesNode = value;
                        break;
                    case "presets":
                        partsValid &= ReadPresets(value, syntax, zoo, bag);
                        break;
                    default:
                        bag.Report(SpecMessages.UnknownKey(key, "the architecture", SpecVocabulary.ArchitectureKeys.Select(k => k.Name)), keyNode);
                        break;
                }
            }

            foreach (var required in SpecVocabulary.ArchitectureKeys.Where(k => k.Required && !seen.Contains(k.Name)))
            {
                bag.Report(SpecMessages.MissingField("the architecture", required.Name), SourceSpan.FileStart);
            }

            if (overridesNode is not null)
            {
                partsValid &= ReadOverrides(overridesNode, syntax, zoo, bag);
            }

            CheckStructure(syntax, bag);
            syntax.CanBind = partsValid
                && syntax.Vision is not null && syntax.Llm is not null && syntax.CompressorKind is not null && syntax.Projector is not null
                && bag.ErrorCount == errorsBefore;
            return syntax;
        }

        private static (KindSpec? Kind, FieldSet Fields, YNode? KindNode) ReadSlot(YNode value, YNode keyNode, SlotSpec slot, string path, DiagnosticBag bag)
        {
            if (value is not YMapping map)
            {
                string? shorthand = value is YScalar s && slot.Find(s.Value) is not null ? s.Value : null;
                FieldReader.ExpectMapping(value, path, bag, shorthand);
                return (null, FieldSet.Empty, null);
            }

            YNode? kindNode = null;
            foreach (var pair in map.Pairs)
            {
                if (pair.Key is YScalar k && k.Value == "kind")
                {
                    kindNode = pair.Value;
                    break;
                }
            }

            if (kindNode is null)
            {
                bag.Report(SpecMessages.MissingField(path, "kind", "one of " + Text.Join(slot.Kinds.Select(k => k.Name))), keyNode);
                return (null, FieldSet.Empty, null);
            }

            if (kindNode is not YScalar kindScalar || kindScalar.IsNull || !kindScalar.IsText)
            {
                bag.Report(SpecMessages.WrongType(path + ".kind", "one of " + Text.Join(slot.Kinds.Select(k => k.Name)), kindNode), kindNode);
                return (null, FieldSet.Empty, null);
            }

            var kind = slot.Find(kindScalar.Value);
            if (kind is null)
            {
                bag.Report(SpecMessages.UnknownKind(slot.Name, path, kindScalar.Value, slot.Kinds.Select(k => k.Name)), kindNode);
                return (null, FieldSet.Empty, kindNode);
            }

            // vision and llm take their sizes from the preset: point a size key at zoo.yaml and overrides.
            var sizes = SpecVocabulary.PresetSections.FirstOrDefault(s => s.Name == slot.Name);
            string place = $"{path} ({kind.Name})";
            Func<string, SpecMessage?>? unknownKey = sizes is null
                ? null
                : key => sizes.Fields.Any(f => f.Name == key) ? SpecMessages.SizeKeyInArchitecture(key, place, slot.Name) : null;
            var fields = FieldReader.Read(map, path, place, kind.Fields.Concat(slot.CommonFields).ToArray(), new[] { "kind" }, keyNode, bag, unknownKey);
            return (kind, fields, kindNode);
        }

        private static bool ReadFusion(YNode value, ArchitectureSyntax syntax, DiagnosticBag bag)
        {
            if (FieldReader.ExpectSequence(value, "fusion", bag) is not YSequence list)
            {
                return false;
            }

            bool valid = true;
            for (int i = 0; i < list.Items.Count; i++)
            {
                var item = list.Items[i];
                var (kind, fields, kindNode) = ReadSlot(item, item, SpecVocabulary.Fusion, $"fusion[{i}]", bag);
                if (kind is null || kindNode is null)
                {
                    valid = false;
                    continue;
                }

                valid &= fields.InvalidCount == 0;
                syntax.Fusion.Add(new FusionSyntax(i, kind, fields, kindNode));
            }

            return valid;
        }

        private static bool ReadPresets(YNode value, ArchitectureSyntax syntax, ZooRegistry zoo, DiagnosticBag bag)
        {
            if (FieldReader.ExpectSequence(value, "presets", bag) is not YSequence list)
            {
                return false;
            }

            if (list.Items.Count == 0)
            {
                bag.Report(SpecMessages.EmptyList("presets", "leave the key out to support every preset"), value);
                return false;
            }

            bool valid = true;
            var names = new List<string>();
            for (int i = 0; i < list.Items.Count; i++)
            {
                var item = list.Items[i];
                if (item is not YScalar s || s.IsNull || !s.IsText)
                {
                    bag.Report(SpecMessages.WrongType($"presets[{i}]", "a preset name", item), item);
                    valid = false;
                }
                else if (!zoo.DeclaredPresets.Contains(s.Value))
                {
                    bag.Report(SpecMessages.UnknownPreset(s.Value, "presets", zoo.DeclaredPresets), item);
                    valid = false;
                }
                else if (names.Contains(s.Value))
                {
                    bag.Report(SpecMessages.ListedTwice("presets", s.Value), item);
                    valid = false;
                }
                else
                {
                    names.Add(s.Value);
                }
            }

            syntax.Presets = names;
            syntax.PresetsNode = value;
            return valid;
        }

        private static bool ReadOverrides(YNode value, ArchitectureSyntax syntax, ZooRegistry zoo, DiagnosticBag bag)
        {
            if (FieldReader.ExpectMapping(value, "overrides", bag) is not YMapping map)
            {
                return false;
            }

            bool valid = true;
            foreach (var (preset, presetKey, presetValue) in FieldReader.Pairs(map, "overrides", bag))
            {
                if (!zoo.DeclaredPresets.Contains(preset))
                {
                    bag.Report(SpecMessages.UnknownPreset(preset, "overrides", zoo.DeclaredPresets), presetKey);
                    continue;
                }

                string path = "overrides." + preset;
                if (FieldReader.ExpectMapping(presetValue, path, bag) is not YMapping sections)
                {
                    valid = false;
                    continue;
                }

                var entry = new OverrideSyntax(preset, presetKey);
                foreach (var (section, sectionKey, sectionValue) in FieldReader.Pairs(sections, path, bag))
                {
                    string sectionPath = path + "." + section;
                    if (!SpecVocabulary.OverrideSections.Contains(section))
                    {
                        bag.Report(SpecMessages.UnknownKey(section, path, SpecVocabulary.OverrideSections), sectionKey);
                        continue;
                    }

                    if (FieldReader.ExpectMapping(sectionValue, sectionPath, bag) is not YMapping fieldsMap)
                    {
                        valid = false;
                        continue;
                    }

                    FieldSet fields;
                    if (section == "compressor")
                    {
                        // Only numeric (size) fields: enum fields such as 'per' change the module structure,
                        // which must be the same at every preset.
                        var numeric = (syntax.CompressorKind?.Fields ?? new FieldSpec[0])
                            .Where(f => f.Type is FieldType.Integer or FieldType.Number).Select(f => f.AsOptional()).ToArray();
                        var sizeFields = numeric.Select(f => f.Name).ToArray();
                        fields = FieldReader.Read(fieldsMap, "compressor", sectionPath, numeric, new string[0], sectionKey, bag, key => SpecMessages.UnknownCompressorOverride(key, sectionPath, syntax.CompressorKind?.Name, sizeFields));
                    }
                    else
                    {
                        var spec = SpecVocabulary.PresetSections.First(s => s.Name == section);
                        fields = FieldReader.Read(fieldsMap, section, sectionPath, spec.Fields.Select(f => f.AsOptional()).ToArray(), new string[0], sectionKey, bag);
                    }

                    valid &= fields.InvalidCount == 0;
                    switch (section)
                    {
                        case "vision": entry.Vision = fields; break;
                        case "resampler": entry.Resampler = fields; break;
                        case "llm": entry.Llm = fields; break;
                        default: entry.Compressor = fields; break;
                    }
                }

                syntax.Overrides[preset] = entry;
            }

            return valid;
        }

        // compressor.slow_stride sizes the 'slow' source of the kinds that do not make one themselves: it is an error
        // where it has no effect (temporal_pool pools its slow tokens by its own stride; no fusion entry reads slow).
        private static void CheckSlowStride(ArchitectureSyntax syntax, DiagnosticBag bag)
        {
            if (syntax.Compressor.Get("slow_stride") is not FieldValue slowStride || syntax.CompressorKind is null)
            {
                return;
            }

            if (syntax.CompressorKind.Name == "temporal_pool")
            {
                bag.Report(SpecMessages.SlowStrideOnTemporalPool(), slowStride.Key);
            }
            else if (!syntax.Fusion.Any(e => e.Fields.Str("source") == "slow"))
            {
                bag.Report(SpecMessages.SlowStrideUnread(slowStride.Value), slowStride.Key);
            }
        }

        private static void CheckStructure(ArchitectureSyntax syntax, DiagnosticBag bag)
        {
            if (syntax.Layout == Layout.CrossAttentionOnly && syntax.Fusion.Count == 0 && syntax.LayoutNode is not null)
            {
                bag.Report(SpecMessages.CrossAttentionOnlyWithoutFusion(), syntax.LayoutNode);
            }

            CheckSlowStride(syntax, bag);
            foreach (var fusion in syntax.Fusion)
            {
                var f = fusion.Fields;
                string path = fusion.Path;
                bool hasEvery = f.Has("every");
                bool hasLayers = f.Has("layers");
                if (hasEvery && hasLayers)
                {
                    bag.Report(SpecMessages.PlacementEveryAndLayers(path), f.Get("layers")!.Key);
                }
                else if (!hasEvery && !hasLayers)
                {
                    bag.Report(SpecMessages.PlacementMissing(path, fusion.Kind.Name), fusion.KindNode);
                }

                if (f.Has("start") && !hasEvery)
                {
                    bag.Report(SpecMessages.StartWithoutEvery(path), f.Get("start")!.Key);
                }


                if (fusion.Kind.Name != "dual_cross_attention")
                {
                    continue;
                }

                if (syntax.Layout == Layout.CrossAttentionOnly)
                {
                    var branches = f.StrList("branches");
                    var v2v = branches?.FirstOrDefault(b => b.Value == "v2v").Node;
                    if (branches is null || v2v is not null)
                    {
                        bag.Report(SpecMessages.V2VWithoutStreamTokens(path), v2v ?? fusion.KindNode);
                    }
                }

                if (f.Has("scope") && f.Str("scope") == "frame" && syntax.CompressorKind is not null && !syntax.CompressorIsPerFrame)
                {
                    string what = syntax.CompressorKind.Name is "qformer" or "perceiver" ? $"{syntax.CompressorKind.Name} per {syntax.Compressor.Str("per")}" : syntax.CompressorKind.Name;
                    bag.Report(SpecMessages.FrameScopeNeedsPerFrame(path, what, KindRecords.PerFrameCompressors), f.NodeOf("scope")!);
                }
            }
        }
    }
}
