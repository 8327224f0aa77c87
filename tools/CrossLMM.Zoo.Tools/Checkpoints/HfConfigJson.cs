using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>Reading a Hugging Face <c>config.json</c>: the file's errors as one-line messages, and its architecture.</summary>
public static class HfConfigJson
{
    /// <summary>Every architecture the zoo loads.</summary>
    public static readonly IReadOnlyList<string> Architectures = new[] { "Qwen2ForCausalLM", "SiglipVisionModel", "LlavaOnevisionForConditionalGeneration" };

    /// <summary>Parses <paramref name="path"/> with <paramref name="parse"/>.</summary>
    /// <typeparam name="T">What the file describes.</typeparam>
    /// <param name="path">The config.json.</param>
    /// <param name="parse">Reads the root object (its second argument is the path, for messages).</param>
    /// <exception cref="ZooUserException">A missing or malformed file, or a value of the wrong JSON type.</exception>
    public static T Read<T>(string path, Func<JsonElement, string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (!File.Exists(path))
        {
            throw new ZooUserException($"config.json not found: '{path}' (a Hugging Face checkpoint folder holds config.json, model.safetensors and tokenizer.json)");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return parse(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new ZooUserException($"malformed '{path}': {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new ZooUserException($"unexpected value in '{path}': {e.Message}", e);
        }
    }

    /// <summary>The first entry of <c>architectures</c>, else one implied by <c>model_type</c>, else "".</summary>
    /// <param name="root">The config object.</param>
    public static string Architecture(JsonElement root)
    {
        if (root.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0)
        {
            return a[0].GetString() ?? "";
        }

        return (root.TryGetProperty("model_type", out var mt) ? mt.GetString() : null) switch
        {
            "qwen2" => "Qwen2ForCausalLM",
            "siglip_vision_model" => "SiglipVisionModel",
            "llava_onevision" => "LlavaOnevisionForConditionalGeneration",
            _ => "",
        };
    }

    /// <summary>The architecture of the checkpoint in <paramref name="folder"/> (reads config.json only).</summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <exception cref="ZooUserException">No folder, no or a malformed config.json, or an architecture the zoo does not load.</exception>
    public static string ArchitectureOf(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new ZooUserException($"checkpoint folder not found: '{folder}'");
        }

        string path = Path.Combine(folder, "config.json");
        string architecture = Read(path, (root, _) => Architecture(root));
        if (!((IList<string>)Architectures).Contains(architecture))
        {
            throw new ZooUserException($"'{path}' describes {(architecture.Length > 0 ? architecture : "no architecture")}; the zoo loads {string.Join(", ", Architectures)} checkpoints");
        }

        return architecture;
    }
}
