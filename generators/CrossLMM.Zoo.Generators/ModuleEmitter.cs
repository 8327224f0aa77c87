using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Generators
{
    /// <summary>
    /// Emits <c>&lt;Name&gt;.g.cs</c>: the architecture's typed module, a <c>partial</c> class deriving from
    /// <c>CrossLMM.Zoo.Modules.VideoLmm</c> whose parts are exposed under their concrete block types
    /// (<c>vision_tower</c> a <c>SiglipVisionTransformer</c>, <c>compressor</c> a <c>Pool2dCompressor</c>, the
    /// fusion blocks of each entry as a typed list, ...), built by calling the blocks' public constructors with
    /// the sizes of the typed <c>&lt;Name&gt;Config</c>. Every part's block is the one the compilation marks
    /// <c>[BlockFor]</c> its kind, called through the constructor wiring read off its symbol (<see cref="BlockModel"/>,
    /// <see cref="BlockWiring"/>); the generator keeps no list of kinds, and the emitted code only wires.
    /// </summary>
    /// <remarks>
    /// <para>Why derive from VideoLmm rather than wrap it: a <c>CrossLmm</c> then <i>is</i> the model every
    /// consumer already takes (cost model, CLI, <c>Generate</c>, checkpoints), its parameter names are
    /// VideoLmm's (no wrapper prefix), and the typed members are views of the same parts.</para>
    /// <para>Equivalence with the runtime builder (<c>VideoLmmBuilder.Build</c>) rests on calling the same
    /// constructors in the same order (vision tower, compressor, projector, source projector, then the LM with
    /// each layer's fusion block built before the layer), so the same seed gives the same parameters. The
    /// architectures tests check it for every architecture of the zoo.</para>
    /// </remarks>
    internal static class ModuleEmitter
    {
        private const string Modules = "global::CrossLMM.Zoo.Modules.";
        private const string List = "global::System.Collections.Generic.IReadOnlyList";

        /// <summary>The hint name of the module file of the architecture named <paramref name="name"/>.</summary>
        public static string HintName(string name) => CSharp.Identifier(name) + ".g.cs";

        /// <summary>The module class source of <paramref name="model"/> (whose <see cref="ModuleModel.Name"/> is set).</summary>
        public static string Emit(ModuleModel model)
        {
            string name = CSharp.Identifier(model.Name!);
            string config = "global::CrossLMM.Zoo." + name + "Config";
            var vision = new Block(model.Vision!.Block.Type, Arguments(model.Vision.Block, "config.Vision", null));
            var compressor = new Block(model.Compressor!.Block.Type, Arguments(model.Compressor.Block, "config.Compressor", null));
            var fusion = model.Fusion.Select((part, i) => new FusionPart(i, new Block(part.Block.Type, Arguments(part.Block, "config.Fusion" + CSharp.Int(i), null), part.Block.IsLayer), part.Kind, model.FusionSources[i])).ToArray();
            string layerType = fusion.Any(f => f.Block.IsLayer) ? Modules + "Language.DecoderLayer" : Modules + "Language.Qwen2DecoderLayer";

            // The parts in construction order: (member, type, local variable, summary).
            var parts = new List<Part>
            {
                new Part("vision_tower", vision.Type, "visionTower", $"<c>vision_tower</c> (<c>vision.kind: {model.Vision.Kind}</c>): frames (B, T, C, H, W) or features → (B, T, N, D)."),
                new Part("compressor", compressor.Type, "compressor", $"<c>compressor</c> (<c>compressor.kind: {model.Compressor.Kind}</c>): (B, T, N, D) → the compressed tokens."),
                new Part("multi_modal_projector", model.Projector!.Block.Type, "multiModalProjector", $"<c>multi_modal_projector</c> (<c>projector.kind: {model.Projector.Kind}</c>): compressed tokens → llm.hidden."),
            };
            if (model.SourceProjector)
            {
                parts.Add(new Part("source_projector", model.Projector.Block.Type, "sourceProjector", "<c>source_projector</c>: the vision-space fusion sources (original or slow tokens) → llm.hidden, as the compressor's output lives in another space."));
            }

            parts.Add(new Part("language_model", model.Llm!.Block.Type, "languageModel", $"<c>language_model</c> (<c>llm.kind: {model.Llm.Kind}</c>): the decoder with its fusion plan and the LM head."));
            parts.Add(new Part("layers", $"{List}<{layerType}>", "layers", "The decoder layers (<c>language_model.model.layers</c>), typed" + (fusion.Any(f => f.Block.IsLayer) ? " as their common base (some are hybrid layers)." : ".")));
            foreach (var f in fusion)
            {
                parts.Add(new Part(f.Member, $"{List}<{f.Block.Type}>", f.Member, f.Summary));
            }

            var w = new CodeWriter();
            ConfigEmitter.Banner(w, model.SourceFile);
            w.Line("#nullable enable");
            w.Line();
            w.Line("namespace CrossLMM.Zoo");
            w.Open("{");
            Documentation(w, model, name, parts);
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"CrossLMM.Zoo.Generators\", \"1.0.0\")]");
            w.Line($"public sealed partial class {name} : {Modules}VideoLmm");
            w.Open("{");

            // ---- constructors and factory
            w.Summary($"Builds a freshly initialised {name} with the sizes of <paramref name=\"config\"/> (random weights; seed with <c>torch.manual_seed</c>).");
            w.Line($"/// <param name=\"config\">The configuration at a preset, e.g. <c>{name}Config.ForPreset(\"tiny\")</c>.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"config\"/> is null.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The configuration breaks a rule of the blocks.</exception>");
            w.Line($"public {name}({config} config)");
            w.Indent().Line(": this(Build(config))").Outdent();
            w.Open("{");
            w.Close();
            w.Line();
            var tuple = new[] { $"{config} Config" }.Concat(parts.Select(p => $"{p.Type} {p.Member}")).ToArray();
            w.Line($"private {name}(");
            Tuple(w, tuple, " parts)");
            w.Indent();
            w.Line($": base(parts.vision_tower, parts.compressor, parts.multi_modal_projector, {(model.SourceProjector ? "parts.source_projector" : "null")}, parts.language_model, parts.Config.Layout)");
            w.Outdent();
            w.Open("{");
            w.Line("Config = parts.Config;");
            foreach (var p in parts)
            {
                w.Line($"{p.Member} = parts.{p.Member};");
            }

            w.Line("OnCreated();");
            w.Close();
            w.Line();
            w.Summary($"A freshly initialised {name} at <paramref name=\"preset\"/>.");
            w.Line($"/// <param name=\"preset\">A preset name (<c>{name}Config.PresetNames</c>); default: zoo.yaml's <c>defaults.preset</c>.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">Unknown preset.</exception>");
            w.Line($"public static {name} Create(string preset = global::CrossLMM.Zoo.Zoo.DefaultPreset) => new {name}({config}.ForPreset(preset));");
            w.Line();

            // ---- typed members
            w.Summary("The configuration this model was built from.");
            w.Line($"public {config} Config {{ get; }}");
            w.Line();
            foreach (var p in parts)
            {
                w.Summary(p.Summary);
                w.Line($"public {p.Type} {p.Member} {{ get; }}");
                w.Line();
            }

            // ---- hooks
            w.Summary(
                "Runs first, before any block is built: implement it in a hand-written <c>partial class</c> to seed, or to set",
                "the default dtype or device of the blocks about to be created.");
            w.Line($"/// <param name=\"config\">The configuration about to be built.</param>");
            w.Line($"static partial void OnConfiguring({config} config);");
            w.Line();
            w.Summary(
                "Runs last, once every block is built and registered: implement it in a hand-written <c>partial class</c> to",
                "initialise, freeze or load parts. (The runtime builder runs no hooks: a hook that changes weights makes this",
                "class differ from <c>Zoo.Build</c> of the same YAML.)");
            w.Line("partial void OnCreated();");
            w.Line();

            // ---- the wiring
            BuildMethod(w, config, tuple, vision, compressor, model.Projector.Block, model.SourceProjector, model.Llm.Block.Type, layerType, fusion, parts);
            w.Close();
            w.Close();
            return w.ToString();
        }

        private static void Documentation(CodeWriter w, ModuleModel model, string name, List<Part> parts)
        {
            w.Line("/// <summary>");
            w.Line("/// " + (model.Summary.Length == 0 ? $"The {name} architecture." : CSharp.DocText(model.Summary)));
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            if (model.Paper.Length > 0)
            {
                w.Line($"/// <para>Paper: {CSharp.DocText(model.Paper)}.</para>");
            }

            w.Line($"/// <para>Generated from <c>{CSharp.DocText(model.SourceFile)}</c>: a <c>VideoLmm</c> whose parts have the block types of this spec,");
            w.Line($"/// built with the sizes of a <c>{name}Config</c> preset by the same constructor calls, in the same order, as the runtime");
            w.Line("/// builder (<c>Zoo.Build</c>, <c>VideoLmmBuilder</c>): the same seed gives the same parameters. Layout");
            w.Line($"/// <c>{YamlNames.Of(model.Layout)}</c>; parameter names are VideoLmm's (<c>vision_tower.*</c>, <c>language_model.model.layers.{{i}}.*</c>, ...).</para>");
            w.Line("/// <para>Customise it in a hand-written <c>partial class " + name + "</c> through the <c>OnConfiguring</c> and <c>OnCreated</c> hooks.</para>");
            w.Line("/// </remarks>");
        }

        private static void BuildMethod(
            CodeWriter w,
            string config,
            string[] tuple,
            Block vision,
            Block compressor,
            BlockModel projector,
            bool sourceProjector,
            string llmType,
            string layerType,
            FusionPart[] fusion,
            List<Part> parts)
        {
            w.Line("private static");
            Tuple(w, tuple, string.Empty);
            w.Indent().Line($"Build({config} config)").Outdent();
            w.Open("{");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(config);");
            w.Line("OnConfiguring(config);");
            w.Line("var architecture = config.Architecture;");
            w.Line("architecture.EnsureValid(nameof(config));");
            w.Line("var llm = config.Llm;");
            w.Line($"var visionTower = new {vision.Type}({vision.Arguments});");
            w.Line($"var compressor = new {compressor.Type}({compressor.Arguments});");
            if (fusion.Any(f => f.Source == FusionSource.Slow))
            {
                // The pooling of the slow source (parameter-free), as CompressorFactory sets it.
                w.Line("compressor.WithSlowStride(config.Compressor.SlowSourceStride);");
            }

            w.Line($"var multiModalProjector = new {projector.Type}({Arguments(projector, "config.Projector", "architecture.ProjectorInputWidth")});");
            if (sourceProjector)
            {
                w.Line($"var sourceProjector = new {projector.Type}({Arguments(projector, "config.Projector", "architecture.SourceProjectorInputWidth!.Value")});");
            }

            w.Line($"var layers = new {layerType}[llm.Layers];");
            foreach (var f in fusion)
            {
                w.Line($"var {f.Member} = new global::System.Collections.Generic.List<{f.Block.Type}>();");
            }

            if (fusion.Length == 0)
            {
                w.Line($"var languageModel = new {llmType}(llm, i => layers[i] = new {Modules}Language.Qwen2DecoderLayer(llm));");
            }
            else
            {
                // Layer i per the explicit plan of this preset; each fusion block is built before its layer, as VideoLmmBuilder.BuildLayer does.
                w.Line("var plan = config.LayerPlan;");
                w.Line($"var languageModel = new {llmType}(llm, i =>");
                w.Open("{");
                w.Line("switch (plan[i])");
                w.Open("{");
                foreach (var f in fusion)
                {
                    w.Line($"case {CSharp.Int(f.Index)}:");
                    w.Open("{");
                    w.Line($"var block = new {f.Block.Type}({f.Block.Arguments});");
                    w.Line($"{f.Member}.Add(block);");
                    w.Line(f.Block.IsLayer ? "return layers[i] = block;" : $"return layers[i] = new {Modules}Language.Qwen2DecoderLayer(llm, block);");
                    w.Close();
                }

                w.Line("default:");
                w.Indent().Line($"return layers[i] = new {Modules}Language.Qwen2DecoderLayer(llm);").Outdent();
                w.Close();
                w.Close("});");
            }

            var values = new List<string> { "config" };
            foreach (var p in parts)
            {
                values.Add(p.Member == "layers" || fusion.Any(f => f.Member == p.Member)
                    ? $"global::System.Array.AsReadOnly({(p.Member == "layers" ? "layers" : p.Local + ".ToArray()")})"
                    : p.Local);
            }

            w.Line($"return ({string.Join(", ", values)});");
            w.Close();
        }

        /// <summary>The parts as a named tuple type, one element per line (the private constructor's parameter and Build's result).</summary>
        private static void Tuple(CodeWriter w, string[] elements, string suffix)
        {
            w.Indent();
            for (int i = 0; i < elements.Length; i++)
            {
                w.Line((i == 0 ? "(" : " ") + elements[i] + (i + 1 < elements.Length ? "," : ")" + suffix));
            }

            w.Outdent();
        }

        private sealed record Part(string Member, string Type, string Local, string Summary);

        private sealed record FusionPart(int Index, Block Block, string Kind, FusionSource Source)
        {
            public string Member => "fusion" + CSharp.Int(Index);

            public string Summary => Block.IsLayer
                ? $"fusion[{Index}] (<c>{Kind}</c> reading <c>{YamlNames.Of(Source)}</c>): the hybrid decoder layers, in layer order (indices: <c>Config.Fusion{Index}.Layers</c>)."
                : $"fusion[{Index}] (<c>{Kind}</c> reading <c>{YamlNames.Of(Source)}</c>): the blocks at <c>language_model.model.layers.{{i}}.cross_attn</c>, in layer order (indices: <c>Config.Fusion{Index}.Layers</c>).";
        }

        /// <summary>A block type, the C# arguments of its constructor call over the locals of Build, and whether it replaces a decoder layer.</summary>
        internal sealed record Block(string Type, string Arguments, bool IsLayer = false);

        /// <summary>
        /// The C# arguments of a block's constructor call, from the wiring read off its symbol (<see cref="BlockWiring"/>):
        /// <paramref name="record"/> first, then the architecture's sections, llm.hidden, or a projector's input width.
        /// </summary>
        /// <param name="block">The block.</param>
        /// <param name="record">The expression of the kind's record.</param>
        /// <param name="inputWidth">The expression of a projector's input width, or null where there is none.</param>
        internal static string Arguments(BlockModel block, string record, string? inputWidth) =>
            string.Join(", ", new[] { record }.Concat(block.Arguments.Select(a => a switch
            {
                BlockWiring.Vision => "config.Vision",
                BlockWiring.Resampler => "config.Resampler",
                BlockWiring.Llm => "llm",
                BlockWiring.LlmHidden => "llm.Hidden",
                BlockWiring.InputWidth when inputWidth is not null => inputWidth,
                _ => throw new System.InvalidOperationException($"{block.Type}: a constructor parameter takes {a}, which this part cannot give"),
            })));
    }
}
