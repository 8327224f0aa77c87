using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Cli.Tests.Training;

/// <summary>Small recipes for the training tests: the marker task at the tiny preset, 2 frames, a few steps.</summary>
internal static class TinyRecipes
{
    public static string Text(string architecture = "crosslmm-1tok", int steps = 6, int batch = 8, double lr = 0.003, string training = "", string extra = "",
        int checkpointEvery = 0, int keep = 2, int evalEvery = 3, string data = "") => $"""
        model:
          architecture: {architecture}
          preset: tiny
        data:
          source: builtin:marker
          frames: 2
          clutter: 0.3
          block: 8
          validation_samples: 32
          test_samples: 32
        {data}
        optimizer:
          lr: {lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}
          betas: [0.9, 0.999]
          weight_decay: 0.01
        schedule:
          warmup_steps: 2
          min_lr_ratio: 0.1
        training:
          steps: {steps}
          batch_size: {batch}
          max_grad_norm: 1.0
          seed: 5
        {training}
        eval:
          every: {evalEvery}
        checkpoint:
          every: {checkpointEvery}
          keep: {keep}
        {extra}
        """;

    public static TrainingRecipe Write(TempDir dir, string text, string name = "recipe.yaml") => RecipeReader.Read(dir.Write(name, text));
}
