using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Spec;
using Spec = CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Spec.Binding;
using CrossLMM.Zoo.Spec.Vocabulary;
using CrossLMM.Zoo.Spec.Yaml;
using CrossLMM.Zoo.Tools.Catalog;

namespace CrossLMM.Zoo.Tools.Training.Recipes;

/// <summary>
/// Reads a training recipe with the spec core's YAML loader, field reader and diagnostics (the same IDs, messages,
/// file/line/column locations and did-you-mean as architecture specs; <c>docs/training.md</c> lists every key).
/// All errors are collected before one <see cref="RecipeException"/> is thrown.
/// </summary>
public static class RecipeReader
{
    private static readonly string[] Sections = { "model", "data", "optimizer", "schedule", "training", "eval", "checkpoint", "freeze", "trainable", "lora" };

    private static readonly FieldSpec[] ModelFields =
    {
        FieldSpec.Str("architecture", "a zoo stem or an architecture YAML").Req(),
        FieldSpec.Str("preset", "size preset").Default("tiny", "tiny"),
        FieldSpec.Str("checkpoint", "a Hugging Face Qwen2ForCausalLM folder for the language model"),
    };

    private static readonly FieldSpec[] DataFields =
    {
        FieldSpec.Str("source", "builtin:marker or a JSONL file").Req(),
        FieldSpec.Str("validation", "JSONL validation split"),
        FieldSpec.Str("test", "JSONL test split"),
        FieldSpec.Int("frames", "frames per video", 1, 4096).Default(4, "4"),
        FieldSpec.Int("colours", "marker colours", 2, 6).Default(4, "4"),
        FieldSpec.Number("clutter", "clutter standard deviation", exclusiveMin: -1e-300).Default(0.3, "0.3"),
        FieldSpec.Int("block", "marker block side", 1, 4096).Default(8, "8"),
        FieldSpec.Int("validation_samples", "marker validation videos", 1, 1_000_000).Default(256, "256"),
        FieldSpec.Int("test_samples", "marker test videos", 1, 1_000_000).Default(256, "256"),
        FieldSpec.Str("tokenizer", "byte or a tokenizer.json"),
        FieldSpec.Int("seed", "data seed", int.MinValue, int.MaxValue),
    };

    private static readonly FieldSpec[] OptimizerFields =
    {
        FieldSpec.OneOf("kind", "optimizer", "adamw").Default("adamw", "adamw"),
        FieldSpec.Number("lr", "peak learning rate", exclusiveMin: 0).Req(),
        FieldSpec.Number("eps", "AdamW epsilon", exclusiveMin: 0).Default(1e-8, "1e-8"),
        FieldSpec.Number("weight_decay", "decoupled weight decay", exclusiveMin: -1e-300).Default(0.01, "0.01"),
    };

    private static readonly FieldSpec[] ScheduleFields =
    {
        FieldSpec.OneOf("kind", "schedule", "cosine", "constant").Default("cosine", "cosine"),
        FieldSpec.Int("warmup_steps", "linear warm-up steps", 0, int.MaxValue).Default(0, "0"),
        FieldSpec.Number("min_lr_ratio", "final rate / peak rate", exclusiveMin: -1e-300, exclusiveMax: 1 + 1e-12).Default(0.0, "0"),
    };

    private static readonly FieldSpec[] TrainingFields =
    {
        FieldSpec.Int("steps", "optimizer steps", 1, int.MaxValue),
        FieldSpec.Int("epochs", "passes over the JSONL training split", 1, 1_000_000),
        FieldSpec.Int("batch_size", "samples per micro-batch", 1, 65_536).Req(),
        FieldSpec.Int("gradient_accumulation", "micro-batches per step", 1, 65_536).Default(1, "1"),
        FieldSpec.Number("max_grad_norm", "gradient clipping", exclusiveMin: 0),
        FieldSpec.OneOf("precision", "fp32 or bf16", "fp32", "bf16").Default("fp32", "fp32"),
        FieldSpec.Int("seed", "seed", int.MinValue, int.MaxValue).Default(0, "0"),
    };

