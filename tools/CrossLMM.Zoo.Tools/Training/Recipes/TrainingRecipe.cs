using System.Collections.Generic;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Tools.Training.Recipes;

/// <summary>Numeric precision of a training run.</summary>
public enum TrainingPrecision
{
    /// <summary>Everything in float32.</summary>
    Fp32,

    /// <summary>
    /// bfloat16 compute with float32 master weights and optimizer state (TorchSharp 0.107 has no <c>torch.autocast</c>:
    /// the model is cast to bf16 for the forward and backward, gradients are copied to the fp32 masters for AdamW).
    /// </summary>
    Bf16,
}

/// <summary>A glob over parameter names with where it was written (so "matches nothing" can point at it).</summary>
/// <param name="Glob">The pattern: <c>*</c> any run of characters (dots included), <c>?</c> one character.</param>
/// <param name="Span">Its location in the recipe.</param>
public sealed record NamePattern(string Glob, SourceSpan Span);

/// <summary>What is trained: an architecture (stem or YAML file) at a size preset.</summary>
/// <param name="Architecture">A zoo stem (<c>zoo list</c>) or a path to an architecture YAML (resolved against the recipe's folder).</param>
/// <param name="Preset">Size preset (<c>tiny</c>, <c>small</c>, …); with a checkpoint, the vision and resampler sizes.</param>
/// <param name="Checkpoint">A Hugging Face Qwen2ForCausalLM folder to start the language model from (its sizes replace the preset's LLM), or null.</param>
public sealed record ModelRecipe(string Architecture, string Preset, string? Checkpoint = null);

/// <summary>Where the samples come from.</summary>
/// <param name="Source"><c>builtin:marker</c> or a JSONL file of <c>{video, question, answer}</c> (the training split).</param>
/// <param name="Validation">JSONL validation split (null: the builtin task draws one; a JSONL run without it has none).</param>
/// <param name="Test">JSONL held-out test split (null: as for validation).</param>
/// <param name="Frames">Frames per video T.</param>
/// <param name="Colours">Marker task: answer colours.</param>
/// <param name="Clutter">Marker task: clutter standard deviation.</param>
/// <param name="Block">Marker task: block side in pixels.</param>
/// <param name="ValidationSamples">Marker task: validation videos.</param>
/// <param name="TestSamples">Marker task: test videos.</param>
/// <param name="Tokenizer">JSONL: <c>byte</c> (the zoo's byte-level tokenizer) or a tokenizer.json path / Hugging Face folder; null = the model checkpoint's, else byte.</param>
/// <param name="Seed">Seed of the data (splits and order); null = the training seed.</param>
public sealed record DataRecipe(
    string Source,
    string? Validation,
    string? Test,
    int Frames,
    int Colours,
    double Clutter,
    int Block,
    int ValidationSamples,
    int TestSamples,
    string? Tokenizer,
    int? Seed)
{
    /// <summary>The builtin marker task's source name.</summary>
    public const string Marker = "builtin:marker";

    /// <summary>True for <c>builtin:marker</c>.</summary>
    public bool IsMarker => Source == Marker;
}

/// <summary>AdamW's hyperparameters (PyTorch's names and defaults).</summary>
public sealed record OptimizerRecipe(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay);

/// <summary>Linear warm-up from 0 to the peak rate, then a cosine decay to <c>MinLrRatio × lr</c> at the last step.</summary>
public sealed record ScheduleRecipe(int WarmupSteps, double MinLrRatio);

/// <summary>LoRA (Hu et al. 2021, arXiv:2106.09685) on the linear layers whose names match <paramref name="Targets"/>.</summary>
/// <param name="Rank">r.</param>
/// <param name="Alpha">α; the update is scaled by α / r.</param>
/// <param name="Targets">Globs over module names (e.g. <c>*.q_proj</c>).</param>
public sealed record LoraRecipe(int Rank, double Alpha, IReadOnlyList<NamePattern> Targets);

/// <summary>
/// A training recipe (torchtune-style YAML, read by <see cref="RecipeReader"/>): model, data, optimizer, schedule,
/// loop settings, freezing, LoRA and bookkeeping.
/// </summary>
/// <param name="Path">The recipe file (relative paths in it are resolved against its folder).</param>
/// <param name="Model">The model.</param>
/// <param name="Data">The data.</param>
/// <param name="Optimizer">AdamW.</param>
/// <param name="Schedule">Learning-rate schedule.</param>
/// <param name="Steps">Optimizer steps (null when <paramref name="Epochs"/> is given).</param>
/// <param name="Epochs">Passes over a JSONL training split (null when <paramref name="Steps"/> is given).</param>
/// <param name="BatchSize">Samples per micro-batch.</param>
/// <param name="GradientAccumulation">Micro-batches per optimizer step.</param>
/// <param name="MaxGradNorm">Clip the global gradient norm to this (null: no clipping).</param>
/// <param name="Precision">fp32 or bf16.</param>
/// <param name="Seed">Seed of the model initialisation, LoRA and (unless the data names its own) the data.</param>
/// <param name="EvalEvery">Evaluate on the validation split every this many steps (0: only at the end).</param>
/// <param name="Freeze">Parameters to freeze.</param>
/// <param name="Lora">LoRA, or null.</param>
/// <param name="CheckpointEvery">Write a checkpoint every this many steps (0: only the final one).</param>
/// <param name="KeepLast">Checkpoints kept (older ones are deleted after a newer one is complete).</param>
/// <param name="TrainableOnly">When given, only parameters matching one of these train (applied before <paramref name="Freeze"/>).</param>
public sealed record TrainingRecipe(
    string Path,
    ModelRecipe Model,
    DataRecipe Data,
    OptimizerRecipe Optimizer,
    ScheduleRecipe Schedule,
    int? Steps,
    int? Epochs,
    int BatchSize,
    int GradientAccumulation,
    double? MaxGradNorm,
    TrainingPrecision Precision,
    int Seed,
    int EvalEvery,
    IReadOnlyList<NamePattern> Freeze,
    LoraRecipe? Lora,
    int CheckpointEvery,
    int KeepLast,
    IReadOnlyList<NamePattern>? TrainableOnly = null)
{
    /// <summary>Samples per optimizer step.</summary>
    public int SamplesPerStep => BatchSize * GradientAccumulation;

    /// <summary>The seed of the data stream.</summary>
    public int DataSeed => Data.Seed ?? Seed;

    /// <summary>A path written in the recipe, resolved against the recipe's folder.</summary>
    /// <param name="path">Absolute, or relative to the recipe.</param>
    public string Resolve(string path) =>
        System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".", path));
}
