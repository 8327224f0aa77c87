using System.Collections.Generic;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Measurement;

namespace CrossLMM.Zoo.Tools.Comparison;

/// <summary>Everything <c>zoo compare</c> computed and measured.</summary>
/// <param name="Options">What was asked.</param>
/// <param name="Cost">Analytic reports, per architecture (catalogue order) then frames.</param>
/// <param name="Measurements">Measured prefill cases, per architecture then frames (empty without measurement).</param>
/// <param name="Machine">Where the measurements ran.</param>
/// <param name="CostSeconds">Time spent on the analytic model.</param>
/// <param name="MeasureSeconds">Time spent measuring.</param>
public sealed record ComparisonResult(
    ComparisonOptions Options,
    IReadOnlyList<CostReport> Cost,
    IReadOnlyList<PrefillMeasurement> Measurements,
    MachineInfo Machine,
    double CostSeconds,
    double MeasureSeconds);
