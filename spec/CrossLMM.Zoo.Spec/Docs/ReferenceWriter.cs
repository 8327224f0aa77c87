using System.Collections.Generic;
using System.Linq;
using System.Text;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Vocabulary;

namespace CrossLMM.Zoo.Spec.Docs
{
    /// <summary>
    /// Generates architectures/README.md, the reference page of the spec language, from
    /// <see cref="SpecVocabulary"/> and <see cref="SpecDiagnostics"/>. A test compares the checked-in page with this output.
    /// </summary>
    public static class ReferenceWriter
    {
        /// <summary>The Markdown text of architectures/README.md.</summary>
        public static string Markdown()
        {
            var sb = new StringBuilder();
            void Line(string text = "") => sb.Append(text).Append('\n');

            Line("# Architecture spec reference");
            Line();
            Line("<!-- Generated from spec/CrossLMM.Zoo.Spec/Vocabulary/SpecVocabulary.cs by ReferenceWriter - do not edit.");
            Line("     tests/CrossLMM.Zoo.Spec.Tests compares this file with the generator; on a mismatch it writes README.received.md");
            Line("     next to it (or, with CLMZ_APPROVE=1 in the environment, overwrites this file). -->");
            Line();
            Line("An architecture is one YAML file in this folder; `zoo.yaml` at the repository root holds the size presets");
            Line("shared by every architecture and the list of architectures. At build time the source generator turns each");
            Line("file into a typed `<Name>Config` record with one static property per preset (`Tiny`, `Small`, `Size2B`, `Size7B`:");
            Line("PascalCase, a letter after a digit upper-cased, `Size` in front of a leading digit) and an entry of the `Zoo`");
            Line("catalogue. Mistakes are build errors at the YAML line and column, with IDs documented in");
            Line("[docs/diagnostics](../docs/diagnostics/). Editors that use yaml-language-server complete and check keys");
            Line("through the schemas in [schema/](schema/).");
            Line();
            Line("Notation: T frames, g = image / patch (patch grid side), N = g² encoder tokens per frame, D = vision.hidden,");
            Line("H = llm.hidden.");
            Line();
            Line("## From C#");
            Line();
            Line("```csharp");
            Line("using CrossLMM.Zoo;          // generated: <Name>Config records and the Zoo catalogue");
            Line("using CrossLMM.Zoo.Configs;  // the bound model: ArchitectureConfig and one record per kind");
            Line();
            Line("Pool2dCompressorConfig pool = CrossLmmConfig.Tiny.Compressor;      // typed: the sealed record of its kind");
            Line("long tokens = CrossLmmConfig.Size2B.Architecture.StreamTokens(64); // 576 = 64 frames × 3²");
            Line("LayerPlan plan = CrossLmmConfig.Size7B.LayerPlan;                  // fusion on layers 3, 7, …, 27");
            Line("ArchitectureConfig config = Zoo.Config(\"llava-ov\", \"2b\");        // by stem or name, and preset");
            Line();
            Line("CrossLmm model = CrossLmm.Create(\"tiny\");                         // the typed module: parts typed per spec");
            Line();
            Line("// At run time, Zoo.Build(yamlText, \"tiny\") / Zoo.BuildFile(path) build a model from a YAML the build");
            Line("// never saw, and Zoo.Bind / Zoo.TryBind return its ArchitectureConfig (or the CLMZ diagnostics with line");
            Line("// and column) without allocating a model. Underneath is the same spec core the generator runs:");
            Line("var zoo = CrossLMM.Zoo.Spec.ZooRegistry.Parse(Zoo.RegistryYaml, Zoo.RegistryFile);");
            Line("var result = CrossLMM.Zoo.Spec.SpecCompiler.Bind(yamlText, \"my-variant.yaml\", zoo, \"tiny\");");
            Line("ArchitectureConfig mine = result.GetConfigOrThrow();              // or inspect result.Diagnostics");
            Line("```");
            Line();

            Line("## Architecture file (`architectures/<stem>.yaml`)");
            Line();
            Line("| key | required | default | meaning |");
            Line("|---|---|---|---|");
            foreach (var key in SpecVocabulary.ArchitectureKeys)
            {
                Line($"| `{key.Name}` | {(key.Required ? "yes" : "no")} | {Code(key.DefaultText)} | {Escape(key.Description)} |");
            }

            Line();
            Line("`name` must match `[A-Za-z_][A-Za-z0-9_]*`, contain an upper-case letter, and be neither a C# keyword nor a");
            Line("name the zoo already uses (`Zoo`, the types of `CrossLMM.Zoo.Configs`, or a name whose `<Name>Config` is one).");
            Line("`paper` and `summary` may hold any text: the generator emits them only as escaped literals and XML text.");
            Line();

            foreach (var slot in SpecVocabulary.Slots)
            {
                WriteSlot(sb, slot);
            }

            Line("## `layout`");
            Line();
            foreach (var value in SpecVocabulary.LayoutField.Values)
            {
                Line($"- `{value}`: {LayoutText(value)}");
            }

            Line();
            Line("## `overrides`");
            Line();
            Line("`overrides: { <preset>: { vision: {...}, resampler: {...}, llm: {...}, compressor: {...} } }` changes sizes for");
            Line("one preset. `vision`, `resampler` and `llm` take any of the preset fields below; `compressor` takes the");
            Line("compressor kind's numeric fields only (not `kind`, not `per`): those change the module's structure, which");
            Line("must be the same at every preset. The preset must be defined in zoo.yaml. The merged sizes are checked");
            Line("again, and a broken rule is reported at the override.");
            Line();

            Line("## zoo.yaml");
            Line();
            Line("| key | required | default | meaning |");
            Line("|---|---|---|---|");
            foreach (var key in SpecVocabulary.ZooKeys)
            {
                Line($"| `{key.Name}` | {(key.Required ? "yes" : "no")} | {Code(key.DefaultText)} | {Escape(key.Description)} |");
            }

            Line();
            Line("Preset names are lower-case letters and digits joined by `-` or `_`. Each preset has three sections, every");
            Line("field required:");
            Line();
            foreach (var section in SpecVocabulary.PresetSections)
            {
                Line($"### `presets.<name>.{section.Name}`");
                Line();
                Line(Escape(section.Description));
                Line();
                WriteFields(sb, section.Fields);
            }

            Line("## What binding derives");
            Line();
            Line("Computed once by the spec core (`CrossLMM.Zoo.Configs.ArchitectureConfig` and the part records):");
            Line();
            Line("- head_dim = hidden / heads for vision, resampler and llm; llm kv width = kv_heads · head_dim;");
            Line("- patch grid g = image / patch; encoder tokens per frame N = g²;");
            string KindsWithOutput(string width) => string.Join(", ", SpecVocabulary.Compressor.Kinds.Where(k => k.Output == width).Select(k => k.Name));
            Line($"- compressor output width: vision.hidden ({KindsWithOutput("vision.hidden")}) or");
            Line($"  resampler.hidden ({KindsWithOutput("resampler.hidden")}); the projector maps it to llm.hidden;");
            Line("- stream tokens for T frames: the compressor's formula (0 for `cross_attention_only`);");
            Line("- fusion sources: `original` T·N tokens of width D; `compressed` the compressor output; `slow` T·⌈g/σ⌉² of");
            Line("  width D (temporal_pool's stride σ, or compressor.slow_stride). A source in a different feature space than the compressor output (vision vs");
            Line("  resampler) gets a second projector of the same kind, `source_projector`;");
            Line("- the per-layer plan: `every: K` places an entry on layers start, start+K, … < llm.layers (start defaults to");
            Line("  K − 1, so `every: 4` on 28 layers gives 3, 7, …, 27); `layers: [...]` places it on exactly those layers.");
            Line("  Two entries may not share a layer.");
            Line();

            Line("## Diagnostics");
            Line();
            Line("| ID | title |");
            Line("|---|---|");
            foreach (var d in SpecDiagnostics.All)
            {
                Line($"| [{d.Id}](../docs/diagnostics/{d.Id}.md) | {Escape(d.Title)} |");
            }

            return sb.ToString();
        }

