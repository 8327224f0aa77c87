using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace CrossLMM.Zoo.Notebooks.Tests.Kernel;

/// <summary>
/// Runs a notebook in the real .NET Interactive kernel, as a user's Jupyter would: <c>jupyter nbconvert
/// --execute</c> with the kernel the notebook names (<c>.net-csharp</c>, registered by
/// <c>./zoo.sh notebooks-setup</c>), into a scratch file; the checked-in notebook is not touched. Every cell runs
/// (<c>--allow-errors</c>) so that <see cref="Failures"/> can name each failing cell.
/// </summary>
internal sealed class KernelRun
{
    internal KernelRun(string notebook, int exitCode, string log, NotebookFile? output, TimeSpan elapsed)
    {
        Notebook = notebook;
        ExitCode = exitCode;
        Log = log;
        Output = output;
        Elapsed = elapsed;
    }

    public string Notebook { get; }

    public int ExitCode { get; }

    /// <summary>nbconvert's and the kernel's console output.</summary>
    public string Log { get; }

    /// <summary>The executed notebook; null when nbconvert wrote none (no kernel, kernel died, timeout).</summary>
    public NotebookFile? Output { get; }

    public TimeSpan Elapsed { get; }

    /// <summary>One line (plus compiler diagnostics) per failing cell: notebook, cell number, error.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            if (Output is null)
            {
                var tail = string.Join("\n", Log.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(15));
                return new[] { $"{Notebook}: the kernel run wrote no notebook (nbconvert exited with {ExitCode}):\n{tail}" };
            }

            var failures = new List<string>();
            foreach (var cell in Output.CodeCells)
            {
                foreach (var error in cell.Outputs.Where(o => o.OutputType == "error"))
                {
                    // A compile error arrives as "compilation error"; the diagnostics are the cell's stream text.
                    var diagnostics = cell.Outputs.Where(o => o.OutputType == "stream")
                        .SelectMany(o => o.Text.Split('\n'))
                        .Where(l => l.Contains("error CS", StringComparison.Ordinal))
                        .Select(l => "  " + l.Trim());
                    failures.Add($"{Notebook}: {cell.Where} failed: {error.ErrorName}: {error.ErrorValue}" +
                        string.Concat(diagnostics.Select(d => "\n" + d)));
                }
            }

            if (failures.Count == 0 && ExitCode != 0)
            {
                failures.Add($"{Notebook}: nbconvert exited with {ExitCode}:\n{Log}");
            }

            return failures;
        }
    }

    /// <summary>Executes <paramref name="notebookPath"/> in the kernel.</summary>
    /// <param name="notebookPath">The notebook.</param>
    /// <param name="quick">Sets <c>ZOO_NOTEBOOK_QUICK=1</c> (fewer training steps).</param>
    /// <param name="timeout">Per cell.</param>
    public static KernelRun Execute(string notebookPath, bool quick, TimeSpan timeout)
    {
        var scratch = Directory.CreateTempSubdirectory("zoo-notebook-");
        try
        {
            var output = Path.Combine(scratch.FullName, Path.GetFileName(notebookPath));
            var start = new ProcessStartInfo("jupyter")
            {
                // The kernel starts in the notebook's folder, as in Jupyter and Polyglot (relative paths, the local tool manifest).
                WorkingDirectory = Path.GetDirectoryName(notebookPath)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                $"--ExecutePreprocessor.timeout={(int)timeout.TotalSeconds}", "--ExecutePreprocessor.startup_timeout=300",
                "--output", output, notebookPath,
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment[NotebookEnvironment.QuickVariable] = quick ? "1" : "0";
            var clock = Stopwatch.StartNew();
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return new KernelRun(Path.GetFileName(notebookPath), -1,
                    $"cannot start jupyter ({e.Message}): run ./zoo.sh notebooks-setup (Jupyter from apt, the .NET Interactive kernel, the zoo's package)",
                    null, clock.Elapsed);
            }

            var log = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.WaitForExit();
            var notebook = File.Exists(output) ? NotebookFile.Load(output) : null;
            return new KernelRun(Path.GetFileName(notebookPath), process.ExitCode, log.ToString(), notebook, clock.Elapsed);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
