using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;

namespace CrossLMM.Zoo.Notebooks.Runner.Execution;

/// <summary>A code cell ready for Roslyn: its kernel, and its C# with the handled magic lines blanked.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Kernel">The kernel it runs in (<c>csharp</c>, <c>fsharp</c>, …).</param>
/// <param name="Code">C# to compile (null for a cell of another kernel); every removed line is blank, so
/// line numbers in compiler messages are the cell's own.</param>
/// <param name="Removed">The magic lines removed, as <c>line N: text</c>.</param>
public sealed record PreparedCell(NotebookCell Cell, string Kernel, string? Code, IReadOnlyList<string> Removed)
{
    /// <summary>Whether the cell runs as C#.</summary>
    public bool IsCSharp => Code is not null;
}

/// <summary>
/// How the runner treats the lines Polyglot handles before C# sees them. Each rule is deliberate; anything
/// else that looks like a magic fails, so a notebook never silently differs from what Polyglot would do:
/// <list type="bullet">
/// <item>A first line <c>#!csharp</c> (or <c>#!c#</c>) selects C# and is removed; <c>#!fsharp</c>, <c>#!pwsh</c>,
/// <c>#!html</c>, … select another kernel, and the cell is skipped (and reported).</item>
/// <item><c>#r "path/to/Assembly.dll"</c> is removed when the runner already references an assembly of that
/// name (the notebook's path points at a Debug build; the runner uses whatever build it was compiled with).</item>
/// <item><c>#r "nuget: Package, 1.2.3"</c> is removed when the package is on the allow-list (packages the runner
/// already references); scripts cannot restore packages.</item>
/// <item>Harmless magics that only report on the kernel (<c>#!time</c>, <c>#!about</c>, <c>#!lsmagic</c>,
/// <c>#!who</c>, <c>#!whos</c>) are removed.</item>
/// <item>Any other <c>#!</c> line, <c>#r</c> of an unknown assembly or package, <c>#i</c> and <c>#load</c> throw
/// <see cref="NotebookCellException"/> naming the notebook, cell and line.</item>
/// </list>
/// </summary>
public static class MagicLines
{
    /// <summary>Magics that only report on the kernel: removed.</summary>
    public static IReadOnlyCollection<string> Harmless { get; } = new[] { "#!time", "#!about", "#!lsmagic", "#!who", "#!whos" };

    private static readonly string[] CSharpSelectors = { "#!csharp", "#!c#", "#!C#" };

    private static readonly Dictionary<string, string> OtherKernels = new(StringComparer.Ordinal)
    {
        ["#!fsharp"] = "fsharp",
        ["#!f#"] = "fsharp",
        ["#!F#"] = "fsharp",
        ["#!pwsh"] = "pwsh",
        ["#!powershell"] = "pwsh",
        ["#!javascript"] = "javascript",
        ["#!js"] = "javascript",
        ["#!html"] = "html",
        ["#!markdown"] = "markdown",
        ["#!mermaid"] = "mermaid",
        ["#!sql"] = "sql",
        ["#!kql"] = "kql",
        ["#!http"] = "http",
        ["#!value"] = "value",
    };

