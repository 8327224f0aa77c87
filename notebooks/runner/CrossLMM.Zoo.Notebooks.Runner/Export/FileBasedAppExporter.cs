using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CrossLMM.Zoo.Notebooks.Runner.Execution;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CrossLMM.Zoo.Notebooks.Runner.Export;

/// <summary>Where the exported app finds the zoo.</summary>
/// <param name="NotebookPath">The notebook's path as the header names it (<c>notebooks/01-tour.ipynb</c>).</param>
/// <param name="ProjectPath">The <c>#:project</c> path, relative to the .cs file.</param>
public sealed record ExportOptions(string NotebookPath, string ProjectPath = ExportOptions.DefaultProject)
{
    /// <summary>The notebook helpers' project, relative to <c>notebooks/</c> (it references the whole zoo).</summary>
    public const string DefaultProject = "runner/CrossLMM.Zoo.Notebooks/CrossLMM.Zoo.Notebooks.csproj";
}

/// <summary>
/// Turns a notebook into a .NET 10 file-based app (<c>dotnet run notebooks/01-tour.cs</c>) with the same code:
/// <list type="bullet">
/// <item><c>#:project</c> to the notebook helpers (which reference the zoo), <c>#:property PublishAot=false</c>
/// (file-based apps default to native AOT, whose runtime pack the mirror lacks) and <c>Nullable=disable</c>
/// (the nullable context of a notebook cell).</item>
/// <item>The usings the runner adds to every cell, then every cell's own usings, hoisted to the top (a program
/// cannot have usings after statements), in order of first use.</item>
/// <item>Markdown cells as <c>//</c> comments; each code cell under a <c>// [cell N]</c> marker; a trailing
/// expression becomes <c>display(expression);</c>, which is what Polyglot does with it.</item>
/// <item>Type declarations moved after the statements (top-level statements must come first).</item>
/// </list>
/// The output depends only on the notebook's cells (not its outputs), so a test can regenerate it and compare.
/// </summary>
public static class FileBasedAppExporter
{
    /// <summary>The file-based app of <paramref name="notebook"/>.</summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="options">Paths for the header and <c>#:project</c>.</param>
    /// <param name="runOptions">The runner's references and imports (for <c>#r</c> handling and the default usings).</param>
    /// <exception cref="NotebookCellException">A cell with an unsupported magic line.</exception>
    public static string Export(NotebookDocument notebook, ExportOptions options, NotebookRunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(options);
        runOptions ??= new NotebookRunOptions();
        string stem = Path.GetFileNameWithoutExtension(notebook.Name);
        var usings = new List<string>();
        usings.AddRange(runOptions.Imports.Select(i => $"using {i};"));
        usings.Add($"using static {NotebookRunOptions.KernelClass};");
        var body = new StringBuilder();
        var types = new StringBuilder();
        int codeCells = 0;
        foreach (var cell in notebook.Cells)
        {
            switch (cell.Kind)
            {
                case CellKind.Markdown:
                    body.Append('\n');
                    foreach (string line in cell.Source.Replace("\r\n", "\n").TrimEnd().Split('\n'))
                    {
                        body.Append(line.Length == 0 ? "//" : "// " + line).Append('\n');
                    }

                    break;
                case CellKind.Code:
                    codeCells++;
                    var prepared = MagicLines.Prepare(notebook.Name, cell, codeCells, runOptions.ReferencedAssemblyNames, runOptions.AllowedPackages);
                    body.Append('\n');
                    if (!prepared.IsCSharp)
                    {
                        body.Append($"// [cell {cell.Number}] skipped: kernel '{prepared.Kernel}' is not C#\n");
                        break;
                    }

                    body.Append($"// [cell {cell.Number}]\n");
                    AppendCell(prepared.Code!, usings, body, types);
                    break;
            }
        }

        var text = new StringBuilder();
        text.Append($"#:project {options.ProjectPath}\n");
        text.Append("#:property PublishAot=false\n");
        text.Append("#:property Nullable=disable\n");
        text.Append($"// Generated from {options.NotebookPath} by the notebook runner - do not edit; edit the notebook and re-export:\n");
        text.Append($"//   dotnet run --project notebooks/runner/CrossLMM.Zoo.Notebooks.Cli -- export {options.NotebookPath}\n");
        text.Append($"// Run: dotnet run {Path.ChangeExtension(options.NotebookPath, ".cs")}\n");
        text.Append('\n');
        foreach (string u in usings.Distinct(StringComparer.Ordinal))
        {
            text.Append(u).Append('\n');
        }

        text.Append('\n');
        text.Append($"{typeof(NotebookKernel).FullName}.{nameof(NotebookKernel.StartConsole)}(\"{stem}\");\n");
        text.Append(body);
        if (types.Length > 0)
        {
            text.Append("\n// Types declared in the notebook (a program's types follow its statements).\n");
            text.Append(types);
        }

        return text.ToString();
    }

    /// <summary>The .cs path of a notebook: the same folder and stem.</summary>
    /// <param name="notebookPath">An .ipynb path.</param>
    public static string AppPath(string notebookPath) => Path.ChangeExtension(notebookPath, ".cs");

    private static void AppendCell(string code, List<string> usings, StringBuilder body, StringBuilder types)
    {
        var unit = ScriptSyntax.Parse(code);
        foreach (var u in unit.Usings)
        {
            usings.Add(u.ToString().Trim());
        }

        var trailing = ScriptSyntax.TrailingExpression(unit);
        var statements = new StringBuilder();
        foreach (var member in unit.Members)
        {
            if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or BaseNamespaceDeclarationSyntax)
            {
                types.Append(member.ToFullString().Trim('\n')).Append('\n');
                continue;
            }

            if (trailing is not null && member is GlobalStatementSyntax { Statement: var statement } && statement == trailing)
            {
                statements.Append(member.GetLeadingTrivia().ToFullString());
                statements.Append($"display({trailing.Expression.ToString().Trim()});");
                statements.Append(member.GetTrailingTrivia().ToFullString());
                continue;
            }

            statements.Append(member.ToFullString());
        }

        statements.Append(unit.EndOfFileToken.LeadingTrivia.ToFullString());

        // Blank lines left by removed usings and magics at the start or end of the cell are noise.
        string textOfCell = statements.ToString().Replace("\r\n", "\n");
        var lines = textOfCell.Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        foreach (string line in lines)
        {
            body.Append(line).Append('\n');
        }
    }
}
