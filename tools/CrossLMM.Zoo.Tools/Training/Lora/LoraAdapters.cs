using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Tools.Training.Optimization;
using CrossLMM.Zoo.Tools.Training.Recipes;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Tools.Training.Lora;

/// <summary>
/// LoRA (Hu et al. 2021, arXiv:2106.09685) on a model's linear layers, without touching the model's code: each target
/// <c>Linear</c> W gets two submodules, <c>lora_A</c> (in → r, PyTorch's default Linear init, as PEFT) and
/// <c>lora_B</c> (r → out, zeros), and a forward hook that adds (α / r) · B(A(x)) to its output. At initialisation B = 0,
/// so the adapted model computes exactly the base model. Parameter names: <c>…q_proj.lora_A.weight</c> and
/// <c>…q_proj.lora_B.weight</c> (PEFT's, without its adapter-name level). <see cref="MergedStateDict"/> folds the
/// update into W (W + (α / r) · B·A) and drops the LoRA keys, giving the base architecture's state dict for export.
/// </summary>
public sealed class LoraAdapters : IDisposable
{
    private readonly List<Action> _removers = new();

    private LoraAdapters(IReadOnlyList<string> targets, double scale)
    {
        Targets = targets;
        Scale = scale;
    }

    /// <summary>Names of the adapted linear layers, in model order.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>α / r.</summary>
    public double Scale { get; }

    /// <summary>
    /// Adds LoRA to every linear layer of <paramref name="model"/> whose module name matches one of the recipe's targets,
    /// and freezes every other parameter (LoRA trains only the adapters).
    /// </summary>
    /// <param name="model">The model (its linear layers must be run through <c>call()</c>, as the zoo's modules do).</param>
    /// <param name="lora">Rank, α and targets.</param>
    /// <param name="recipePath">The recipe (named in errors).</param>
    /// <exception cref="RecipeException">A target pattern that matches no linear layer.</exception>
    public static LoraAdapters Apply(nn.Module model, LoraRecipe lora, string recipePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lora);
        var linears = model.named_modules().Where(m => m.module is Linear).Select(m => (m.name, Linear: (Linear)m.module)).ToArray();
        var errors = new List<SpecDiagnostic>();
        var chosen = new List<(string Name, Linear Linear)>();
        foreach (var target in lora.Targets)
        {
            var regex = ParameterSelection.ToRegex(target.Glob);
            var matched = linears.Where(l => regex.IsMatch(l.name)).ToArray();
            if (matched.Length == 0)
            {
                errors.Add(new SpecDiagnostic(SpecMessages.LoraTargetMatchesNothing(target.Glob, linears.Select(l => l.name).ToArray()), recipePath, target.Span));
            }

            chosen.AddRange(matched.Where(m => chosen.All(c => c.Name != m.name)));
        }

        if (errors.Count > 0)
        {
            throw new RecipeException(recipePath, errors);
        }

        foreach (var p in model.parameters())
        {
            p.requires_grad = false;
        }

        var adapters = new LoraAdapters(chosen.Select(c => c.Name).ToArray(), lora.Alpha / lora.Rank);
        foreach (var (_, linear) in chosen.OrderBy(c => Array.FindIndex(linears, l => l.name == c.Name)))
        {
            adapters.Attach(linear, lora.Rank);
        }

        return adapters;
    }

    /// <summary>
    /// The state dict of the base architecture: every LoRA target's weight replaced by W + (α / r) · B·A (in float32,
    /// cast back to W's dtype), the LoRA keys dropped. New tensors; the caller disposes them.
    /// </summary>
    /// <param name="model">A model with adapters applied.</param>
    public Dictionary<string, Tensor> MergedStateDict(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = torch.no_grad();
        var state = model.state_dict();
        var merged = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in state)
        {
            if (key.Contains(".lora_A.", StringComparison.Ordinal) || key.Contains(".lora_B.", StringComparison.Ordinal))
            {
                continue;
            }

            string module = key.EndsWith(".weight", StringComparison.Ordinal) ? key[..^".weight".Length] : string.Empty;
            if (Targets.Contains(module))
            {
                using var scope = torch.NewDisposeScope();
                var a = state[module + ".lora_A.weight"].to(ScalarType.Float32);   // [r, in]
                var b = state[module + ".lora_B.weight"].to(ScalarType.Float32);   // [out, r]
                using var scale = Scale.ToScalar();
                var update = torch.mm(b, a).mul_(scale);                            // [out, in]
                merged[key] = value.to(ScalarType.Float32).add(update).to(value.dtype).MoveToOuterDisposeScope();
            }
            else
            {
                merged[key] = value.detach().clone();
            }
        }

        return merged;
    }

    /// <summary>Removes the hooks (the LoRA submodules stay registered, so a checkpoint still loads).</summary>
    public void Dispose()
    {
        foreach (var remove in _removers)
        {
            remove();
        }

        _removers.Clear();
    }

    private void Attach(Linear linear, int rank)
    {
        long inFeatures = linear.weight!.shape[1], outFeatures = linear.weight.shape[0];
        var a = nn.Linear(inFeatures, rank, hasBias: false, dtype: linear.weight.dtype);
        var b = nn.Linear(rank, outFeatures, hasBias: false, dtype: linear.weight.dtype);
        using (torch.no_grad())
        {
            b.weight!.zero_();
        }

        linear.register_module("lora_A", a);
        linear.register_module("lora_B", b);
        double scale = Scale;
        var hook = linear.register_forward_hook((module, input, output) =>
        {
            using var s = scale.ToScalar();
            return output.add(b.call(a.call(input)).mul(s));
        });
        _removers.Add(hook.remove);
    }
}
