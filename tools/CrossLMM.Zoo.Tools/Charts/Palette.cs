using System.Collections.Generic;

namespace CrossLMM.Zoo.Tools.Charts;

/// <summary>
/// Series colours: Tableau 10 followed by ten darker companions, so up to 20 series get distinct colours;
/// beyond that colours repeat with a dash pattern (<see cref="Dash"/>) so lines stay distinguishable.
/// </summary>
public static class Palette
{
    /// <summary>The colours, in assignment order.</summary>
    public static IReadOnlyList<string> Colours { get; } = new[]
    {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
        "#1b4f72", "#a04000", "#7b241c", "#0e6655", "#1d6b2f", "#9a7d0a", "#5b2c6f", "#c0392b", "#4d3b2f", "#555555",
    };

    /// <summary>The colour of series <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based series index.</param>
    public static string Colour(int index) => Colours[((index % Colours.Count) + Colours.Count) % Colours.Count];

    /// <summary>A dash pattern for series past the palette (null: solid).</summary>
    /// <param name="index">Zero-based series index.</param>
    public static string? Dash(int index) => (index / Colours.Count) switch
    {
        0 => null,
        1 => "6 3",
        2 => "2 3",
        _ => "8 3 2 3",
    };
}
