using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Training.Data;
using CrossLMM.Zoo.Tools.Training.Lora;
using CrossLMM.Zoo.Tools.Training.Optimization;
using CrossLMM.Zoo.Tools.Training.Recipes;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Tools.Training;

/// <summary>
/// A recipe's model as training and evaluation use it: built at the recipe's seed, LoRA attached, parameters frozen,
/// cast for the precision; and the recipe's data.
/// </summary>
public sealed class TrainingModel : IDisposable
{
    private TrainingModel(TrainingRecipe recipe, ArchitectureConfig config, VideoLmm model, TrainingData data, LoraAdapters? lora, IReadOnlyList<string> frozen)
    {
        Recipe = recipe;
        Config = config;
        Model = model;
        Data = data;
        Lora = lora;
        Frozen = frozen;
        Trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToArray();
    }

    /// <summary>The recipe.</summary>
    public TrainingRecipe Recipe { get; }

    /// <summary>The architecture at the recipe's preset.</summary>
    public ArchitectureConfig Config { get; }

    /// <summary>The model (in bf16 for a bf16 recipe).</summary>
    public VideoLmm Model { get; }

    /// <summary>The data.</summary>
    public TrainingData Data { get; }

    /// <summary>The LoRA adapters, or null.</summary>
    public LoraAdapters? Lora { get; }

    /// <summary>Names of the parameters the freeze patterns froze (LoRA freezes the rest of the model besides).</summary>
    public IReadOnlyList<string> Frozen { get; }

    /// <summary>With <c>model.checkpoint</c>: the language model's keys the checkpoint did not have (fusion blocks), left at their initialisation.</summary>
    public IReadOnlyList<string> FreshLanguageModelKeys { get; private init; } = Array.Empty<string>();

    /// <summary>The parameters that train, in model order.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable { get; }

    /// <summary>The compute dtype.</summary>
    public ScalarType ComputeType => Recipe.Precision == TrainingPrecision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;

    /// <summary>Builds everything a recipe names (the model at <c>torch.manual_seed(recipe.Seed)</c>).</summary>
    /// <param name="recipe">The recipe.</param>
    /// <exception cref="RecipeException">A freeze or LoRA pattern that matches nothing, or patterns that freeze everything.</exception>
    public static TrainingModel Create(TrainingRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var checkpoint = recipe.Model.Checkpoint;
        var config = checkpoint is null
            ? ZooCatalog.ConfigOrFile(recipe.Model.Architecture, recipe.Model.Preset)
            : HuggingFaceStart.Config(recipe.Model.Architecture, recipe.Model.Preset, checkpoint);
        var data = CreateData(recipe, config);
        torch.manual_seed(recipe.Seed);
        var model = checkpoint is null ? ZooCatalog.Build(config, recipe.Seed) : VideoLmmBuilder.Build(config);
        try
        {
            var fresh = checkpoint is null ? Array.Empty<string>() : HuggingFaceStart.LoadLanguageModel(model, checkpoint);
            var lora = recipe.Lora is null ? null : LoraAdapters.Apply(model, recipe.Lora, recipe.Path);
            var frozen = ParameterSelection.Freeze(model, recipe.Freeze, recipe.TrainableOnly, recipe.Path);
            if (recipe.Precision == TrainingPrecision.Bf16)
            {
                model.to(ScalarType.BFloat16);
            }

            model.train();
            return new TrainingModel(recipe, config, model, data, lora, frozen) { FreshLanguageModelKeys = fresh };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The data a recipe names, for <paramref name="config"/>.</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="config">The architecture.</param>
    public static TrainingData CreateData(TrainingRecipe recipe, ArchitectureConfig config)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var d = recipe.Data;
        if (d.IsMarker)
        {
            try
            {
                var task = new MarkerVideoTask(config, d.Frames, d.Block, d.Colours, d.Clutter);
                return new MarkerTrainingData(task, recipe.DataSeed, d.ValidationSamples, d.TestSamples);
            }
            catch (ArgumentException e)
            {
                throw new ZooUserException($"{recipe.Path}: data {DataRecipe.Marker} does not fit {config.Stem} at {config.Preset}: {e.Message}", e);
            }
        }

        ITokenizer tokenizer = (d.Tokenizer ?? recipe.Model.Checkpoint) is { } source && source != "byte"
            ? Qwen2Tokenizer.Load(source)
            : new ByteTokenizer(config.Llm.Vocab);
        return new JsonlVideoQaData(d.Source, d.Validation, d.Test, config, d.Frames, tokenizer, recipe.DataSeed);
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose()
    {
        Lora?.Dispose();
        Model.Dispose();
    }
}
