using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrossLMM.Zoo.Notebooks.Runner.Notebook;

/// <summary>What a cell holds.</summary>
public enum CellKind
{
    /// <summary>Code, run by a kernel.</summary>
    Code,

    /// <summary>Markdown text.</summary>
    Markdown,

    /// <summary>Raw text, never run.</summary>
    Raw,
}

/// <summary>One cell of a <see cref="NotebookDocument"/> (a view over its JSON; unknown fields are kept).</summary>
public sealed class NotebookCell
{
    private readonly NotebookDocument _owner;

    internal NotebookCell(NotebookDocument owner, JsonObject json, int index)
    {
        _owner = owner;
        Json = json;
        Index = index;
        Kind = (json["cell_type"]?.GetValue<string>()) switch
        {
            "code" => CellKind.Code,
            "markdown" => CellKind.Markdown,
            "raw" => CellKind.Raw,
            var other => throw new FormatException($"{owner.Name}: cell {index + 1} has cell_type '{other ?? "(none)"}'; expected code, markdown or raw"),
        };
    }

    /// <summary>Position in the notebook, from 0.</summary>
    public int Index { get; }

    /// <summary>Position in the notebook, from 1 (how errors name the cell).</summary>
    public int Number => Index + 1;

    /// <summary>Code, markdown or raw.</summary>
    public CellKind Kind { get; }

    /// <summary>The cell's text.</summary>
    public string Source => NotebookText.Join(Json["source"]);

    /// <summary>
    /// The kernel of a code cell as the notebook states it: <c>metadata.polyglot_notebook.kernelName</c>, else
    /// <c>metadata.dotnet_interactive.language</c>, else the notebook's default kernel (a <c>#!fsharp</c>-style
    /// first line overrides all of these when the cell runs).
    /// </summary>
    public string KernelName =>
        Json["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
        ?? Json["metadata"]?["dotnet_interactive"]?["language"]?.GetValue<string>()
        ?? _owner.DefaultKernel;

    /// <summary>The saved outputs (code cells; empty otherwise).</summary>
    public IReadOnlyList<CellOutput> Outputs =>
        (Json["outputs"] as JsonArray)?.Select(o => CellOutput.FromJson(o as JsonObject ?? throw new FormatException($"{_owner.Name}: cell {Number} has an output that is not an object"))).ToArray()
        ?? Array.Empty<CellOutput>();

    /// <summary>The saved execution count (null when never run).</summary>
    public int? ExecutionCount => Json["execution_count"]?.GetValue<int>();

    internal JsonObject Json { get; }

    /// <summary>Replaces the outputs and the execution count of a code cell.</summary>
    /// <param name="outputs">The new outputs.</param>
    /// <param name="executionCount">The new count (null = not run).</param>
    public void SetOutputs(IEnumerable<CellOutput> outputs, int? executionCount)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (Kind != CellKind.Code)
        {
            throw new InvalidOperationException($"{_owner.Name}: cell {Number} is {Kind.ToString().ToLowerInvariant()}, not code");
        }

        Json["outputs"] = new JsonArray(outputs.Select(o => (JsonNode?)o.ToJson()).ToArray());
        Json["execution_count"] = executionCount;
    }
}

/// <summary>
/// A Jupyter notebook (nbformat 4) as written by Polyglot Notebooks in VS Code, with the .NET Interactive C#
/// kernel metadata. Reading keeps every field; writing (<see cref="ToJson"/>) is deterministic.
/// </summary>
public sealed class NotebookDocument
{
    /// <summary>The kernel name Polyglot uses for C#.</summary>
    public const string CSharpKernel = "csharp";

    private readonly JsonObject _json;
    private readonly NotebookCell[] _cells;

    private NotebookDocument(JsonObject json, string name, string? path)
    {
        _json = json;
        Name = name;
        Path = path;
        if (json["nbformat"]?.GetValue<int>() != 4)
        {
            throw new FormatException($"{name}: nbformat {json["nbformat"]?.ToJsonString() ?? "(missing)"} is not supported; expected 4");
        }

        var cells = json["cells"] as JsonArray ?? throw new FormatException($"{name}: no cells array");
        _cells = cells.Select((c, i) => new NotebookCell(this, c as JsonObject ?? throw new FormatException($"{name}: cell {i + 1} is not an object"), i)).ToArray();
    }

    /// <summary>The file name (<c>01-tour.ipynb</c>), used in every message.</summary>
    public string Name { get; }

    /// <summary>The file it was loaded from, or null for an in-memory notebook.</summary>
    public string? Path { get; }

    /// <summary>The cells, in order.</summary>
    public IReadOnlyList<NotebookCell> Cells => _cells;

    /// <summary>The notebook's metadata object.</summary>
    public JsonObject Metadata => _json["metadata"] as JsonObject ?? new JsonObject();

