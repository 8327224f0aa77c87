using System.IO;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Training;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Cli.Tests.Training;

public sealed class HuggingFaceStartTests
{
    [Fact]
    public void Create_WithCheckpoint_StartsTheLanguageModelFromItsWeights()
    {
        using var dir = new TempDir();
        string folder = dir.File("qwen");
        TestCheckpoints.Write(folder, layers: 4);
        var recipe = TinyRecipes.Write(dir, TinyRecipes.Text(steps: 2).Replace("  preset: tiny", "  preset: tiny\n  checkpoint: qwen"));
        Assert.Equal(folder, recipe.Model.Checkpoint);

        using var setup = TrainingModel.Create(recipe);
        Assert.Equal("checkpoint", setup.Config.Preset);
        Assert.Equal(151936, setup.Config.Llm.Vocab);
        var saved = CrossLMM.Zoo.Engine.Safetensors.Load(Path.Combine(folder, "model.safetensors"));
        var llm = setup.Model.LanguageModel.state_dict();
        foreach (var (key, value) in saved)
        {
            Assert.True(TensorAssert.Identical(value, llm[key]), $"{key} was not loaded from the checkpoint");
        }

        Assert.NotEmpty(setup.FreshLanguageModelKeys);                                   // the DCAL after layer 3
        Assert.All(setup.FreshLanguageModelKeys, k => Assert.Contains("layers.3.", k));
        var run = Trainer.Run(recipe);
        Assert.All(run.Steps, s => Assert.True(double.IsFinite(s.Loss)));
    }

    [Fact]
    public void Create_CheckpointTooShallowForTheFusionPlan_IsASpecError()
    {
        using var dir = new TempDir();
        TestCheckpoints.Write(dir.File("qwen"), layers: 2);
        var recipe = TinyRecipes.Write(dir, TinyRecipes.Text().Replace("  preset: tiny", "  preset: tiny\n  checkpoint: qwen"));
        var e = Assert.Throws<CrossLMM.Zoo.Spec.SpecException>(() => TrainingModel.Create(recipe));
        Assert.Contains("CLMZ", e.Message);
    }

    [Fact]
    public void Parse_CheckpointWithoutConfig_IsAnError()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("empty"));
        var e = Assert.Throws<RecipeException>(() => TinyRecipes.Write(dir, TinyRecipes.Text().Replace("  preset: tiny", "  preset: tiny\n  checkpoint: empty")));
        Assert.Contains(e.Diagnostics, d => d.Message.Contains("model.checkpoint: 'empty' is not a Hugging Face model folder") && d.Span.Line == 4);
    }
}
