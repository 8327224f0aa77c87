using System.Text.Encodings.Web;
using System.Text.Json;

namespace CrossLMM.Zoo.Cli.Infrastructure;

/// <summary>JSON for the text commands (<c>tokenize</c>, <c>generate</c>): snake_case keys as in Hugging Face's outputs, text unescaped.</summary>
internal static class JsonOutput
{
    /// <summary>The options.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };
}
