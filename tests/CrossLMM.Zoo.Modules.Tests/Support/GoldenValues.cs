namespace CrossLMM.Zoo.Modules.Tests.Support;

/// <summary>Numbers pinned from seeded tiny blocks (see the tests that use them); a change means the math changed.</summary>
public static class GoldenValues
{
    /// <summary>First four outputs of the seeded Qwen2 layer (hidden 16, seed 2024).</summary>
    public static readonly double[] Qwen2Layer = { 0.682673454284668, -0.4549820125102997, 0.13060609996318817, 0.8691712021827698 };

    /// <summary>Sum of all its 48 outputs.</summary>
    public const double Qwen2LayerSum = 13.992374546825886;

    /// <summary>Its last output.</summary>
    public const double Qwen2LayerLast = -1.9517223834991455;
}
