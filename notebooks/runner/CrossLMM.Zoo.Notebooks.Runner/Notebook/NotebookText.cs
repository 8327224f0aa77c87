using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace CrossLMM.Zoo.Notebooks.Runner.Notebook;

/// <summary>nbformat's multi-line strings: stored as a list of lines, each but the last ending in <c>\n</c>.</summary>
public static class NotebookText
{
    /// <summary>The text as nbformat's list of lines (empty text → empty list).</summary>
    /// <param name="text">Any text; <c>\r\n</c> is normalised to <c>\n</c>.</param>
    public static JsonArray Split(string text)
    {
        var lines = new JsonArray();
        foreach (string line in Lines(text))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>The lines of <paramref name="text"/> with their <c>\n</c> kept (what <see cref="Split"/> stores).</summary>
    /// <param name="text">Any text.</param>
    public static IEnumerable<string> Lines(string text)
    {
        string normal = (text ?? string.Empty).Replace("\r\n", "\n");
        int start = 0;
        while (start < normal.Length)
        {
            int nl = normal.IndexOf('\n', start);
            int end = nl < 0 ? normal.Length : nl + 1;
            yield return normal[start..end];
            start = end;
        }
    }

    /// <summary>A string or a list of strings (nbformat allows both) as one string.</summary>
    /// <param name="node">A JSON string, array of strings, or null.</param>
    public static string Join(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonArray lines => lines.Aggregate(new StringBuilder(), (sb, l) => sb.Append(l?.GetValue<string>())).ToString(),
        _ => node.GetValue<string>(),
    };
}