    private static readonly FieldSpec[] EvalFields = { FieldSpec.Int("every", "evaluate every N steps", 0, int.MaxValue).Default(0, "0") };

    private static readonly FieldSpec[] CheckpointFields =
    {
        FieldSpec.Int("every", "checkpoint every N steps", 0, int.MaxValue).Default(0, "0"),
        FieldSpec.Int("keep", "checkpoints kept", 1, 1000).Default(2, "2"),
    };

    private static readonly FieldSpec[] LoraFields =
    {
        FieldSpec.Int("rank", "LoRA rank r", 1, 65_536).Req(),
        FieldSpec.Number("alpha", "LoRA alpha", exclusiveMin: 0).Req(),
    };

    /// <summary>Reads and validates the recipe file at <paramref name="path"/>.</summary>
    /// <exception cref="ZooUserException">The file does not exist.</exception>
    /// <exception cref="RecipeException">The recipe is invalid (every error).</exception>
    public static TrainingRecipe Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ZooUserException(Directory.Exists(path) ? $"'{path}' is a directory; expected a recipe YAML file" : $"recipe not found: '{path}'");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads and validates recipe text (<paramref name="path"/> names it in errors and anchors relative paths).</summary>
    /// <exception cref="RecipeException">The recipe is invalid (every error).</exception>
    public static TrainingRecipe Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        var bag = new DiagnosticBag(path);
        var root = YamlLoader.Load(text, bag);
        var recipe = root is null ? null : Bind(root, path, bag);
        var errors = bag.ToArray().Where(d => d.IsError).ToArray();
        if (errors.Length > 0 || recipe is null)
        {
            throw new RecipeException(path, errors);
        }

