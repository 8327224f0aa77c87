using CrossLMM.Testing;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Training;
using CrossLMM.Zoo.Tools.Training.Data;
using CrossLMM.Zoo.Tools.Training.Lora;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Cli.Tests.Training;

public sealed class LoraTests
{
    private const string Lora = "lora:\n  rank: 4\n  alpha: 8\n  targets: ['*.q_proj', '*.v_proj', '*.down_proj']";

    [Fact]
    public void Apply_AtInitialisation_ComputesExactlyTheBaseModel()
    {
        using var dir = new TempDir();
        var recipe = TinyRecipes.Write(dir, TinyRecipes.Text(extra: Lora));
        using var setup = TrainingModel.Create(recipe);
        using var base_ = ZooCatalog.Build(setup.Config, recipe.Seed);
        setup.Model.eval();
        using var batch = setup.Data.Train(0, 2).ToTensors();
        using var noGrad = torch.no_grad();
        using var adapted = setup.Model.call(batch.Input, null);
        using var plain = base_.call(batch.Input, null);
        // B = 0 adds an exact zero; what differs is only MKL's GEMMs between two models' calls (not bit-reproducible here).
        TensorAssert.AllClose(plain.Logits, adapted.Logits, rtol: 1e-5, atol: 1e-5);
        var baseWeights = base_.state_dict();
        foreach (var (name, value) in setup.Model.state_dict().Where(kv => !kv.Key.Contains(".lora_")))
        {
            Assert.True(TensorAssert.Identical(baseWeights[name], value), $"{name}: LoRA changed the base weights");
        }

        Assert.All(setup.Trainable, t => Assert.Matches(@"\.lora_[AB]\.weight$", t.Name));
        Assert.Equal(setup.Lora!.Targets.Count * 2, setup.Trainable.Count);
        Assert.Contains("language_model.model.layers.0.self_attn.q_proj", setup.Lora.Targets);
        Assert.Contains("vision_tower.encoder.layers.0.mlp.fc1", setup.Model.named_modules().Select(m => m.name));
        Assert.DoesNotContain(setup.Lora.Targets, t => t.Contains("fc1"));
    }

    [Fact]
    public void MergedStateDict_AfterTraining_GivesTheAdaptedModelsLogits()
    {
        using var dir = new TempDir();
        var recipe = TinyRecipes.Write(dir, TinyRecipes.Text(steps: 5, lr: 0.02, extra: Lora));
        var run = Trainer.Run(recipe, new TrainingRunOptions(dir.File("run")));
        using var setup = TrainingModel.Create(recipe);
        Trainer.LoadWeights(setup, CrossLMM.Zoo.Tools.Training.Checkpointing.CheckpointStore.Open(dir.File("run")));
        Assert.Contains(setup.Model.named_parameters(), p => p.name.EndsWith("lora_B.weight") && p.parameter.abs().max().item<float>() > 0);

        // The export written by the run is the merged state dict: it loads strictly into the plain architecture.
        using var merged = ZooCatalog.Build(setup.Config);
        var exported = CrossLMM.Zoo.Engine.Safetensors.Load(System.IO.Path.Combine(dir.File("run"), Trainer.ExportFolder, "model.safetensors"));
        Assert.DoesNotContain(exported.Keys, k => k.Contains("lora"));
        merged.load_state_dict(exported, strict: true);

        setup.Model.eval();
        using var batch = setup.Data.Split(EvaluationSplit.Test, 8)[0].ToTensors();
        using var noGrad = torch.no_grad();
        using var adapted = setup.Model.call(batch.Input, null);
        using var plain = merged.call(batch.Input, null);
        TensorAssert.AllClose(adapted.Logits, plain.Logits, rtol: 1e-4, atol: 1e-5);
        Assert.Equal(run.TrainableParameters, setup.Trainable.Sum(t => t.Parameter.numel()));
    }

    [Fact]
    public void Apply_TargetMatchingNoLinear_IsAnError()
    {
        using var dir = new TempDir();
        var recipe = TinyRecipes.Write(dir, TinyRecipes.Text(extra: "lora:\n  rank: 4\n  alpha: 8\n  targets: ['*.q_prj']"));
        var e = Assert.Throws<RecipeException>(() => TrainingModel.Create(recipe));
        Assert.Contains("LoRA target '*.q_prj' matches no linear layer", e.Diagnostics[0].Message);
        Assert.Equal(33, e.Diagnostics[0].Span.Line);
    }
}
