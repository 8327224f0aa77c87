using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace CrossLMM.Zoo.Notebooks.Runner.Notebook;

/// <summary>
/// One output of a code cell, as Jupyter's nbformat 4 stores it: console text (<c>stream</c>), a value shown
/// with <c>display()</c> (<c>display_data</c>), the value of the cell's trailing expression
/// (<c>execute_result</c>), or an error.
/// </summary>
public abstract record CellOutput
{
    /// <summary>The nbformat <c>output_type</c>.</summary>
    public abstract string OutputType { get; }

    /// <summary>The output as nbformat JSON (multi-line text as a list of lines).</summary>
    public abstract JsonObject ToJson();

    /// <summary>Reads an output from nbformat JSON.</summary>
    /// <param name="json">An element of a cell's <c>outputs</c>.</param>
    /// <exception cref="FormatException">Not an nbformat 4 output.</exception>
    public static CellOutput FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string type = json["output_type"]?.GetValue<string>() ?? throw new FormatException("an output has no output_type");
        return type switch
        {
            "stream" => new StreamOutput(json["name"]?.GetValue<string>() ?? "stdout", NotebookText.Join(json["text"])),
            "display_data" => new DisplayOutput(Data(json)),
            "execute_result" => new ResultOutput(Data(json), json["execution_count"]?.GetValue<int>() ?? 0),
            "error" => new ErrorOutput(
                json["ename"]?.GetValue<string>() ?? string.Empty,
                json["evalue"]?.GetValue<string>() ?? string.Empty,
                (json["traceback"] as JsonArray)?.Select(t => t?.GetValue<string>() ?? string.Empty).ToArray() ?? Array.Empty<string>()),
            _ => throw new FormatException($"unknown output_type '{type}'"),
        };
    }

    /// <summary>The MIME bundle of an output: MIME type → text.</summary>
    /// <param name="bundle">MIME type → data.</param>
    protected static JsonObject Bundle(IReadOnlyDictionary<string, string> bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var data = new JsonObject();
        foreach (var (mime, text) in bundle.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            data[mime] = NotebookText.Split(text);
        }

        return data;
    }

    private static IReadOnlyDictionary<string, string> Data(JsonObject json) =>
        (json["data"] as JsonObject ?? new JsonObject()).ToDictionary(kv => kv.Key, kv => NotebookText.Join(kv.Value), StringComparer.Ordinal);
}

/// <summary>Console text of a cell (<c>stdout</c> or <c>stderr</c>).</summary>
/// <param name="Name"><c>stdout</c> or <c>stderr</c>.</param>
/// <param name="Text">The text, newlines included.</param>
public sealed record StreamOutput(string Name, string Text) : CellOutput
{
    /// <inheritdoc/>
    public override string OutputType => "stream";

    /// <inheritdoc/>
    public override JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["output_type"] = OutputType,
        ["text"] = NotebookText.Split(Text),
    };
}

/// <summary>A value shown with <c>display()</c>.</summary>
/// <param name="Data">MIME type → text (<c>text/plain</c>, <c>image/svg+xml</c>, …).</param>
public sealed record DisplayOutput(IReadOnlyDictionary<string, string> Data) : CellOutput
{
    /// <summary>One MIME type.</summary>
    /// <param name="mimeType">The type.</param>
    /// <param name="text">The data.</param>
    public DisplayOutput(string mimeType, string text)
        : this(new Dictionary<string, string> { [mimeType] = text })
    {
    }

    /// <inheritdoc/>
    public override string OutputType => "display_data";

    /// <inheritdoc/>
    public override JsonObject ToJson() => new()
    {
        ["data"] = Bundle(Data),
        ["metadata"] = new JsonObject(),
        ["output_type"] = OutputType,
    };
}

/// <summary>The value of a cell's trailing expression (an expression without <c>;</c> at the end).</summary>
/// <param name="Data">MIME type → text.</param>
/// <param name="ExecutionCount">The cell's execution count.</param>
public sealed record ResultOutput(IReadOnlyDictionary<string, string> Data, int ExecutionCount) : CellOutput
{
    /// <inheritdoc/>
    public override string OutputType => "execute_result";

    /// <inheritdoc/>
    public override JsonObject ToJson() => new()
    {
        ["data"] = Bundle(Data),
        ["execution_count"] = ExecutionCount,
        ["metadata"] = new JsonObject(),
        ["output_type"] = OutputType,
    };
}

/// <summary>An error output (read from notebooks saved by a front end; the runner never saves one).</summary>
/// <param name="Name">Exception type.</param>
/// <param name="Value">Message.</param>
/// <param name="Traceback">Trace lines.</param>
public sealed record ErrorOutput(string Name, string Value, IReadOnlyList<string> Traceback) : CellOutput
{
    /// <inheritdoc/>
    public override string OutputType => "error";

    /// <inheritdoc/>
    public override JsonObject ToJson() => new()
    {
        ["ename"] = Name,
        ["evalue"] = Value,
        ["output_type"] = OutputType,
        ["traceback"] = new JsonArray(Traceback.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
    };
}