        return recipe;
    }

    private static TrainingRecipe? Bind(YNode root, string path, DiagnosticBag bag)
    {
        if (FieldReader.ExpectMapping(root, string.Empty, bag) is not { } map)
        {
            return null;
        }

        var sections = new Dictionary<string, (YNode Key, YNode Value)>(StringComparer.Ordinal);
        foreach (var (key, keyNode, value) in FieldReader.Pairs(map, string.Empty, bag))
        {
            if (!Sections.Contains(key))
            {
                bag.Report(SpecMessages.UnknownKey(key, "the recipe", Sections), keyNode);
                continue;
            }

            sections[key] = (keyNode, value);
        }

        foreach (var required in new[] { "model", "data", "optimizer", "training" })
        {
            if (!sections.ContainsKey(required))
            {
                bag.Report(SpecMessages.MissingSection("the recipe", required), root);
            }
        }

        FieldSet Section(string name, FieldSpec[] specs, params string[] handled)
        {
            if (!sections.TryGetValue(name, out var section))
            {
                return new FieldSet(specs, root);
            }

            return FieldReader.ExpectMapping(section.Value, name, bag) is { } m
                ? FieldReader.Read(m, name, $"section '{name}'", specs, handled, section.Key, bag)
                : new FieldSet(specs, section.Key);
        }

        var model = Section("model", ModelFields);
        var data = Section("data", DataFields);
        var optimizer = Section("optimizer", OptimizerFields, "betas");
        var schedule = Section("schedule", ScheduleFields);
        var training = Section("training", TrainingFields);
        var eval = Section("eval", EvalFields);
        var checkpoint = Section("checkpoint", CheckpointFields);
        var lora = sections.ContainsKey("lora") ? Section("lora", LoraFields, "targets") : null;

        var modelRecipe = BindModel(model, path, bag);
        var dataRecipe = BindData(data, path, bag);
        var (beta1, beta2) = Betas(sections, bag);
        int? steps = training.OptionalInt("steps"), epochs = training.OptionalInt("epochs");
        if (sections.ContainsKey("training") && (steps is null) == (epochs is null))
        {
            bag.Report(steps is null
                ? SpecMessages.NeedsOneOf("section 'training'", "steps", "epochs")
                : SpecMessages.HasBoth("section 'training'", "steps", "epochs"), training.NodeOf("epochs") ?? training.Anchor);
        }

        if (epochs is not null && dataRecipe is { IsMarker: true })
        {
            bag.Report(SpecMessages.EpochsNeedFiniteData("training.epochs", DataRecipe.Marker), training.NodeOf("epochs")!);
        }

        var freeze = sections.TryGetValue("freeze", out var freezeNode) ? Patterns(freezeNode.Value, "freeze", bag) : Array.Empty<NamePattern>();
        var trainable = sections.TryGetValue("trainable", out var trainableNode) ? Patterns(trainableNode.Value, "trainable", bag) : null;
        LoraRecipe? loraRecipe = null;
        if (lora is not null)
        {
            var targets = LoraTargets(sections["lora"].Value, bag);
            loraRecipe = new LoraRecipe(lora.Int("rank"), lora.Number("alpha"), targets);
        }

        if (modelRecipe is null || dataRecipe is null)
        {
            return null;
        }

        return new TrainingRecipe(
            path,
            modelRecipe,
            dataRecipe,
            new OptimizerRecipe(optimizer.Number("lr"), beta1, beta2, optimizer.Number("eps"), optimizer.Number("weight_decay")),
            schedule.Str("kind") == "constant" ? new ScheduleRecipe(0, 1.0) : new ScheduleRecipe(schedule.Int("warmup_steps"), schedule.Number("min_lr_ratio")),
            steps,
            epochs,
            training.Int("batch_size"),
            training.Int("gradient_accumulation"),
            training.Has("max_grad_norm") ? training.Number("max_grad_norm") : null,
            training.Str("precision") == "bf16" ? TrainingPrecision.Bf16 : TrainingPrecision.Fp32,
            training.Int("seed"),
            eval.Int("every"),
            freeze,
            loraRecipe,
            checkpoint.Int("every"),
            checkpoint.Int("keep"),
            trainable);
    }

    private static ModelRecipe? BindModel(FieldSet model, string path, DiagnosticBag bag)
    {
        if (model.Get("architecture") is not { } architecture)
        {
            return null;
        }

        string name = (string)architecture.Value;
        bool isFile = ZooCatalog.IsSpecFile(name);
        if (isFile && !File.Exists(Resolve(path, name)))
        {
            bag.Report(SpecMessages.FileNotFound("model.architecture", name), architecture.Node);
        }
        else if (!isFile && Zoo.Find(name) is null && !ZooCatalog.Architectures.Any(a => string.Equals(a.Stem, name, StringComparison.OrdinalIgnoreCase)))
        {
            bag.Report(SpecMessages.UnknownName("architecture", name, "model.architecture", ZooCatalog.Architectures.Select(a => a.Stem)), architecture.Node);
        }

        string preset = model.Str("preset");
        if (!ZooCatalog.Presets.Contains(preset))
        {
            bag.Report(SpecMessages.UnknownPreset(preset, "model.preset", ZooCatalog.Presets), model.NodeOf("preset")!);
        }

        string? checkpoint = null;
        if (model.Get("checkpoint") is { } folder)
        {
            checkpoint = Resolve(path, (string)folder.Value);
            if (!File.Exists(Path.Combine(checkpoint, "config.json")))
            {
                bag.Report(SpecMessages.NotModelFolder("model.checkpoint", (string)folder.Value), folder.Node);
            }
        }

        return new ModelRecipe(isFile ? Resolve(path, name) : name, preset, checkpoint);
    }

    private static DataRecipe? BindData(FieldSet data, string path, DiagnosticBag bag)
    {
        if (data.Get("source") is not { } source)
        {
            return null;
        }

        string value = (string)source.Value;
        string? Split(string key)
        {
            if (data.Get(key) is not { } field)
            {
                return null;
            }

            string file = Resolve(path, (string)field.Value);
            if (!File.Exists(file))
            {
                bag.Report(SpecMessages.FileNotFound("data." + key, (string)field.Value), field.Node);
            }

            return file;
        }

        string resolvedSource = value;
        if (value.StartsWith("builtin:", StringComparison.Ordinal))
        {
            if (value != DataRecipe.Marker)
            {
                bag.Report(SpecMessages.UnknownName("builtin data", value, "data.source", new[] { DataRecipe.Marker }), source.Node);
            }
        }
        else
        {
            resolvedSource = Resolve(path, value);
            if (!value.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                bag.Report(SpecMessages.NotDataSource("data.source", value, DataRecipe.Marker), source.Node);
            }
            else if (!File.Exists(resolvedSource))
            {
                bag.Report(SpecMessages.FileNotFound("data.source", value), source.Node);
            }
        }

        string? tokenizer = data.Get("tokenizer")?.Value as string;
        return new DataRecipe(
            resolvedSource, Split("validation"), Split("test"), data.Int("frames"), data.Int("colours"), data.Number("clutter"), data.Int("block"),
            data.Int("validation_samples"), data.Int("test_samples"), tokenizer is null or "byte" ? tokenizer : Resolve(path, tokenizer), data.OptionalInt("seed"));
    }

    private static (double, double) Betas(Dictionary<string, (YNode Key, YNode Value)> sections, DiagnosticBag bag)
    {
        if (!sections.TryGetValue("optimizer", out var optimizer) || optimizer.Value is not YMapping map)
        {
            return (0.9, 0.999);
        }

        var node = map.Pairs.FirstOrDefault(p => p.Key is YScalar { Value: "betas" }).Value;
        if (node is null)
        {
            return (0.9, 0.999);
        }

        if (node is not YSequence { Items.Count: 2 } seq)
        {
            bag.Report(SpecMessages.WrongType("optimizer.betas", "a list of two numbers [β₁, β₂]", node), node);
            return (0.9, 0.999);
        }

        var spec = FieldSpec.Number("betas", "AdamW betas", exclusiveMin: -1e-300, exclusiveMax: 1);
        var values = seq.Items.Select((item, i) => FieldReader.ReadValue(spec, item, $"optimizer.betas[{i}]", bag)).ToArray();
        return (values[0] as double? ?? 0.9, values[1] as double? ?? 0.999);
    }

    private static NamePattern[] Patterns(YNode node, string path, DiagnosticBag bag)
    {
        if (FieldReader.ExpectSequence(node, path, bag) is not { } seq)
        {
            return Array.Empty<NamePattern>();
        }

        var spec = FieldSpec.Str(path, "a glob over parameter names");
        return seq.Items
            .Select((item, i) => FieldReader.ReadValue(spec, item, $"{path}[{i}]", bag) is string glob ? new NamePattern(glob, item.Span) : null)
            .OfType<NamePattern>()
            .ToArray();
    }

    private static NamePattern[] LoraTargets(YNode lora, DiagnosticBag bag)
    {
        var node = (lora as YMapping)?.Pairs.FirstOrDefault(p => p.Key is YScalar { Value: "targets" }).Value;
        if (node is null)
        {
            bag.Report(SpecMessages.MissingField("section 'lora'", "targets", "globs over linear layer names, e.g. ['*.q_proj', '*.v_proj']"), lora);
            return Array.Empty<NamePattern>();
        }

        var targets = Patterns(node, "lora.targets", bag);
        if (targets.Length == 0 && node is YSequence)
        {
            bag.Report(SpecMessages.EmptyList("lora.targets"), node);
        }

        return targets;
    }

    private static string Resolve(string recipePath, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(recipePath)) ?? ".", path));
}
