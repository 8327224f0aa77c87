using System;
using System.Collections.Generic;
using System.Text;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>
/// GPT-2's reversible byte ↔ character map (<c>bytes_to_unicode</c> in OpenAI's encoder.py and in Hugging Face's
/// <c>ByteLevel</c> pre-tokenizer/decoder): printable bytes map to themselves, the others to U+0100 onwards, so
/// that every byte-level BPE token is a printable string (<c>Ġ</c> is the space byte).
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte = Invert(ByteToChar);

    /// <summary>The character that stands for <paramref name="b"/> in a token's spelling.</summary>
    /// <param name="b">A byte.</param>
    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>The bytes a byte-level token spelling stands for, or null if a character is outside the alphabet
    /// (an added token spelled in plain text).</summary>
    /// <param name="token">A vocabulary entry, e.g. <c>Ġhello</c>.</param>
    public static byte[]? Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!CharToByte.TryGetValue(token[i], out bytes[i]))
            {
                return null;
            }
        }

        return bytes;
    }

    /// <summary>Spells UTF-8 text in the byte alphabet (<c>" hi"</c> → <c>Ġhi</c>).</summary>
    /// <param name="text">Any text.</param>
    public static string Spell(string text)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            sb.Append(ByteToChar[b]);
        }

        return sb.ToString();
    }

    private static char[] Build()
    {
        var map = new char[256];
        var printable = new bool[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            map[b] = printable[b] ? (char)b : (char)(256 + next++);
        }

        return map;
    }

    private static Dictionary<char, byte> Invert(char[] map)
    {
        var inverse = new Dictionary<char, byte>(256);
        for (int b = 0; b < 256; b++)
        {
            inverse[map[b]] = (byte)b;
        }

        return inverse;
    }
}
