using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Tools.Cost;

/// <summary>
/// The analytic cost model (<see cref="CostModel"/>, modules/Cost) over several architectures and frame
/// counts: one <see cref="CostReport"/> per (architecture, frames), architectures in the order given, frames
/// ascending. Nothing is allocated: 7b estimates are arithmetic.
/// </summary>
public static class CostSweep
{
    /// <summary>Runs the estimates.</summary>
    /// <param name="configs">Bound architectures (typically one preset).</param>
    /// <param name="frames">Frame counts (deduplicated and sorted).</param>
    /// <param name="textTokens">Text tokens L_t of the question.</param>
    /// <param name="options">Cost options (default: batch 1, LM head on the last position, bf16).</param>
    /// <exception cref="ZooUserException">A frame count an architecture cannot take (e.g. past a Perceiver's max_frames).</exception>
    public static IReadOnlyList<CostReport> Run(IEnumerable<ArchitectureConfig> configs, IEnumerable<int> frames, int textTokens, CostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(frames);
        var counts = frames.Distinct().OrderBy(f => f).ToArray();
        var reports = new List<CostReport>();
        foreach (var config in configs)
        {
            foreach (int t in counts)
            {
                try
                {
                    reports.Add(CostModel.Estimate(config, t, textTokens, options));
                }
                catch (ArgumentException e)
                {
                    throw new ZooUserException($"{config.Stem} at {t} frames: {FirstLine(e.Message)}", e);
                }
            }
        }

        return reports;
    }

    /// <summary>The components with FLOPs in any of the reports, in declaration order (the table's columns).</summary>
    /// <param name="reports">Reports.</param>
    public static IReadOnlyList<CostComponent> ActiveFlopComponents(IEnumerable<CostReport> reports)
    {
        var list = reports.ToList();
        return CostComponents.All.Where(c => list.Any(r => r.Prefill[c] != 0)).ToArray();
    }

    // ArgumentException appends " (Parameter 'x')" on a new line: the user needs only the first.
    internal static string FirstLine(string message)
    {
        int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        string text = cut >= 0 ? message[..cut] : message;
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        return (nl >= 0 ? text[..nl] : text).Trim();
    }
}
