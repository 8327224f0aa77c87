using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Tools.Training.Recipes;
using AdamW = CrossLMM.Zoo.Engine.Training.AdamW;

namespace CrossLMM.Zoo.Tools.Training.Checkpointing;

/// <summary>
/// What a training checkpoint holds and how the trainer writes and restores it: the model's state dict, AdamW's moments
/// and step count (<c>exp_avg.NAME</c>, <c>exp_avg_sq.NAME</c>; bf16 runs add the fp32 masters, <c>master.NAME</c>) and the
/// trainer state (<see cref="TrainerState"/>), through <see cref="CheckpointStore"/>.
/// </summary>
internal static class TrainingCheckpoints
{
    /// <summary>The trainer state after <paramref name="step"/> steps.</summary>
    internal static TrainerState State(int step, int total, long samples, long tokens, double elapsed, string recipeHash, TrainingModel setup) =>
        new(step, total, samples, tokens, elapsed, recipeHash, setup.Recipe.Model.Architecture, setup.Recipe.Model.Preset);

    /// <summary>Writes a checkpoint (atomically, via the store) and returns its folder.</summary>
    internal static string Save(CheckpointStore store, TrainingModel setup, AdamW optimizer, Parameter[] masters, TrainerState state)
    {
        using var scope = torch.NewDisposeScope();
        var model = setup.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        var moments = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < masters.Length; i++)
        {
            string name = setup.Trainable[i].Name;
            var (m, v) = optimizer.Moments(i);
            if (m is not null) moments["exp_avg." + name] = m;
            if (v is not null) moments["exp_avg_sq." + name] = v;
            if (setup.Recipe.Precision == TrainingPrecision.Bf16) moments["master." + name] = masters[i];
        }

        var metadata = new Dictionary<string, string> { ["step"] = optimizer.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture), ["optimizer"] = "adamw" };
        return store.Save(state, model, moments, metadata);
    }

    /// <summary>Restores the model, AdamW (moments, step count) and bf16's masters from a verified checkpoint.</summary>
    internal static void Load(TrainingModel setup, AdamW optimizer, Parameter[] masters, CheckpointInfo checkpoint)
    {
        Trainer.LoadWeights(setup, checkpoint);
        using var scope = torch.NewDisposeScope();
        var saved = CrossLMM.Zoo.Engine.Safetensors.Load(checkpoint.OptimizerFile, out var metadata);
        var moments = new List<(Tensor?, Tensor?)>();
        using var noGrad = torch.no_grad();
        for (int i = 0; i < masters.Length; i++)
        {
            string name = setup.Trainable[i].Name;
            moments.Add((saved.GetValueOrDefault("exp_avg." + name), saved.GetValueOrDefault("exp_avg_sq." + name)));
            if (setup.Recipe.Precision == TrainingPrecision.Bf16)
            {
                masters[i].copy_(saved.GetValueOrDefault("master." + name)
                    ?? throw new ZooUserException($"checkpoint {checkpoint.Directory}: no fp32 master weight for {name} (was it written by an fp32 run?)"));
            }
        }

        optimizer.Restore(long.Parse(metadata["step"], System.Globalization.CultureInfo.InvariantCulture), moments);
    }

}
