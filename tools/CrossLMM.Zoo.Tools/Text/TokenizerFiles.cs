using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>A token the tokenizer matches in the text before BPE (Hugging Face's <c>added_tokens</c>).</summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">Its spelling, e.g. <c>&lt;|im_end|&gt;</c>.</param>
/// <param name="Special">Special tokens are control tokens: skipped when decoding with <c>skip_special_tokens</c>, and
/// matched in the text only when special tokens are parsed.</param>
public sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>
/// What a byte-level BPE tokenizer is made of, as read from a Hugging Face checkpoint: <c>tokenizer.json</c>
/// (the <c>tokenizers</c> library's format), or <c>vocab.json</c> + <c>merges.txt</c> with the added tokens of
/// <c>tokenizer_config.json</c>; plus the <c>eos_token</c>, <c>pad_token</c> and <c>chat_template</c> of
/// <c>tokenizer_config.json</c> when it sits beside them.
/// </summary>
/// <param name="Source">The file (or folder) it was read from.</param>
/// <param name="Vocab">Token spelling (byte alphabet, see <see cref="ByteLevelAlphabet"/>) → id.</param>
/// <param name="Merges">BPE merges in priority order, each "left right".</param>
/// <param name="AddedTokens">Tokens matched before BPE.</param>
/// <param name="PreTokenizerPattern">The regex that splits text into words before BPE.</param>
/// <param name="NormalizeNfc">Whether text is NFC-normalised first (Qwen2: yes).</param>
/// <param name="EosToken">tokenizer_config.json's <c>eos_token</c>, or null.</param>
/// <param name="PadToken">tokenizer_config.json's <c>pad_token</c>, or null.</param>
/// <param name="ChatTemplate">tokenizer_config.json's <c>chat_template</c> (Jinja source, not executed), or null.</param>
public sealed record TokenizerFiles(
    string Source,
    IReadOnlyDictionary<string, int> Vocab,
    IReadOnlyList<string> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    string PreTokenizerPattern,
    bool NormalizeNfc,
    string? EosToken,
    string? PadToken,
    string? ChatTemplate)
{
    /// <summary>Qwen2's pre-tokenizer regex (the <c>Split</c> step of its tokenizer.json).</summary>
    public const string QwenPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>
    /// Reads a tokenizer from a <c>tokenizer.json</c> file, or from a folder holding <c>tokenizer.json</c> or
    /// <c>vocab.json</c> + <c>merges.txt</c>.
    /// </summary>
    /// <param name="path">A file or a checkpoint folder.</param>
    /// <exception cref="ZooUserException">Missing files, malformed JSON, or a tokenizer that is not byte-level BPE.</exception>
    public static TokenizerFiles Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string folder;
        string? json = null;
        if (Directory.Exists(path))
        {
            folder = path;
            string candidate = Path.Combine(path, "tokenizer.json");
            if (File.Exists(candidate))
            {
                json = candidate;
            }
            else if (!File.Exists(Path.Combine(path, "vocab.json")) || !File.Exists(Path.Combine(path, "merges.txt")))
            {
                throw new ZooUserException($"no tokenizer in '{path}': it holds neither tokenizer.json nor vocab.json + merges.txt");
            }
        }
        else if (File.Exists(path))
        {
            json = path;
            folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        }
        else
        {
            throw new ZooUserException($"tokenizer not found: '{path}'");
        }

        var config = ReadConfig(Path.Combine(folder, "tokenizer_config.json"));
        try
        {
            return json is not null ? FromTokenizerJson(json, config) : FromVocabAndMerges(folder, config);
        }
        catch (JsonException e)
        {
            throw new ZooUserException($"malformed tokenizer file in '{path}': {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new ZooUserException($"unexpected tokenizer file layout in '{path}': {e.Message}", e);
        }
    }

    private sealed record ConfigFields(string? Eos, string? Pad, string? Template, IReadOnlyList<AddedToken> Added);

    private static TokenizerFiles FromTokenizerJson(string path, ConfigFields config)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var model = root.GetProperty("model");
        string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (type != "BPE")
        {
            throw new ZooUserException($"'{path}' holds a {(type.Length > 0 ? type : "untyped")} model; the zoo reads byte-level BPE tokenizers (Qwen2, Qwen2.5, Qwen3, LLaVA-OneVision)");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocab[entry.Name] = entry.Value.GetInt32();
        }

        var merges = new List<string>();
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            // Older files spell a merge "a b"; newer ones ["a", "b"] (tokens may then contain spaces).
            merges.Add(merge.ValueKind == JsonValueKind.Array
                ? merge[0].GetString() + " " + merge[1].GetString()
                : merge.GetString() ?? throw new FormatException("a merge is null"));
        }

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in addedTokens.EnumerateArray())
            {
                added.Add(new AddedToken(token.GetProperty("id").GetInt32(), token.GetProperty("content").GetString() ?? "",
                    token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True));
            }
        }

        bool byteLevel = Mentions(root, "pre_tokenizer", "ByteLevel") || Mentions(root, "decoder", "ByteLevel");
        if (!byteLevel)
        {
            throw new ZooUserException($"'{path}' is not a byte-level BPE tokenizer (no ByteLevel pre-tokenizer or decoder)");
        }

        bool nfc = false;
        if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object)
        {
            string kind = normalizer.GetProperty("type").GetString() ?? "";
            nfc = kind == "NFC" ? true : throw new ZooUserException($"'{path}' uses the {kind} normalizer; the zoo supports none or NFC");
        }

        string pattern = SplitPattern(root) ?? QwenPattern;
        return new TokenizerFiles(path, vocab, merges, added.Count > 0 ? added : config.Added, pattern, nfc, config.Eos, config.Pad, config.Template);
    }

    private static TokenizerFiles FromVocabAndMerges(string folder, ConfigFields config)
    {
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(Path.Combine(folder, "vocab.json")))
                    ?? throw new FormatException("vocab.json is null");
        var merges = File.ReadLines(Path.Combine(folder, "merges.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
            .ToList();
        return new TokenizerFiles(folder, vocab, merges, config.Added, QwenPattern, NormalizeNfc: true, config.Eos, config.Pad, config.Template);
    }

    private static ConfigFields ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            return new ConfigFields(null, null, null, Array.Empty<AddedToken>());
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            var added = new List<AddedToken>();
            if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in decoder.EnumerateObject())
                {
                    added.Add(new AddedToken(int.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture),
                        entry.Value.GetProperty("content").GetString() ?? "",
                        entry.Value.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True));
                }
            }

            string? template = null;
            if (root.TryGetProperty("chat_template", out var chat))
            {
                template = chat.ValueKind switch
                {
                    JsonValueKind.String => chat.GetString(),
                    JsonValueKind.Array => chat.EnumerateArray().Select(e => e.TryGetProperty("template", out var x) ? x.GetString() : null).FirstOrDefault(x => x is not null),
                    _ => null,
                };
            }

            return new ConfigFields(TokenText(root, "eos_token"), TokenText(root, "pad_token"), template, added);
        }
        catch (JsonException e)
        {
            throw new ZooUserException($"malformed '{path}': {e.Message}", e);
        }
    }

    private static string? TokenText(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var c) => c.GetString(),
            _ => null,
        };

    private static bool Mentions(JsonElement root, string property, string type) =>
        root.TryGetProperty(property, out var element) && element.ValueKind == JsonValueKind.Object && element.GetRawText().Contains($"\"{type}\"", StringComparison.Ordinal);

    private static string? SplitPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        IEnumerable<JsonElement> steps = pre.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToArray()
            : new[] { pre };
        foreach (var step in steps)
        {
            if (step.TryGetProperty("type", out var type) && type.GetString() == "Split"
                && step.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out var regex))
            {
                return regex.GetString();
            }
        }

        return null;
    }
}