        private static void WriteSlot(StringBuilder sb, SlotSpec slot)
        {
            void Line(string text = "") => sb.Append(text).Append('\n');
            string key = slot.Name == "fusion" ? "fusion[i].kind" : slot.Name + ".kind";
            Line($"## `{key}`");
            Line();
            Line(Escape(slot.Description));
            Line();
            if (slot.CommonFields.Count > 0)
            {
                Line("Fields of every kind:");
                Line();
                WriteFields(sb, slot.CommonFields);
            }

            foreach (var kind in slot.Kinds)
            {
                Line($"### `{kind.Name}`");
                Line();
                Line(Escape(kind.Description));
                if (kind.Tokens is not null)
                {
                    Line();
                    Line($"Tokens in the LLM stream: **{Escape(kind.Tokens)}**. Output width: {kind.Output}.");
                }

                Line();
                if (kind.Fields.Count == 0)
                {
                    Line("No fields besides `kind`.");
                    Line();
                }
                else
                {
                    WriteFields(sb, kind.Fields);
                }
            }
        }

        private static void WriteFields(StringBuilder sb, IReadOnlyList<FieldSpec> fields)
        {
            sb.Append("| field | type | default | range | meaning |\n");
            sb.Append("|---|---|---|---|---|\n");
            foreach (var f in fields)
            {
                string type = f.Type switch
                {
                    FieldType.Integer => "integer",
                    FieldType.Number => "number",
                    FieldType.Boolean => "bool",
                    FieldType.String => "string",
                    FieldType.Identifier => "identifier",
                    FieldType.Enum => string.Join(" \\| ", f.Values.Select(v => "`" + v + "`")),
                    FieldType.IntegerList => "list of integers",
                    _ => "list of " + string.Join(" \\| ", f.Values.Select(v => "`" + v + "`")),
                };
                var range = new List<string>();
                if (f.Min is long min && f.Max is long max)
                {
                    range.Add(f.Type == FieldType.IntegerList ? $"items {min}…{max}" : $"{min}…{max}");
                }

                if (f.ExclusiveMin is double lo && f.ExclusiveMax is double hi)
                {
                    range.Add($"({ConfigRules.Format(lo)}, {ConfigRules.Format(hi)})");
                }

                if (f.UniqueItems)
                {
                    range.Add("non-empty, unique");
                }

                if (f.Constraint is not null)
                {
                    range.Add(f.Constraint);
                }

                string def = f.Required ? "required" : Code(f.DefaultText);
                sb.Append($"| `{f.Name}` | {type} | {def} | {Escape(string.Join("; ", range))} | {Escape(f.Description)} |\n");
            }

            sb.Append('\n');
        }

        private static string LayoutText(string value) => value switch
        {
            "video_first" => "[visual tokens][text]. Under the causal mask the visual tokens (and V2V queries) cannot see the question.",
            "question_first" => "[text][visual tokens]: visual positions see the question, which makes V2V text-aware.",
            _ => "no visual tokens in the LLM stream; vision enters only through fusion (Flamingo). Needs at least one fusion entry; no `v2v` branch.",
        };

        private static string Code(string? text) => text is null ? "—" : "`" + text + "`";

        private static string Escape(string text) => text.Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
