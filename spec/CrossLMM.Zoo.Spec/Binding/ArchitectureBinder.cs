using System.Collections.Generic;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>Binds an <see cref="ArchitectureSyntax"/> to one preset: merges overrides, expands the layer plan, checks the sized rules.</summary>
    internal static class ArchitectureBinder
    {
        public static ArchitectureConfig? Bind(ArchitectureSyntax syntax, SizePreset preset, string stem, string sourceFile, DiagnosticBag bag)
        {
            int errorsBefore = bag.ErrorCount;
            string presetName = preset.Name;
            syntax.Overrides.TryGetValue(preset.Name, out var overrides);

            var vision = Sizes.Apply(preset.Vision with { Kind = syntax.Vision!.Value }, overrides?.Vision);
            var resampler = Sizes.Apply(preset.Resampler, overrides?.Resampler);
            var llm = Sizes.Apply(preset.Llm with { Kind = syntax.Llm!.Value }, overrides?.Llm);

            // Values from zoo.yaml were checked there; a broken rule here involves an override.
            foreach (var (message, node) in Sizes.Check(vision, resampler, llm, preset.Name, key => overrides?.NodeOf(key)))
            {
                bag.Report(message, node);
            }

            var compressor = BuildCompressor(syntax, overrides?.Compressor, vision, presetName, bag);
            var fusion = new List<FusionConfig>();
            var owner = new Dictionary<int, FusionSyntax>();
            foreach (var entry in syntax.Fusion)
            {
                var layers = Expand(entry, llm, presetName, bag);
                var f = entry.Fields;
                int heads = f.OptionalInt("heads") ?? llm.Heads;
                int kvHeads = f.OptionalInt("kv_heads") ?? llm.KvHeads;
                int mlp = f.OptionalInt("mlp") ?? llm.Mlp;
                CheckHeads(entry, llm, heads, kvHeads, presetName, bag);

                foreach (int layer in layers)
                {
                    if (owner.TryGetValue(layer, out var first))
                    {
                        bag.Report(SpecMessages.FusionLayerCollision(entry.Path, entry.Kind.Name, first.Path, first.Kind.Name, layer, presetName), entry.PlacementNode);
                        break;
                    }
                }

                foreach (int layer in layers)
                {
                    if (!owner.ContainsKey(layer))
                    {
                        owner[layer] = entry;
                    }
                }

                // The entry's record, built from its declared fields; the slot gives placement, gate and heads, and the
                // computed default of mlp.
                var expanded = layers.ToEquatableArray();
                fusion.Add((FusionConfig)KindRecords.Create(entry.Kind.Declaration!, f, supplied: p => p.Name switch
                {
                    nameof(FusionConfig.Layers) => expanded,
                    nameof(FusionConfig.GateInit) => f.Number("gate_init"),
                    nameof(FusionConfig.Heads) => heads,
                    nameof(FusionConfig.KvHeads) => kvHeads,
                    "Mlp" => mlp,
                    _ => null,
                }));
            }

            if (bag.ErrorCount > errorsBefore || compressor is null)
            {
                return null;
            }

            return new ArchitectureConfig(
                syntax.Name!,
                stem,
                syntax.Paper,
                syntax.Summary,
                sourceFile,
                preset.Name,
                vision,
                resampler,
                compressor,
                syntax.Projector!,
                llm,
                fusion.ToEquatableArray(),
                syntax.Layout);
        }

        // The head layout of one fusion entry, one problem at a time (a width that does not split into heads makes
        // every later rule meaningless): heads divide llm.hidden (CLMZ0010), kv_heads divide heads (CLMZ0011),
        // a hybrid keeps the layer's own heads and kv_heads (CLMZ0030). Defaults (llm.heads, llm.kv_heads) always
        // pass the first two, so a problem is located at a value the entry sets.
        private static void CheckHeads(FusionSyntax entry, LanguageModelConfig llm, int heads, int kvHeads, string presetName, DiagnosticBag bag)
        {
            var f = entry.Fields;
            if (f.Has("heads") && llm.Hidden % heads != 0)
            {
                bag.Report(SpecMessages.HiddenNotDivisibleByHeads("llm.hidden", llm.Hidden, entry.Path + ".heads", heads, presetName), f.NodeOf("heads")!);
                return;
            }

            if (heads % kvHeads != 0)
            {
                var message = f.Has("kv_heads")
                    ? SpecMessages.HeadsNotDivisibleByKvHeads(entry.Path + ".heads", heads, entry.Path + ".kv_heads", kvHeads, presetName)
                    : SpecMessages.HeadsNotDivisibleByDefaultKvHeads(entry.Path, heads, kvHeads, presetName);
                bag.Report(message, f.NodeOf("kv_heads") ?? f.NodeOf("heads")!);
                return;
            }

            if (entry.Kind.Name != "hybrid")
            {
                return;
            }

            if (heads != llm.Heads)
            {
                bag.Report(SpecMessages.HybridHeadsDiffer(entry.Path + ".heads", heads, "llm.heads", llm.Heads, presetName), f.NodeOf("heads")!);
            }
            else if (kvHeads != llm.KvHeads)
            {
                bag.Report(SpecMessages.HybridHeadsDiffer(entry.Path + ".kv_heads", kvHeads, "llm.kv_heads", llm.KvHeads, presetName), f.NodeOf("kv_heads")!);
            }
        }

        private static List<int> Expand(FusionSyntax entry, LanguageModelConfig llm, string presetName, DiagnosticBag bag)
        {
            var f = entry.Fields;
            var layers = new List<int>();
            if (f.OptionalInt("every") is int every)
            {
                int? explicitStart = f.OptionalInt("start");
                int start = explicitStart ?? every - 1;
                if (start >= llm.Layers)
                {
                    var message = explicitStart is null
                        ? SpecMessages.PlacesNoLayerByDefaultStart(entry.Path, every, start, llm.Layers, presetName)
                        : SpecMessages.PlacesNoLayer(entry.Path, start, llm.Layers, presetName);
                    bag.Report(message, f.NodeOf("start") ?? f.NodeOf("every")!);
                    return layers;
                }

                for (int layer = start; layer < llm.Layers; layer += every)
                {
                    layers.Add(layer);
                }
            }
            else if (f.IntList("layers") is IReadOnlyList<(int Value, YNode Node)> explicitLayers)
            {
                foreach (var (layer, node) in explicitLayers)
                {
                    if (layer >= llm.Layers)
                    {
                        bag.Report(SpecMessages.FusionLayerOutOfRange(entry.Path, layer, llm.Layers, presetName), node);
                    }
                    else
                    {
                        layers.Add(layer);
                    }
                }

                layers.Sort();
            }

            return layers;
        }

        private static CompressorConfig? BuildCompressor(ArchitectureSyntax syntax, FieldSet? overrides, VisionConfig vision, string presetName, DiagnosticBag bag)
        {
            var fields = syntax.Compressor;
            int Int(string name) => overrides?.OptionalInt(name) ?? fields.Int(name);
            YNode Node(string name) => overrides?.NodeOf(name) ?? fields.NodeOf(name) ?? syntax.CompressorKindNode!;

            bool NotLargerThanGrid(string name)
            {
                int value = Int(name);
                if (value > vision.PatchGrid)
                {
                    bag.Report(SpecMessages.LargerThanPatchGrid("compressor." + name, value, vision, presetName), Node(name));
                    return false;
                }

                return true;
            }

            // The record, then its own sized rules (the only ones left once the vocabulary has checked the ranges), each at the
            // YAML value it is about.
            var compressor = (CompressorConfig)KindRecords.Create(syntax.CompressorKind!.Declaration!, fields, Int);
            var problems = compressor.Problems(vision);
            foreach (var problem in problems)
            {
                bag.Report(SpecMessages.CompressorRule(problem.Message, presetName), Node(problem.Field));
            }

            if (problems.Count > 0)
            {
                return null;
            }

            if (!fields.Has("slow_stride"))
            {
                return compressor;
            }

            return NotLargerThanGrid("slow_stride") ? compressor with { SlowStride = Int("slow_stride") } : null;
        }
    }
}
