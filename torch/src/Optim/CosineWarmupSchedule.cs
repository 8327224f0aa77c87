using System;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// Linear warm-up followed by cosine decay, the schedule of LLaVA/Qwen-style training (Hugging Face's
/// <c>get_cosine_schedule_with_warmup</c>, with an optional floor). TorchSharp has no such scheduler, so it lives
/// outside the torch surface; it is a <c>LambdaLR</c>, so it runs on either engine.
/// </summary>
public static class CosineWarmupSchedule
{
    /// <summary>
    /// The multiplier of the base rate after <paramref name="step"/> scheduler steps: step/warmup during warm-up
    /// (0 at step 0), then min_lr_ratio + (1 − min_lr_ratio)·(1 + cos(π·progress))/2 with
    /// progress = (step − warmup)/(total − warmup), clamped to [0, 1] (so it stays at min_lr_ratio after total_steps).
    /// </summary>
    public static double Factor(int step, int warmup_steps, int total_steps, double min_lr_ratio = 0.0)
    {
        Validate(warmup_steps, total_steps, min_lr_ratio);
        if (step < warmup_steps) return (double)step / Math.Max(1, warmup_steps);
        var progress = Math.Clamp((double)(step - warmup_steps) / Math.Max(1, total_steps - warmup_steps), 0.0, 1.0);
        return min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>A scheduler applying <see cref="Factor"/> to every group's initial rate; call <c>step()</c> once per batch.</summary>
    public static LRScheduler Create(optim.Optimizer optimizer, int warmup_steps, int total_steps, double min_lr_ratio = 0.0, int last_epoch = -1)
    {
        Validate(warmup_steps, total_steps, min_lr_ratio);
        return LambdaLR(optimizer, step => Factor(step, warmup_steps, total_steps, min_lr_ratio), last_epoch);
    }

    private static void Validate(int warmup_steps, int total_steps, double min_lr_ratio)
    {
        if (warmup_steps < 0) throw new ArgumentOutOfRangeException(nameof(warmup_steps), warmup_steps, "warmup_steps must be >= 0");
        if (total_steps < warmup_steps)
            throw new ArgumentException($"total_steps ({total_steps}) must be >= warmup_steps ({warmup_steps})", nameof(total_steps));
        if (!(min_lr_ratio >= 0 && min_lr_ratio <= 1))
            throw new ArgumentOutOfRangeException(nameof(min_lr_ratio), min_lr_ratio, "min_lr_ratio must be in [0, 1]");
    }
}
