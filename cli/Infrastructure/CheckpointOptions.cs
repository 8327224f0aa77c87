using System.CommandLine;

namespace CrossLMM.Zoo.Cli.Infrastructure;

/// <summary>Options shared by the commands that read a Hugging Face checkpoint folder.</summary>
internal static class CheckpointOptions
{
    /// <summary><c>--checkpoint DIR</c>.</summary>
    /// <param name="required">Whether the command needs it.</param>
    public static Option<string?> Checkpoint(bool required) => new("--checkpoint")
    {
        Description = "A Hugging Face model folder (config.json, model.safetensors or model.safetensors.index.json, tokenizer.json): Qwen2ForCausalLM, SiglipVisionModel or LlavaOnevisionForConditionalGeneration",
        HelpName = "DIR",
        Required = required,
    };

    /// <summary><c>--variant base|crosslmm</c>: what to build on a LLaVA-OneVision checkpoint.</summary>
    public static Option<string> Variant() => new("--variant")
    {
        Description = "On a LlavaOnevisionForConditionalGeneration checkpoint: 'base' (LLaVA-OneVision) or 'crosslmm' (CrossLMM's new fusion blocks, gates at 0, " +
                      "so it starts as exactly the base model; needs --allow-missing '*.cross_attn.*')",
        DefaultValueFactory = _ => "base",
    };

    /// <summary>The <see cref="Tools.Checkpoints.LlavaOnevisionVariant"/> a <c>--variant</c> value names.</summary>
    /// <param name="value">base or crosslmm.</param>
    public static Tools.Checkpoints.LlavaOnevisionVariant ParseVariant(string? value) => value switch
    {
        null or "base" => Tools.Checkpoints.LlavaOnevisionVariant.Base,
        "crosslmm" => Tools.Checkpoints.LlavaOnevisionVariant.CrossLmm,
        _ => throw new Tools.ZooUserException($"--variant '{value}' is not base or crosslmm"),
    };

    /// <summary><c>--allow-missing PATTERN</c> (repeatable).</summary>
    public static Option<string[]> AllowMissing() => new("--allow-missing")
    {
        Description = "Model keys that may be absent from the checkpoint (glob, * = any characters; repeatable); loading is strict otherwise",
        HelpName = "PATTERN",
        AllowMultipleArgumentsPerToken = false,
    };
}
