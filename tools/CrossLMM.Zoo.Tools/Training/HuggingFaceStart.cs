using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Checkpoints;

namespace CrossLMM.Zoo.Tools.Training;

/// <summary>
/// <c>model.checkpoint:</c> — start an architecture's language model from a Hugging Face <c>Qwen2ForCausalLM</c> folder.
/// The architecture is bound at a preset named <c>checkpoint</c>: the recipe preset's vision and resampler sizes with
/// the checkpoint's LLM sizes (so fusion plans follow the checkpoint's layer count). The LLM's weights are copied from
/// the checkpoint (loaded strictly by <see cref="Qwen2Checkpoint"/>); everything else — vision tower, projector, fusion
/// blocks — starts from the architecture's initialisation.
/// </summary>
public static class HuggingFaceStart
{
    /// <summary>The preset name of a checkpoint-sized architecture.</summary>
    public const string Preset = "checkpoint";

    /// <summary>The architecture with the checkpoint's LLM sizes.</summary>
    /// <param name="architecture">A stem or an architecture YAML path.</param>
    /// <param name="basePreset">The preset whose vision and resampler sizes are kept.</param>
    /// <param name="folder">The checkpoint folder.</param>
    /// <exception cref="ZooUserException">A bad folder or config.json.</exception>
    /// <exception cref="SpecException">The architecture does not bind at these sizes (e.g. a fusion layer beyond the LLM's depth).</exception>
    public static ArchitectureConfig Config(string architecture, string basePreset, string folder)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var llm = Qwen2Checkpoint.ReadConfig(folder).Llm;
        var registry = ZooCatalog.Registry;
        var size = registry.Presets.First(p => p.Name == ZooCatalog.Preset(basePreset));
        var extended = registry with
        {
            Presets = registry.Presets.Append(new SizePreset(Preset, "Checkpoint", size.Vision, size.Resampler, llm)).ToEquatableArray(),
            DeclaredPresets = registry.DeclaredPresets.Append(Preset).ToEquatableArray(),
        };
        bool isFile = ZooCatalog.IsSpecFile(architecture);
        var info = isFile ? null : ZooCatalog.Find(architecture);
        string text = info?.SourceYaml ?? File.ReadAllText(architecture);
        string path = info?.Config(size.Name).SourceFile ?? architecture;
        var result = Zoo.TryBind(text, Preset, path, extended);
        return result.Success ? result.Config! : throw new SpecException(result.Diagnostics.Where(d => d.IsError));
    }

    /// <summary>Copies the checkpoint's LLM weights into <paramref name="model"/>'s language model.</summary>
    /// <param name="model">A model built from <see cref="Config"/>.</param>
    /// <param name="folder">The checkpoint folder.</param>
    /// <returns>The language model's keys the checkpoint does not have (the fusion blocks inside it), left at their initialisation.</returns>
    /// <exception cref="ZooUserException">A checkpoint key the model lacks, or a shape that differs (named).</exception>
    public static IReadOnlyList<string> LoadLanguageModel(VideoLmm model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var checkpoint = Qwen2Checkpoint.Load(folder);
        var target = model.LanguageModel.state_dict();
        using var noGrad = torch.no_grad();
        var copied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in checkpoint.Model.state_dict())
        {
            if (!target.TryGetValue(key, out var destination))
            {
                throw new ZooUserException($"checkpoint '{folder}': {key} has no place in {model.GetName()}'s language model");
            }

            if (!destination.shape.SequenceEqual(value.shape))
            {
                throw new ZooUserException($"checkpoint '{folder}': {key} has shape [{string.Join(", ", value.shape)}], the model's is [{string.Join(", ", destination.shape)}]");
            }

            destination.copy_(value);
            copied.Add(key);
        }

        return target.Keys.Where(k => !copied.Contains(k)).ToArray();
    }
}
