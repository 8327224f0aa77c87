using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using CrossLMM.Zoo.Notebooks.Runner.Execution;
using CrossLMM.Zoo.Notebooks.Runner.Export;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace CrossLMM.Zoo.Notebooks.Tests.Notebooks;

/// <summary>
/// The file-based apps (<c>notebooks/*.cs</c>) are the notebooks' code by construction: each is regenerated from its
/// notebook and compared with the checked-in file, compiled as a program, and one is run with <c>dotnet run</c>.
/// </summary>
public sealed class FileBasedAppTests
{
    private readonly ITestOutputHelper _log;

    public FileBasedAppTests(ITestOutputHelper log) => _log = log;

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void CheckedInApp_IsTheExportOfItsNotebook(string stem)
    {
        var notebook = NotebookDocument.Load(Repository.NotebookPath(stem));
        string expected = FileBasedAppExporter.Export(notebook, new ExportOptions(Repository.RelativeNotebookPath(stem)));
        string path = Repository.AppPath(stem);

        Assert.True(File.Exists(path), $"{path} is missing; run: dotnet run --project notebooks/runner/CrossLMM.Zoo.Notebooks.Cli -- export notebooks/*.ipynb");
        Assert.True(expected == File.ReadAllText(path), $"{path} differs from the export of its notebook; run: dotnet run --project notebooks/runner/CrossLMM.Zoo.Notebooks.Cli -- export notebooks/*.ipynb");
    }

    [Theory]
    [MemberData(nameof(Repository.NotebookData), MemberType = typeof(Repository))]
    public void App_CompilesAsAProgramWithWarningsAsErrors(string stem)
    {
        string source = File.ReadAllText(Repository.AppPath(stem));
        // #: directives are for the dotnet CLI; the compiler sees them as ignored lines in a file-based app.
        string code = string.Join("\n", source.Split('\n').Select(l => l.StartsWith("#:", StringComparison.Ordinal) ? "" : l));
        var tree = CSharpSyntaxTree.ParseText(code, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), path: stem + ".cs");
        var compilation = CSharpCompilation.Create(stem, new[] { tree }, References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Disable, generalDiagnosticOption: ReportDiagnostic.Error));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
    }

    [Fact]
    public async System.Threading.Tasks.Task CostNotebookApp_RunsWithDotnetRun()
    {
        // 03 needs no training: the run is the file-based app's build (restore + compile, the zoo's projects up
        // to date after the test build) plus about a second of cost arithmetic.
        var start = new ProcessStartInfo("dotnet", "run notebooks/03-what-tokens-cost.cs")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        string stdout = await stdoutTask, stderr = await stderrTask;
        _log.WriteLine($"dotnet run notebooks/03-what-tokens-cost.cs: exit {process.ExitCode} in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{stdout}\n{stderr}");
        Assert.Contains("90 estimates: 15 architectures × 6 frame counts", stdout);
        Assert.Contains("[image/svg+xml, ", stdout);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "out", "notebooks", "03-what-tokens-cost", "display-1.svg")));
    }

    private static IEnumerable<MetadataReference> References()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var zoo = new NotebookRunOptions().References.Select(a => a.Location);
        return trusted.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Concat(zoo)
            .Distinct(StringComparer.Ordinal)
            .Select(p => MetadataReference.CreateFromFile(p));
    }
}