    /// <summary>Prepares a code cell.</summary>
    /// <param name="notebook">The notebook's name (for messages).</param>
    /// <param name="cell">A code cell.</param>
    /// <param name="codeCellNumber">Its position among the code cells, from 1 (for messages).</param>
    /// <param name="referencedAssemblies">Simple names of the assemblies the runner references.</param>
    /// <param name="allowedPackages">NuGet package ids a <c>#r "nuget:"</c> line may name.</param>
    /// <exception cref="NotebookCellException">An unsupported magic line.</exception>
    public static PreparedCell Prepare(string notebook, NotebookCell cell, int codeCellNumber, IReadOnlyCollection<string> referencedAssemblies, IReadOnlyCollection<string> allowedPackages)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(referencedAssemblies);
        ArgumentNullException.ThrowIfNull(allowedPackages);
        var lines = cell.Source.Replace("\r\n", "\n").Split('\n');
        var removed = new List<string>();
        string kernel = cell.KernelName;
        int first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first >= 0)
        {
            string head = FirstWord(lines[first]);
            if (CSharpSelectors.Contains(head))
            {
                kernel = NotebookDocument.CSharpKernel;
                Remove(lines, first, removed);
            }
            else if (OtherKernels.TryGetValue(head, out var other))
            {
                kernel = other;
            }
        }

        if (!IsCSharp(kernel))
        {
            return new PreparedCell(cell, kernel, null, removed);
        }

        Exception Fail(int line, string why) => new NotebookCellException(
            notebook, cell.Number, codeCellNumber, CellFailureKind.Magic,
            $"{notebook}: cell {cell.Number} (code cell {codeCellNumber}), line {line + 1}: {why}",
            new[] { lines[line].Trim() });

        for (int i = 0; i < lines.Length; i++)
        {
            string text = lines[i].Trim();
            string word = FirstWord(text);
            if (word == "#r")
            {
                string argument = Argument(text);
                if (argument.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
                {
                    string package = argument["nuget:".Length..].Split(',')[0].Trim();
                    if (!allowedPackages.Contains(package, StringComparer.OrdinalIgnoreCase))
                    {
                        throw Fail(i, $"#r \"nuget: {package}\" is not supported: the runner cannot restore packages, and {package} is not one it already references (allowed: {List(allowedPackages)})");
                    }
                }
                else
                {
                    string assembly = Path.GetFileNameWithoutExtension(argument.Replace('\\', '/'));
                    if (assembly.Length == 0 || !referencedAssemblies.Contains(assembly, StringComparer.OrdinalIgnoreCase))
                    {
                        throw Fail(i, $"#r \"{argument}\" names an assembly the runner does not reference ({(assembly.Length == 0 ? "no file name" : assembly)}); it references: {List(referencedAssemblies)}");
                    }
                }

                Remove(lines, i, removed);
            }
            else if (word is "#i" or "#load")
            {
                throw Fail(i, $"{word} is not supported by the notebook runner (package sources and script files would make the notebook depend on this machine)");
            }
            else if (word.StartsWith("#!", StringComparison.Ordinal))
            {
                if (Harmless.Contains(word))
                {
                    Remove(lines, i, removed);
                }
                else if (CSharpSelectors.Contains(word) || OtherKernels.ContainsKey(word))
                {
                    throw Fail(i, $"the kernel selector {word} must be the first line of the cell");
                }
                else
                {
                    throw Fail(i, $"magic command {word} is not supported by the notebook runner (supported: a first-line #!csharp, #r of referenced assemblies and allowed packages, {string.Join(", ", Harmless)})");
                }
            }
        }

        return new PreparedCell(cell, NotebookDocument.CSharpKernel, string.Join("\n", lines), removed);
    }

    /// <summary>Whether a kernel name means C# (<c>csharp</c>, <c>C#</c>, <c>c#</c>).</summary>
    /// <param name="kernel">A kernel or language name.</param>
    public static bool IsCSharp(string kernel) =>
        string.Equals(kernel, "csharp", StringComparison.OrdinalIgnoreCase) || string.Equals(kernel, "c#", StringComparison.OrdinalIgnoreCase);

    private static void Remove(string[] lines, int index, List<string> removed)
    {
        removed.Add($"line {index + 1}: {lines[index].Trim()}");
        lines[index] = string.Empty;
    }

    private static string FirstWord(string line)
    {
        string text = line.TrimStart();
        int end = text.IndexOfAny(new[] { ' ', '\t' });
        return end < 0 ? text.TrimEnd() : text[..end];
    }

    // #r "x" → x; #r x → x.
    private static string Argument(string line)
    {
        string rest = line[2..].Trim();
        return rest.Length >= 2 && rest[0] == '"' && rest[^1] == '"' ? rest[1..^1].Trim() : rest;
    }

    private static string List(IEnumerable<string> names)
    {
        var sorted = names.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray();
        return sorted.Length == 0 ? "none" : string.Join(", ", sorted);
    }
}
