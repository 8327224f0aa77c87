using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>A prompt whose <c>&lt;video&gt;</c> placeholder was expanded, split around it for the model.</summary>
/// <param name="Ids">The ids the model sees: the placeholder repeated once per visual token (what Hugging Face's processor feeds).</param>
/// <param name="TextIds">The ids without the placeholder run (the text the zoo's VideoLmm embeds).</param>
/// <param name="VideoPosition">Where the run starts: the visual tokens go before <c>TextIds[VideoPosition]</c>.</param>
/// <param name="VisualTokens">The run's length.</param>
public sealed record ExpandedVideoPrompt(int[] Ids, int[] TextIds, int VideoPosition, long VisualTokens);

/// <summary>
/// LLaVA-OneVision's prompt for one video: its chat template (<c>&lt;|im_start|&gt;user\n&lt;video&gt;\n…&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n</c>,
/// as the released <c>llava-hf/llava-onevision-*</c> processors render a user turn with one video; no default system
/// message), then the one <c>&lt;video&gt;</c> placeholder expanded to the model's visual token count, as
/// <c>LlavaOnevisionProcessor</c> does (frames × pooled grid + 1 newline).
/// </summary>
public static class VideoPrompt
{
    /// <summary>The placeholder's spelling.</summary>
    public const string Placeholder = "<video>";

    /// <summary>Encodes and expands a prompt.</summary>
    /// <param name="tokenizer">The checkpoint's tokenizer; must know <c>&lt;video&gt;</c>.</param>
    /// <param name="prompt">The user's text, or with <paramref name="raw"/> the whole text (which must contain one <c>&lt;video&gt;</c>).</param>
    /// <param name="raw">Skip the template (special tokens are parsed).</param>
    /// <param name="system">A system message, or null for none.</param>
    /// <param name="videoTokenId">config.json's <c>video_token_index</c>.</param>
    /// <param name="visualTokens">The model's visual tokens for this video.</param>
    /// <exception cref="ZooUserException">A tokenizer without the placeholder, or a prompt with none or several.</exception>
    public static ExpandedVideoPrompt Encode(Qwen2Tokenizer tokenizer, string prompt, bool raw, string? system, int videoTokenId, long visualTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        if (tokenizer.Id(Placeholder) is not int id || id != videoTokenId)
        {
            throw new ZooUserException($"the tokenizer '{tokenizer.Files.Source}' has no {Placeholder} token with config.json's video_token_index {videoTokenId}");
        }

        int[] ids;
        if (raw)
        {
            ids = tokenizer.Encode(prompt, addBos: false, parseSpecialTokens: true);
        }
        else
        {
            var head = new List<int>();
            if (system is not null)
            {
                head.AddRange(ChatMlTemplate.Encode(tokenizer, new[] { new ChatMessage("system", system) }, addGenerationPrompt: false));
            }

            int start = tokenizer.ImStart ?? throw new ZooUserException($"the tokenizer '{tokenizer.Files.Source}' has no <|im_start|>; use --raw");
            int end = tokenizer.ImEnd ?? throw new ZooUserException($"the tokenizer '{tokenizer.Files.Source}' has no <|im_end|>; use --raw");
            head.Add(start);
            head.AddRange(tokenizer.Encode("user\n", addBos: false));
            head.Add(id);
            head.AddRange(tokenizer.Encode("\n" + prompt, addBos: false));   // the user's text is encoded literally
            head.Add(end);
            head.AddRange(tokenizer.Encode("\n", addBos: false));
            head.Add(start);
            head.AddRange(tokenizer.Encode("assistant\n", addBos: false));
            ids = head.ToArray();
        }

        return Expand(ids, id, visualTokens);
    }

    /// <summary>Replaces the one placeholder id in <paramref name="ids"/> by <paramref name="visualTokens"/> copies.</summary>
    /// <param name="ids">Ids with one placeholder.</param>
    /// <param name="videoTokenId">The placeholder id.</param>
    /// <param name="visualTokens">Copies, ≥ 1.</param>
    /// <exception cref="ZooUserException">No placeholder or several.</exception>
    public static ExpandedVideoPrompt Expand(int[] ids, int videoTokenId, long visualTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int count = ids.Count(i => i == videoTokenId);
        if (count != 1)
        {
            throw new ZooUserException(count == 0
                ? $"the prompt has no {Placeholder} placeholder (id {videoTokenId}); with --raw, write it where the video goes"
                : $"the prompt has {count} {Placeholder} placeholders; one video per prompt is supported");
        }

        int at = Array.IndexOf(ids, videoTokenId);
        var text = ids.Where(i => i != videoTokenId).ToArray();
        var expanded = ids.Take(at).Concat(Enumerable.Repeat(videoTokenId, checked((int)visualTokens))).Concat(ids.Skip(at + 1)).ToArray();
        return new ExpandedVideoPrompt(expanded, text, at, visualTokens);
    }
}
