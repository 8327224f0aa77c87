using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Checkpoints;
using CrossLMM.Zoo.Tools.Inspection;
using CrossLMM.Zoo.Tools.Tables;
using CrossLMM.Zoo.Tools.Text;
using Spectre.Console;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo show</c>: the module tree with parameter counts, the expanded layer plan, and the shapes at each stage.
/// Presets whose fp32 weights fit in 1 GiB (tiny, small) are built and run once (shapes checked against a real
/// forward); larger ones (2b, 7b) are not allocated: their parameter counts come from the cost model.
/// </summary>
internal static class ShowCommand
{
    /// <summary>Largest model <c>zoo show</c> allocates (parameters; 1 GiB in fp32).</summary>
    public const long MaxBuiltParameters = 256L * 1024 * 1024;

    public static Command Create(CliConsole console)
    {
        var architecture = new Argument<string?>("architecture")
        {
            Description = "Stem or name of a zoo architecture (zoo list), or a spec file (.yaml); omit with --checkpoint",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var checkpoint = CheckpointOptions.Checkpoint(required: false);
        var preset = CommonOptions.Preset("tiny", "to build or cost");
        var frames = CommonOptions.Frames(8);
        var text = CommonOptions.Text(16);
        var zoo = CommonOptions.ZooFile();
        var depth = new Option<int>("--depth") { Description = "Levels of the module tree to expand", DefaultValueFactory = _ => 4 };
        var variant = CheckpointOptions.Variant();
        var allowMissing = CheckpointOptions.AllowMissing();
        var command = new Command("show", "Show an architecture: module tree with parameter counts per block, the expanded layer plan, and the shapes at each stage")
        {
            architecture, preset, frames, text, depth, checkpoint, variant, allowMissing, zoo,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            string? name = parse.GetValue(architecture);
            if (parse.GetValue(checkpoint) is { } folder)
            {
                if (name is not null)
                {
                    throw new ZooUserException($"give either an architecture ('{name}') or --checkpoint ('{folder}'), not both");
                }

                return ShowCheckpoint(console, folder, parse.GetValue(depth), CheckpointOptions.ParseVariant(parse.GetValue(variant)), parse.GetValue(allowMissing));
            }

            var config = ZooCatalog.ConfigOrFile(name ?? throw new ZooUserException("name an architecture (zoo list), a spec file, or --checkpoint DIR"),
                parse.GetValue(preset)!, parse.GetValue(zoo));
            int t = parse.GetValue(frames), l = parse.GetValue(text);
            var ui = console.Ui;
            ui.MarkupLine($"[bold]{Markup.Escape(config.Name)}[/] ({Markup.Escape(config.Stem)}) - {Markup.Escape(config.Summary)}");
            Render.Line(ui, $"paper {(config.Paper.Length > 0 ? config.Paper : "-")} · source {config.SourceFile} · preset {config.Preset} · {t} frames, {l} text tokens");
            Render.Line(ui, $"vision {YamlNames.Of(config.Vision.Kind)} ({config.Vision.Image}px, patch {config.Vision.Patch}, {config.EncoderTokensPerFrame} tokens/frame, width {config.Vision.Hidden}) · " +
                            $"compressor {config.Compressor.KindName} · projector {config.Projector.KindName} · llm {YamlNames.Of(config.Llm.Kind)} ({config.Llm.Layers} layers, width {config.Llm.Hidden}) · " +
                            $"layout {YamlNames.Of(config.Layout)} · LLM visual tokens {config.TokensFormulaAtPreset}");

            var parameters = CostModel.Parameters(config);
            System.Collections.Generic.IReadOnlyList<StageShape> shapes;
            if (parameters.Total <= MaxBuiltParameters)
            {
                using var model = ZooCatalog.Build(config, seed: 0);
                var tree = ModuleTree.Of(model, "model", parse.GetValue(depth));
                Render.Heading(ui, $"Module tree (built at {config.Preset}, random init)");
                ui.Write(ToTree(tree));
                Render.Line(ui, $"parameters: {Units.Count(tree.Parameters)} (cost model: {Units.Count(parameters.Total)})");
                shapes = StageShapes.Trace(model, config, t, l);
            }
            else
            {
                Render.Heading(ui, $"Parameters by component (cost model; the {config.Preset} model is not allocated)");
                var table = new ReportTable(string.Empty, new[] { new ReportColumn("component", ColumnAlignment.Left), new ReportColumn("parameters"), new ReportColumn("") });
                foreach (var component in CostComponents.All.Where(c => parameters[c] != 0))
                {
                    table.Add(component.ShortName(), Units.Count(parameters[component]), Units.Parameters(parameters[component]));
                }

                table.Add("total", Units.Count(parameters.Total), Units.Parameters(parameters.Total));
                Render.Table(ui, table);
                shapes = StageShapes.Derive(config, t, l);
            }

            Render.Heading(ui, $"Layer plan ({config.Llm.Layers} decoder layers)");
            var plan = new ReportTable(string.Empty, new[] { new ReportColumn("layers", ColumnAlignment.Left), new ReportColumn("block", ColumnAlignment.Left), new ReportColumn("fusion", ColumnAlignment.Left) });
            foreach (var entry in LayerPlanView.Of(config))
            {
                plan.Add(entry.Layers, entry.Block, entry.Fusion.Length > 0 ? entry.Fusion : "-");
            }

            Render.Table(ui, plan);

            Render.Heading(ui, $"Shapes at {t} frames, {l} text tokens (B = 1)");
            var stages = new ReportTable(string.Empty, new[]
            {
                new ReportColumn("stage", ColumnAlignment.Left), new ReportColumn("symbols", ColumnAlignment.Left), new ReportColumn("shape", ColumnAlignment.Left),
                new ReportColumn("forward", ColumnAlignment.Left),
            });
            foreach (var stage in shapes)
            {
                string measured = stage.Matches switch
                {
                    true => "ok",
                    false => "MISMATCH " + StageShape.Format(stage.Measured!),
                    null => "-",
                };
                stages.Add(stage.Stage, stage.Symbols, StageShape.Format(stage.Shape), measured);
            }

            stages.Notes.Add(parameters.Total <= MaxBuiltParameters
                ? "forward: the shape a real forward produced (ok = equal to the derived shape; - = not observable from outside the module)."
                : "Shapes derived from the config (no forward at this preset).");
            Render.Table(ui, stages);
            return shapes.Any(s => s.Matches == false) ? 1 : 0;
        }));
        return command;
    }

    // A Hugging Face checkpoint: sizes from config.json, the model built and loaded strictly, then its module tree.
    private static int ShowCheckpoint(CliConsole console, string folder, int depth, LlavaOnevisionVariant variant, string[]? allowMissing)
    {
        var ui = console.Ui;
        switch (HfConfigJson.ArchitectureOf(folder))
        {
            case "SiglipVisionModel":
            {
                using var siglip = SiglipCheckpoint.Load(folder, allowMissing);
                Render.Line(ui, $"{siglip.Config} from {folder}");
                PrintTree(console, siglip.Model, siglip.Report, siglip.Files, siglip.Config.TorchDtype, null, depth, siglip.Model.HfKeys.ToString());
                return 0;
            }

            case "LlavaOnevisionForConditionalGeneration":
            {
                using var llava = LlavaOnevisionCheckpoint.Load(folder, variant, allowMissing);
                Render.Line(ui, $"{llava.Config} from {folder}");
                Render.Line(ui, variant == LlavaOnevisionVariant.CrossLmm
                    ? $"built as CrossLMM: dual cross-attention after decoder layers {string.Join(", ", LlavaOnevisionCheckpoint.CrossLmmFusion(llava.Config.Llm).Layers)} (new, gates at 0: starts as the base model)"
                    : "built as LLaVA-OneVision (HF's video path)");
                PrintTree(console, llava.Model, llava.Report, llava.Files, llava.Config.TorchDtype, llava.Tokenizer, depth, llava.Layout);
                return 0;
            }

            default:
            {
                using var loaded = Qwen2Checkpoint.Load(folder, allowMissing);
                Render.Line(ui, $"{loaded.Config} from {folder}");
                PrintTree(console, loaded.Model, loaded.Report, loaded.Files, loaded.Config.TorchDtype, loaded.Tokenizer, depth, null);
                return 0;
            }
        }
    }

    private static void PrintTree(CliConsole console, nn.Module model, StrictLoadReport report, IReadOnlyList<string> files, string? dtype, Qwen2Tokenizer? tokenizer,
        int depth, string? layout)
    {
        var ui = console.Ui;
        Render.Line(ui, $"weights: {report.Loaded} tensors loaded strictly from {string.Join(", ", files.Select(System.IO.Path.GetFileName))}" +
                        $" (stored {dtype ?? "dtype not named"}, run in fp32)" +
                        (report.AllowedMissing.Count > 0 ? $"; {report.AllowedMissing.Count} absent keys permitted (kept at their initialisation)" : string.Empty) +
                        (tokenizer is null ? string.Empty : $"; tokenizer {tokenizer.Name}, {tokenizer.VocabSize} ids"));
        if (layout is not null)
        {
            Render.Line(ui, $"checkpoint keys: {layout} (each block's own mapping composed; the tree shows the zoo's names)");
        }

        var tree = ModuleTree.Of(model, "model", Math.Max(depth, 6));   // HF nests the projections 6 deep: model.model.layers.N.self_attn.q_proj
        Render.Heading(ui, layout is null ? "Module tree (Hugging Face key names)" : "Module tree");
        ui.Write(ToTree(tree));
        Render.Line(ui, $"parameters: {Units.Count(tree.Parameters)} ({tree.Parameters.ToString("N0", CultureInfo.InvariantCulture)})");
    }

    private static Tree ToTree(ModuleNode root)
    {
        var tree = new Tree(Label(root));
        void Add(IHasTreeNodes parent, ModuleNode node)
        {
            var child = parent.AddNode(Label(node));
            foreach (var grandchild in node.Children)
            {
                Add(child, grandchild);
            }
        }

        foreach (var child in root.Children)
        {
            Add(tree, child);
        }

        return tree;
    }

    private static Markup Label(ModuleNode node)
    {
        var c = CultureInfo.InvariantCulture;
        string repeat = node.Repeat > 1 ? $" ×{node.Repeat}" : string.Empty;
        string count = node.Repeat > 1
            ? $"{node.Parameters.ToString("N0", c)} each, {node.TotalParameters.ToString("N0", c)} in all"
            : node.Parameters.ToString("N0", c);
        return new Markup($"[bold]{Markup.Escape(node.Name)}[/] [grey]{Markup.Escape(node.TypeName)}{repeat}[/]  {count}{(node.Truncated ? " [grey]…[/]" : string.Empty)}");
    }
}
