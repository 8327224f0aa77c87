using System;
using System.Collections.Generic;
using System.Text;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>One turn of a conversation.</summary>
/// <param name="Role"><c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The text.</param>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// The ChatML chat template of Qwen2/Qwen2.5 (and LLaVA-OneVision's Qwen2 language model):
/// <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message, then <c>&lt;|im_start|&gt;assistant\n</c>
/// as the generation prompt. The checkpoint's Jinja <c>chat_template</c> is not executed; its default system
/// prompt is recognised (<see cref="DefaultSystemPrompt"/>).
/// <para>Ids equal those of Hugging Face's <c>apply_chat_template(..., tokenize=True)</c> for any message that does not
/// itself spell a special token: the template's control tokens are inserted by id, and message text is encoded
/// literally, so a prompt that contains <c>&lt;|im_end|&gt;</c> cannot close its own turn (Hugging Face would parse it).</para>
/// </summary>
public static class ChatMlTemplate
{
    /// <summary>Qwen2.5's default system prompt (its chat template inserts it when no system message is given).</summary>
    public const string Qwen25SystemPrompt = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    /// <summary>Qwen2's and LLaVA-OneVision's default system prompt.</summary>
    public const string Qwen2SystemPrompt = "You are a helpful assistant.";

    /// <summary>
    /// The system prompt a checkpoint's chat template adds by default: Qwen2.5's or Qwen2's when the template
    /// spells it, none otherwise (Qwen3's template has none; so has a checkpoint without a template).
    /// </summary>
    /// <param name="chatTemplate">tokenizer_config.json's <c>chat_template</c>, or null.</param>
    public static string? DefaultSystemPrompt(string? chatTemplate) =>
        chatTemplate is null ? null
        : chatTemplate.Contains(Qwen25SystemPrompt, StringComparison.Ordinal) ? Qwen25SystemPrompt
        : chatTemplate.Contains(Qwen2SystemPrompt, StringComparison.Ordinal) ? Qwen2SystemPrompt
        : null;

    /// <summary>The messages for one user prompt: the system prompt (if any), then the user turn.</summary>
    /// <param name="prompt">The user's text.</param>
    /// <param name="system">A system prompt, or null for none.</param>
    public static IReadOnlyList<ChatMessage> Conversation(string prompt, string? system)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var messages = new List<ChatMessage>(2);
        if (system is not null)
        {
            messages.Add(new ChatMessage("system", system));
        }

        messages.Add(new ChatMessage("user", prompt));
        return messages;
    }

    /// <summary>The template's text (as Hugging Face renders it with <c>tokenize=False</c>).</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="addGenerationPrompt">End with <c>&lt;|im_start|&gt;assistant\n</c>.</param>
    public static string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new StringBuilder();
        foreach (var m in messages)
        {
            sb.Append("<|im_start|>").Append(m.Role).Append('\n').Append(m.Content).Append("<|im_end|>\n");
        }

        if (addGenerationPrompt)
        {
            sb.Append("<|im_start|>assistant\n");
        }

        return sb.ToString();
    }

    /// <summary>The template's ids.</summary>
    /// <param name="tokenizer">A tokenizer with <c>&lt;|im_start|&gt;</c> and <c>&lt;|im_end|&gt;</c>.</param>
    /// <param name="messages">The conversation.</param>
    /// <param name="addGenerationPrompt">End with <c>&lt;|im_start|&gt;assistant\n</c>.</param>
    /// <exception cref="ZooUserException">A tokenizer without the ChatML tokens.</exception>
    public static int[] Encode(Qwen2Tokenizer tokenizer, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(messages);
        int start = tokenizer.ImStart ?? throw NoChatMl(tokenizer);
        int end = tokenizer.ImEnd ?? throw NoChatMl(tokenizer);
        var ids = new List<int>();
        var newline = tokenizer.Encode("\n", addBos: false);
        foreach (var message in messages)
        {
            ids.Add(start);
            ids.AddRange(tokenizer.Encode(message.Role + "\n" + message.Content, addBos: false));
            ids.Add(end);
            ids.AddRange(newline);
        }

        if (addGenerationPrompt)
        {
            ids.Add(start);
            ids.AddRange(tokenizer.Encode("assistant\n", addBos: false));
        }

        return ids.ToArray();
    }

    private static ZooUserException NoChatMl(Qwen2Tokenizer tokenizer) =>
        new($"the tokenizer '{tokenizer.Files.Source}' has no <|im_start|>/<|im_end|> tokens, so the ChatML template cannot be applied; use --raw");
}
