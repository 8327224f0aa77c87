using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Training.Optimization;

/// <summary>
/// <c>torch.nn.utils.clip_grad_norm_</c> (L2, over all gradients together), with every scalar created explicitly
/// (see <c>CrossLMM.Zoo.Engine.Training.AdamW</c> for why).
/// </summary>
public static class GradientClipping
{
    /// <summary>The global L2 norm of the gradients; when it exceeds <paramref name="maxNorm"/> every gradient is scaled by maxNorm / (norm + 1e-6).</summary>
    /// <param name="parameters">Parameters (those without a gradient are skipped).</param>
    /// <param name="maxNorm">The limit; null only measures.</param>
    /// <returns>The norm before clipping.</returns>
    public static double ClipByGlobalNorm(IEnumerable<Parameter> parameters, double? maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return 0;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var squares = torch.stack(grads.Select(g => g.to(ScalarType.Float32).square().sum()).ToArray());
        double norm = Math.Sqrt(squares.sum().item<float>());
        if (maxNorm is double limit && norm > limit)
        {
            using var factor = (limit / (norm + 1e-6)).ToScalar();
            foreach (var g in grads) g.mul_(factor);
        }

        return norm;
    }
}
