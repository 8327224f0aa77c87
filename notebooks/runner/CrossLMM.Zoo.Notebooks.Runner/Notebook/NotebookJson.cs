using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrossLMM.Zoo.Notebooks.Runner.Notebook;

/// <summary>
/// Writes notebook JSON the way Jupyter's nbformat does (<c>json.dumps(nb, sort_keys=True, indent=1,
/// ensure_ascii=False)</c> + a final newline): keys sorted, one-space indentation, non-ASCII text kept.
/// The same document always gives the same bytes, so a re-run that changes nothing leaves no diff.
/// </summary>
public static class NotebookJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 1,
        IndentCharacter = ' ',
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The JSON text of <paramref name="node"/>, keys sorted at every level, ending with a newline.</summary>
    /// <param name="node">A notebook (or any JSON).</param>
    public static string Write(JsonNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            WriteNode(writer, node);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(kv => kv.Key, System.StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteNode(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteNode(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
