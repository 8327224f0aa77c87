using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace CrossLMM.Zoo.Notebooks.Tests.Kernel;

/// <summary>A Jupyter notebook (nbformat 4) as the tests read it: cells, their outputs, the kernel metadata.</summary>
/// <param name="Name">The file name (<c>01-tour.ipynb</c>).</param>
/// <param name="KernelName">The kernelspec name (<c>.net-csharp</c>).</param>
/// <param name="Cells">All cells, markdown included, in order.</param>
internal sealed record NotebookFile(string Name, string? KernelName, IReadOnlyList<NotebookCell> Cells)
{
    public IEnumerable<NotebookCell> CodeCells => Cells.Where(c => c.IsCode);

    public static NotebookFile Load(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        string? kernel = root.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("kernelspec", out var spec)
            && spec.TryGetProperty("name", out var name) ? name.GetString() : null;
        var cells = new List<NotebookCell>();
        int code = 0;
        foreach (var (cell, index) in root.GetProperty("cells").EnumerateArray().Select((c, i) => (c, i)))
        {
            bool isCode = cell.GetProperty("cell_type").GetString() == "code";
            var outputs = isCode && cell.TryGetProperty("outputs", out var o) ? o.EnumerateArray().Select(CellOutput.Read).ToArray() : Array.Empty<CellOutput>();
            int? count = isCode && cell.TryGetProperty("execution_count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null;
            bool timed = isCode && cell.TryGetProperty("metadata", out var m) && m.TryGetProperty("execution", out var e)
                && e.TryGetProperty("shell.execute_reply", out _);
            cells.Add(new NotebookCell(index + 1, isCode ? ++code : 0, isCode, Text(cell.GetProperty("source")), outputs, count, timed));
        }

        return new NotebookFile(Path.GetFileName(path), kernel, cells);
    }

    // nbformat stores multi-line strings as a string or an array of lines.
    internal static string Text(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? string.Concat(value.EnumerateArray().Select(l => l.GetString()))
        : value.GetString() ?? "";
}

/// <summary>One cell.</summary>
/// <param name="Number">1-based among all cells (what a front end shows when it counts cells).</param>
/// <param name="CodeNumber">1-based among code cells; 0 for markdown.</param>
/// <param name="IsCode">A code cell.</param>
/// <param name="Source">Its text.</param>
/// <param name="Outputs">Its saved outputs.</param>
/// <param name="ExecutionCount">The kernel's execution count, if it ran.</param>
/// <param name="TimedByKernelClient">Whether Jupyter's kernel client recorded its execution (nbclient's <c>metadata.execution</c>).</param>
internal sealed record NotebookCell(int Number, int CodeNumber, bool IsCode, string Source, IReadOnlyList<CellOutput> Outputs, int? ExecutionCount, bool TimedByKernelClient)
{
    public string Where => IsCode ? $"cell {Number} (code cell {CodeNumber})" : $"cell {Number}";
}

/// <summary>One output: its type, a stream's name and text, the MIME types of display data, an error's name and value.</summary>
internal sealed record CellOutput(string OutputType, string? StreamName, string Text, IReadOnlyList<string> MimeTypes, string? ErrorName, string? ErrorValue)
{
    /// <summary><c>stream:stdout</c>, <c>display_data:image/svg+xml</c>, <c>error</c>.</summary>
    public string Kind => OutputType switch
    {
        "stream" => $"stream:{StreamName}",
        "error" => "error",
        _ => OutputType + ":" + string.Join(",", MimeTypes),
    };

    public static CellOutput Read(JsonElement output)
    {
        string type = output.GetProperty("output_type").GetString() ?? "";
        string? stream = output.TryGetProperty("name", out var n) ? n.GetString() : null;
        string text = output.TryGetProperty("text", out var t) ? NotebookFile.Text(t) : "";
        var data = output.TryGetProperty("data", out var d) ? d : default;
        var mimes = data.ValueKind == JsonValueKind.Object
            ? data.EnumerateObject().Select(p => p.Name).OrderBy(m => m, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();
        if (type != "stream" && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("text/plain", out var plain))
        {
            text = NotebookFile.Text(plain);
        }

        return new CellOutput(type, stream, text, mimes,
            output.TryGetProperty("ename", out var en) ? en.GetString() : null,
            output.TryGetProperty("evalue", out var ev) ? ev.GetString() : null);
    }
}
