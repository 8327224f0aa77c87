using System.IO;


namespace CrossLMM.Zoo.Engine;

/// <summary>
/// A safetensors file that does not follow the format. The message names the file, the tensor (when
/// one is at fault) and the offending values; <see cref="FilePath"/> and <see cref="TensorName"/>
/// carry the same facts for code.
/// </summary>
public sealed class SafetensorsFormatException : IOException
{
    public SafetensorsFormatException(string filePath, string? tensorName, string problem)
        : base(Format(filePath, tensorName, problem))
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The file that was being read.</summary>
    public string FilePath { get; }

    /// <summary>The tensor whose entry is wrong, or null when the fault is in the file as a whole.</summary>
    public string? TensorName { get; }

    /// <summary>The fault alone, without file and tensor.</summary>
    public string Problem { get; }

    private static string Format(string filePath, string? tensorName, string problem) =>
        tensorName is null
            ? $"safetensors file '{filePath}': {problem}"
            : $"safetensors file '{filePath}', tensor '{tensorName}': {problem}";
}