    /// <summary>
    /// The default kernel: <c>metadata.polyglot_notebook.kernelInfo.defaultKernelName</c>, else <c>csharp</c>
    /// when <c>metadata.kernelspec</c> names the .NET C# kernel, else the kernelspec's language in lower case.
    /// </summary>
    public string DefaultKernel
    {
        get
        {
            var meta = _json["metadata"];
            if (meta?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() is { } polyglot)
            {
                return polyglot;
            }

            string? language = meta?["kernelspec"]?["language"]?.GetValue<string>();
            string? name = meta?["kernelspec"]?["name"]?.GetValue<string>();
            return name == ".net-csharp" || language == "C#" ? CSharpKernel : (language ?? string.Empty).ToLowerInvariant();
        }
    }

    /// <summary>
    /// Whether the notebook carries the metadata VS Code's Polyglot extension needs to open it with the C#
    /// kernel: <c>kernelspec</c> <c>.net-csharp</c>/<c>C#</c>, and <c>polyglot_notebook.kernelInfo</c> with
    /// default kernel <c>csharp</c> listed among its kernels.
    /// </summary>
    public bool HasCSharpKernelMetadata
    {
        get
        {
            var meta = _json["metadata"];
            var items = meta?["polyglot_notebook"]?["kernelInfo"]?["items"] as JsonArray;
            return meta?["kernelspec"]?["name"]?.GetValue<string>() == ".net-csharp"
                && meta?["kernelspec"]?["language"]?.GetValue<string>() == "C#"
                && meta?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() == CSharpKernel
                && items is not null && items.Any(i => i?["name"]?.GetValue<string>() == CSharpKernel);
        }
    }

    /// <summary>Reads a notebook file.</summary>
    /// <param name="path">An .ipynb file.</param>
    /// <exception cref="FormatException">Not valid JSON, or not an nbformat 4 notebook.</exception>
    public static NotebookDocument Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), System.IO.Path.GetFileName(path), System.IO.Path.GetFullPath(path));
    }

    /// <summary>Reads notebook JSON.</summary>
    /// <param name="json">The text of an .ipynb.</param>
    /// <param name="name">Its name for messages.</param>
    /// <param name="path">Its path, if it has one.</param>
    /// <exception cref="FormatException">Not valid JSON, or not an nbformat 4 notebook.</exception>
    public static NotebookDocument Parse(string json, string name, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(name);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{name}: not valid JSON: {e.Message}", e);
        }

        return new NotebookDocument(node as JsonObject ?? throw new FormatException($"{name}: the top level is not an object"), name, path);
    }

    /// <summary>A new C# notebook with Polyglot's metadata (for tests and for writing notebooks from code).</summary>
    /// <param name="name">Its name for messages (<c>demo.ipynb</c>).</param>
    /// <param name="cells">Kind and source of each cell.</param>
    public static NotebookDocument Create(string name, IEnumerable<(CellKind Kind, string Source)> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var array = new JsonArray();
        foreach (var (kind, source) in cells)
        {
            array.Add(NewCell(kind, source));
        }

        var json = new JsonObject
        {
            ["cells"] = array,
            ["metadata"] = CSharpMetadata(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 2,
        };
        return new NotebookDocument(json, name, null);
    }

    /// <summary>The notebook metadata Polyglot writes for a C# notebook.</summary>
    public static JsonObject CSharpMetadata() => new()
    {
        ["kernelspec"] = new JsonObject
        {
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
            ["name"] = ".net-csharp",
        },
        ["language_info"] = new JsonObject
        {
            ["file_extension"] = ".cs",
            ["mimetype"] = "text/x-csharp",
            ["name"] = "C#",
            ["pygments_lexer"] = "csharp",
            ["version"] = "13.0",
        },
        ["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = CSharpKernel,
                ["items"] = new JsonArray(new JsonObject
                {
                    ["aliases"] = new JsonArray(),
                    ["languageName"] = "C#",
                    ["name"] = CSharpKernel,
                }),
            },
        },
    };

    /// <summary>The notebook as nbformat JSON (sorted keys, one-space indent, final newline).</summary>
    public string ToJson() => NotebookJson.Write(_json);

    /// <summary>Writes the notebook (to <see cref="Path"/> when <paramref name="path"/> is null).</summary>
    /// <param name="path">Target file.</param>
    public void Save(string? path = null)
    {
        string target = path ?? Path ?? throw new InvalidOperationException($"{Name} has no path; pass one");
        File.WriteAllText(target, ToJson());
    }

    private static JsonObject NewCell(CellKind kind, string source)
    {
        var cell = new JsonObject
        {
            ["cell_type"] = kind.ToString().ToLowerInvariant(),
            ["metadata"] = new JsonObject(),
            ["source"] = NotebookText.Split(source),
        };
        if (kind == CellKind.Code)
        {
            cell["metadata"] = new JsonObject
            {
                ["dotnet_interactive"] = new JsonObject { ["language"] = CSharpKernel },
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = CSharpKernel },
            };
            cell["execution_count"] = null;
            cell["outputs"] = new JsonArray();
        }

        return cell;
    }
}
