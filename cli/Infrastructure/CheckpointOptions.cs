using System.CommandLine;

namespace CrossLMM.Zoo.Cli.Infrastructure;

/// <summary>Options shared by the commands that read a Hugging Face checkpoint folder.</summary>
internal static class CheckpointOptions
{
    /// <summary><c>--checkpoint DIR</c>.</summary>
    /// <param name="required">Whether the command needs it.</param>
    public static Option<string?> Checkpoint(bool required) => new("--checkpoint")
    {
        Description = "A Hugging Face model folder (config.json, model.safetensors or model.safetensors.index.json, tokenizer.json); Qwen2ForCausalLM",
        HelpName = "DIR",
        Required = required,
    };

    /// <summary><c>--allow-missing PATTERN</c> (repeatable).</summary>
    public static Option<string[]> AllowMissing() => new("--allow-missing")
    {
        Description = "Model keys that may be absent from the checkpoint (glob, * = any characters; repeatable); loading is strict otherwise",
        HelpName = "PATTERN",
        AllowMultipleArgumentsPerToken = false,
    };
}
