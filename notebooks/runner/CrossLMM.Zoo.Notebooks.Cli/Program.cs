using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using CrossLMM.Zoo.Notebooks;
using CrossLMM.Zoo.Notebooks.Runner.Execution;
using CrossLMM.Zoo.Notebooks.Runner.Export;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;

namespace CrossLMM.Zoo.Notebooks.Cli;

/// <summary>The <c>zoo-notebook</c> command.</summary>
public static class Program
{
    private const string Usage = """
        zoo-notebook: run, save and export the zoo's C# notebooks without a notebook front end.

          zoo-notebook execute [--save] [--quick] <notebook.ipynb>...
              Runs every C# cell in order (Roslyn scripting, state carried from cell to cell) and reports each
              cell. --save writes the outputs and execution counts back into the notebook. --quick sets
              ZOO_NOTEBOOK_QUICK=1 (fewer training steps); quick runs cannot be saved.
          zoo-notebook export [--check] <notebook.ipynb>...
              Writes each notebook's code as a .NET 10 file-based app next to it (01-tour.ipynb → 01-tour.cs;
              run it with `dotnet run notebooks/01-tour.cs`). --check compares instead of writing.
          zoo-notebook check <notebook.ipynb>...
              Checks the JSON, the C# kernel metadata and the magic lines of each notebook.
          zoo-notebook format <notebook.ipynb>...
              Rewrites each notebook in the canonical form the runner saves (sorted keys, one-space indent), keeping
              its outputs: use it after editing markdown by hand, so the notebook tests see the canonical form.

        Exit codes: 0 success, 1 a notebook failed, 2 usage error.
        """;

    /// <summary>Entry point.</summary>
    /// <param name="args">Command and notebooks.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var flags = args.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var paths = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        string[] allowed = args[0] switch
        {
            "execute" => new[] { "--save", "--quick" },
            "export" => new[] { "--check" },
            "check" => Array.Empty<string>(),
            "format" => Array.Empty<string>(),
            _ => null!,
        };
        if (allowed is null)
        {
            return Fail($"unknown command '{args[0]}'\n\n{Usage}");
        }

        if (flags.FirstOrDefault(f => !allowed.Contains(f)) is { } unknown)
        {
            return Fail($"{args[0]}: unknown option {unknown}\n\n{Usage}");
        }

        if (paths.Length == 0)
        {
            return Fail($"{args[0]}: name at least one notebook\n\n{Usage}");
        }

        if (paths.FirstOrDefault(p => !File.Exists(p)) is { } missing)
        {
            return Fail($"file not found: {missing}");
        }

        try
        {
            return args[0] switch
            {
                "execute" => await Execute(paths, flags.Contains("--save"), flags.Contains("--quick")),
                "export" => Export(paths, flags.Contains("--check")),
                "format" => Format(paths),
                _ => Check(paths),
            };
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static async Task<int> Execute(IReadOnlyList<string> paths, bool save, bool quick)
    {
        if (save && quick)
        {
            return Fail("execute: --quick runs are smoke tests; their outputs are not saved (drop --save or --quick)");
        }

        if (quick)
        {
            Environment.SetEnvironmentVariable(NotebookEnvironment.QuickVariable, "1");
        }

        var runner = new NotebookRunner(new NotebookRunOptions { Progress = p => Console.WriteLine(Describe(p.Cell)) });
        int failed = 0;
        foreach (string path in paths)
        {
            var notebook = NotebookDocument.Load(path);
            Console.WriteLine($"{notebook.Name}:");
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var run = await runner.RunAsync(notebook);
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            if (!run.Succeeded)
            {
                failed++;
                Console.Error.WriteLine(run.Failure!.Message);
                continue;
            }

            Console.WriteLine($"{notebook.Name}: {run.Cells.Count(c => c.ExecutionCount is not null)} C# cells in {run.Elapsed.TotalSeconds:F1} s (CPU {cpu.TotalSeconds:F1} s)");
            if (save)
            {
                run.ApplyTo(notebook);
                notebook.Save();
                Console.WriteLine($"{notebook.Name}: outputs saved");
            }
        }

        return failed == 0 ? 0 : 1;
    }

    private static int Export(IReadOnlyList<string> paths, bool check)
    {
        int stale = 0;
        foreach (string path in paths)
        {
            var notebook = NotebookDocument.Load(path);
            string target = FileBasedAppExporter.AppPath(path);
            string text = FileBasedAppExporter.Export(notebook, new ExportOptions(DisplayPath(path)));
            if (check)
            {
                bool same = File.Exists(target) && File.ReadAllText(target) == text;
                Console.WriteLine($"{target}: {(same ? "up to date" : "differs from its notebook; run zoo-notebook export")}");
                stale += same ? 0 : 1;
            }
            else
            {
                File.WriteAllText(target, text);
                Console.WriteLine($"{target}: written");
            }
        }

        return stale == 0 ? 0 : 1;
    }

    private static int Format(IReadOnlyList<string> paths)
    {
        foreach (string path in paths)
        {
            var notebook = NotebookDocument.Load(path);
            string before = File.ReadAllText(path);
            string after = notebook.ToJson();
            if (before != after)
            {
                File.WriteAllText(path, after);
            }

            Console.WriteLine($"{notebook.Name}: {(before == after ? "already canonical" : "rewritten")}");
        }

        return 0;
    }

    private static int Check(IReadOnlyList<string> paths)
    {
        int bad = 0;
        var options = new NotebookRunOptions();
        foreach (string path in paths)
        {
            var notebook = NotebookDocument.Load(path);
            var problems = new List<string>();
            if (!notebook.HasCSharpKernelMetadata)
            {
                problems.Add("missing the .NET Interactive C# kernel metadata (kernelspec .net-csharp, polyglot_notebook default kernel csharp)");
            }

            int code = 0;
            foreach (var cell in notebook.Cells.Where(c => c.Kind == CellKind.Code))
            {
                try
                {
                    MagicLines.Prepare(notebook.Name, cell, ++code, options.ReferencedAssemblyNames, options.AllowedPackages);
                }
                catch (NotebookCellException e)
                {
                    problems.Add(e.Message);
                }
            }

            Console.WriteLine(problems.Count == 0 ? $"{notebook.Name}: ok ({notebook.Cells.Count} cells)" : $"{notebook.Name}:\n  " + string.Join("\n  ", problems));
            bad += problems.Count == 0 ? 0 : 1;
        }

        return bad == 0 ? 0 : 1;
    }

    // notebooks/01-tour.ipynb relative to the repository when the path is inside it, else as given.
    private static string DisplayPath(string path)
    {
        string full = Path.GetFullPath(path);
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(full)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrossLMM.Zoo.sln")))
            {
                return Path.GetRelativePath(dir.FullName, full).Replace('\\', '/');
            }
        }

        return path.Replace('\\', '/');
    }

    private static string Describe(CellRun cell)
    {
        string what = cell.SkipReason is not null
            ? $"skipped ({cell.SkipReason})"
            : $"[{cell.ExecutionCount}] {cell.Elapsed.TotalMilliseconds:F0} ms, {cell.Outputs.Count} output(s)";
        string warnings = cell.Warnings.Count == 0 ? string.Empty : "\n    " + string.Join("\n    ", cell.Warnings);
        return $"  cell {cell.Number}: {what}{warnings}";
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
