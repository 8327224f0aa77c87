using System;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Tools.Training.Optimization;

/// <summary>
/// Linear warm-up then cosine decay (torchtune's <c>get_cosine_schedule_with_warmup</c>, with a floor):
/// lr(s) = peak · s / w for s ≤ w; after it, peak · (m + (1 − m) · ½(1 + cos(π · (s − w) / (N − w)))), where m is the
/// final ratio and N the total steps. s is the 1-based step being taken, so the first step already moves.
/// </summary>
public sealed class CosineSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="peak">The peak rate (&gt; 0).</param>
    /// <param name="schedule">Warm-up and floor.</param>
    /// <param name="totalSteps">N ≥ 1.</param>
    public CosineSchedule(double peak, ScheduleRecipe schedule, int totalSteps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!(peak > 0)) throw new ArgumentException($"peak ({peak}) must be > 0", nameof(peak));
        if (totalSteps < 1) throw new ArgumentException($"totalSteps ({totalSteps}) must be ≥ 1", nameof(totalSteps));
        Peak = peak;
        Warmup = Math.Min(schedule.WarmupSteps, totalSteps);
        MinRatio = schedule.MinLrRatio;
        TotalSteps = totalSteps;
    }

    /// <summary>Peak rate.</summary>
    public double Peak { get; }

    /// <summary>Warm-up steps w.</summary>
    public int Warmup { get; }

    /// <summary>Final rate / peak m.</summary>
    public double MinRatio { get; }

    /// <summary>N.</summary>
    public int TotalSteps { get; }

    /// <summary>The rate of 1-based step <paramref name="step"/>.</summary>
    /// <param name="step">1 … N (later steps keep the floor).</param>
    public double At(int step)
    {
        if (step < 1) throw new ArgumentException($"step ({step}) must be ≥ 1", nameof(step));
        if (step <= Warmup) return Peak * step / Warmup;
        if (MinRatio >= 1 || TotalSteps == Warmup) return Peak;
        double progress = Math.Min(1.0, (double)(step - Warmup) / (TotalSteps - Warmup));
        return Peak * (MinRatio + (1 - MinRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
