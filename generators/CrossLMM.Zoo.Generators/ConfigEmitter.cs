using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Generators
{
    /// <summary>
    /// Emits <c>&lt;Name&gt;Config.g.cs</c>: a sealed record wrapping the bound <see cref="ArchitectureConfig"/>,
    /// with typed accessors (the compressor as its sealed record type, not the base), one static property per
    /// preset holding the fully bound configuration as a literal (the expanded layer plan included), and the
    /// YAML metadata as escaped constants.
    /// </summary>
    internal static class ConfigEmitter
    {
        public const string Configs = "global::CrossLMM.Zoo.Configs.";

        public static string HintName(string name) => CSharp.Identifier(name) + "Config.g.cs";

        public static string Emit(ArchitectureModel model)
        {
            var result = model.Result;
            string name = CSharp.Identifier(result.Name!);
            string type = name + "Config";
            var configs = result.Configs;
            var first = configs[0];
            var presets = configs.Select(c => (Config: c, Property: CSharp.Identifier(Names.PresetPropertyName(c.Preset)))).ToArray();

            var w = new CodeWriter();
            Banner(w, result.SourceFile);
            w.Line("#nullable enable");
            w.Line();
            w.Line("namespace CrossLMM.Zoo");
            w.Open("{");

            // ---- type docs
            w.Line("/// <summary>");
            w.Line("/// " + (result.Summary.Length == 0 ? $"The {name} architecture." : CSharp.DocText(result.Summary)));
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            if (result.Paper.Length > 0)
            {
                w.Line($"/// <para>Paper: {CSharp.DocText(result.Paper)}.</para>");
            }

            w.Line($"/// <para>Generated from <c>{CSharp.DocText(result.SourceFile)}</c>. Compressor <c>{first.Compressor.KindName}</c>,");
            w.Line($"/// LLM-stream tokens for T frames: {CSharp.DocText(first.TokensFormula)}. Projector <c>{first.Projector.KindName}</c>.");
            w.Line($"/// Layout <c>{YamlNames.Of(first.Layout)}</c>.</para>");
            if (!first.Fusion.IsEmpty)
            {
                w.Line("/// <para>Fusion: " + string.Join("; ", first.Fusion.Select((f, i) => $"[{i}] <c>{f.KindName}</c> reading <c>{YamlNames.Of(f.Source)}</c>")) + ".</para>");
            }

            w.Line("/// <para>Presets: " + string.Join(", ", presets.Select(p => $"<see cref=\"{p.Property}\"/> (<c>{CSharp.DocText(p.Config.Preset)}</c>)")) + ".</para>");
            w.Line("/// </remarks>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"CrossLMM.Zoo.Generators\", \"1.0.0\")]");
            w.Line($"public sealed partial record {type}");
            w.Open("{");

            // ---- metadata
            Const(w, "ArchitectureName", name, "The architecture's C# name (the <c>name:</c> of its YAML).");
            Const(w, "Stem", result.Stem, "The YAML file stem, as listed in zoo.yaml.");
            Const(w, "Paper", result.Paper, "The paper the architecture follows (may be empty).");
            Const(w, "Summary", result.Summary, "The one-line summary from the YAML.");
            Const(w, "SourceFile", result.SourceFile, "The YAML file, relative to the directory of zoo.yaml.");
            Const(w, "TokensFormula", first.TokensFormula, "Visual tokens in the LLM stream for T frames, in symbols (g = patch grid side).");
            Const(w, "SourceYaml", model.SourceYaml, "The YAML text this file was generated from (feed it to the runtime builder to compare).");

            w.Summary("The preset names, in zoo.yaml order.");
            w.Line($"public static global::System.Collections.Generic.IReadOnlyList<string> PresetNames {{ get; }} = new string[] {{ {string.Join(", ", presets.Select(p => CSharp.Literal(p.Config.Preset)))} }};");
            w.Line();

            // ---- instance members
            w.Line($"private {type}({Configs}ArchitectureConfig architecture)");
            w.Open("{");
            w.Line("Architecture = architecture;");
            w.Close();
            w.Line();
            w.Summary("The bound, untyped configuration: what the runtime builder produces from the same YAML and preset.");
            w.Line($"public {Configs}ArchitectureConfig Architecture {{ get; }}");
            w.Line();
            Accessor(w, "string", "Preset", "Architecture.Preset", "The preset these sizes come from.");
            Accessor(w, Configs + "VisionConfig", "Vision", "Architecture.Vision", "The vision encoder.");
            Accessor(w, Configs + "ResamplerConfig", "Resampler", "Architecture.Resampler", "The resampler sizes.");
            string compressorType = Configs + first.Compressor.GetType().Name;
            Accessor(w, compressorType, "Compressor", $"({compressorType})Architecture.Compressor", $"The compressor (<c>{first.Compressor.KindName}</c>).");
            string projectorType = Configs + first.Projector.GetType().Name;
            Accessor(w, projectorType, "Projector", $"({projectorType})Architecture.Projector", $"The projector (<c>{first.Projector.KindName}</c>).");
            Accessor(w, Configs + "LanguageModelConfig", "Llm", "Architecture.Llm", "The language model.");
            Accessor(w, $"{Configs}EquatableArray<{Configs}FusionConfig>", "Fusion", "Architecture.Fusion", "The fusion entries, with their layers expanded.");
            for (int i = 0; i < first.Fusion.Count; i++)
            {
                var fusion = first.Fusion[i];
                string fusionType = Configs + fusion.GetType().Name;
                Accessor(w, fusionType, "Fusion" + i, $"({fusionType})Architecture.Fusion[{i}]", $"fusion[{i}]: <c>{fusion.KindName}</c> reading <c>{YamlNames.Of(fusion.Source)}</c>.");
            }

            Accessor(w, Configs + "Layout", "Layout", "Architecture.Layout", "Where the video sits in the LLM stream.");
            Accessor(w, Configs + "LayerPlan", "LayerPlan", "Architecture.LayerPlan", "The explicit per-layer plan (fusion entry index per decoder layer).");

            // ---- presets
            foreach (var (config, property) in presets)
            {
                Preset(w, type, property, config);
            }

            // ---- lookup and conversion
            w.Summary("The configuration at <paramref name=\"preset\"/>.");
            w.Line("/// <param name=\"preset\">A preset name from <see cref=\"PresetNames\"/>.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">Unknown preset.</exception>");
            w.Line($"public static {type} ForPreset(string preset) => preset switch");
            w.Open("{");
            foreach (var (config, property) in presets)
            {
                w.Line($"{CSharp.Literal(config.Preset)} => {property},");
            }

            w.Line($"_ => throw new global::System.ArgumentException(\"unknown preset '\" + preset + \"' for {name}; presets: \" + string.Join(\", \", PresetNames), nameof(preset)),");
            w.Close("};");
            w.Line();
            w.Summary("The bound, untyped configuration.");
            w.Line("/// <param name=\"config\">The typed configuration.</param>");
            w.Line($"public static implicit operator {Configs}ArchitectureConfig({type} config) => config.Architecture;");
            w.Line();
            w.Line("private bool PrintMembers(global::System.Text.StringBuilder builder)");
            w.Open("{");
            w.Line("builder.Append(\"Preset = \").Append(Preset).Append(\", Architecture = \").Append(Architecture);");
            w.Line("return true;");
            w.Close();

            w.Close();
            w.Close();
            return w.ToString();
        }

        public static void Banner(CodeWriter w, string sourceFile)
        {
            w.Line("// <auto-generated/>");
            w.Line("// Generated by CrossLMM.Zoo.Generators from " + SafeComment(sourceFile) + " - do not edit.");
            w.Line("// Change the YAML (and zoo.yaml for sizes) and rebuild; see architectures/README.md.");
        }

        /// <summary>A path for a // comment: printable ASCII only, so it can neither end the line nor hide code.</summary>
        public static string SafeComment(string text) =>
            new string(text.Select(c => c >= 0x20 && c < 0x7F ? c : '?').ToArray());

        private static void Const(CodeWriter w, string name, string value, string doc)
        {
            w.Summary(doc);
            w.Line($"public const string {name} = {CSharp.Literal(value)};");
            w.Line();
        }

        private static void Accessor(CodeWriter w, string type, string name, string expression, string doc)
        {
            w.Summary(doc);
            w.Line($"public {type} {name} => {expression};");
            w.Line();
        }

        private static void Preset(CodeWriter w, string type, string property, ArchitectureConfig c)
        {
            var v = c.Vision;
            var l = c.Llm;
            string layers = c.Fusion.IsEmpty ? "no fusion" : "fusion on layers " + string.Join(", ", c.LayerPlan.FusedLayers);
            w.Summary(
                $"Preset <c>{CSharp.DocText(c.Preset)}</c>: {v.Image} px frames, {v.PatchGrid}×{v.PatchGrid} = {v.TokensPerFrame} encoder tokens per frame,",
                $"LLM {l.Hidden} wide with {l.Layers} layers, {CSharp.DocText(c.TokensFormulaAtPreset)} visual tokens in the stream, {layers}.");
            w.Line($"public static {type} {property} {{ get; }} = new {type}(");
            w.Indent();
            ArchitectureLiteral(w, c);
            w.Outdent();
            w.Line();
        }

        private static void ArchitectureLiteral(CodeWriter w, ArchitectureConfig c)
        {
            w.Line($"new {Configs}ArchitectureConfig(");
            w.Indent();
            w.Line($"Name: {CSharp.Literal(c.Name)},");
            w.Line($"Stem: {CSharp.Literal(c.Stem)},");
            w.Line($"Paper: {CSharp.Literal(c.Paper)},");
            w.Line($"Summary: {CSharp.Literal(c.Summary)},");
            w.Line($"SourceFile: {CSharp.Literal(c.SourceFile)},");
            w.Line($"Preset: {CSharp.Literal(c.Preset)},");
            var v = c.Vision;
            w.Line($"Vision: new {Configs}VisionConfig(Kind: {Enum("VisionKind", v.Kind)}, Image: {CSharp.Int(v.Image)}, Patch: {CSharp.Int(v.Patch)}, Channels: {CSharp.Int(v.Channels)}, Hidden: {CSharp.Int(v.Hidden)}, Layers: {CSharp.Int(v.Layers)}, Heads: {CSharp.Int(v.Heads)}, Mlp: {CSharp.Int(v.Mlp)}, NormEps: {CSharp.Double(v.NormEps)}),");
            var r = c.Resampler;
            w.Line($"Resampler: new {Configs}ResamplerConfig(Hidden: {CSharp.Int(r.Hidden)}, Layers: {CSharp.Int(r.Layers)}, Heads: {CSharp.Int(r.Heads)}, Mlp: {CSharp.Int(r.Mlp)}, NormEps: {CSharp.Double(r.NormEps)}),");
            w.Line($"Compressor: {Compressor(c.Compressor)},");
            w.Line($"Projector: {Record(c.Projector)},");
            var l = c.Llm;
            w.Line($"Llm: new {Configs}LanguageModelConfig(Kind: {Enum("LanguageModelKind", l.Kind)}, Hidden: {CSharp.Int(l.Hidden)}, Layers: {CSharp.Int(l.Layers)}, Heads: {CSharp.Int(l.Heads)}, KvHeads: {CSharp.Int(l.KvHeads)}, Mlp: {CSharp.Int(l.Mlp)}, Vocab: {CSharp.Int(l.Vocab)}, RopeTheta: {CSharp.Double(l.RopeTheta)}, NormEps: {CSharp.Double(l.NormEps)}, TieEmbeddings: {CSharp.Bool(l.TieEmbeddings)}, MaxPositions: {CSharp.Int(l.MaxPositions)}),");
            if (c.Fusion.IsEmpty)
            {
                w.Line($"Fusion: {Configs}EquatableArray<{Configs}FusionConfig>.Empty,");
            }
            else
            {
                w.Line($"Fusion: {Configs}EquatableArray.Of<{Configs}FusionConfig>(");
                w.Indent();
                for (int i = 0; i < c.Fusion.Count; i++)
                {
                    w.Line(Record(c.Fusion[i]) + (i + 1 < c.Fusion.Count ? "," : "),"));
                }

                w.Outdent();
            }

            w.Line($"Layout: {Enum("Layout", c.Layout)}));");
            w.Outdent();
        }

        private static string Enum<T>(string type, T value)
            where T : struct, System.Enum => Configs + type + "." + CSharp.Identifier(value.ToString());

        private static string Compressor(CompressorConfig compressor) =>
            compressor.SlowStride == 1 ? Record(compressor) : $"{Record(compressor)} with {{ SlowStride = {CSharp.Int(compressor.SlowStride)} }}";

        // Any kind record, from its constructor: new Configs.XConfig(Param: value, ...) with the values of its properties of
        // the same names, so a new kind of any slot needs no case here.
        private static string Record(object record)
        {
            var type = record.GetType();
            var constructor = type.GetTypeInfo().DeclaredConstructors.Single(c => c.IsPublic && !c.IsStatic);
            var arguments = constructor.GetParameters().Select(p => $"{p.Name}: {Literal(type.GetRuntimeProperty(p.Name!)!.GetValue(record)!)}");
            return $"new {Configs}{type.Name}({string.Join(", ", arguments)})";
        }

        private static string Literal(object value) => value switch
        {
            int i => CSharp.Int(i),
            double d => CSharp.Double(d),
            Enum e => Configs + e.GetType().Name + "." + CSharp.Identifier(e.ToString()),
            IEnumerable items when value.GetType().GetTypeInfo().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(EquatableArray<>) =>
                $"{Configs}EquatableArray.Of<{ElementName(value.GetType().GenericTypeArguments[0])}>({string.Join(", ", items.Cast<object>().Select(Literal))})",
            _ => throw new InvalidOperationException($"no C# literal for a record field of type {value.GetType().Name}"),
        };

        private static string ElementName(Type type) => type == typeof(int) ? "int" : Configs + type.Name;

    }
}
