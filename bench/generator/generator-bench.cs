// The zoo's source generator timed through CSharpGeneratorDriver, the way the compiler runs it (issue 4, "Speed").
//
//   dotnet run -c Release bench/generator/generator-bench.cs            (from the repository root)
//   dotnet run -c Release bench/generator/generator-bench.cs -- 50      (runs per measurement; default 30)
//
// Inputs: zoo.yaml and architectures/*.yaml from disk; the compilation references the runtime's System
// assemblies, Configs, the blocks and the engine, as the architectures project does, so configs, modules and
// the catalogue are all generated. Each measurement reports the median (and min) of N runs after warm-up:
//   cold       a new driver per run: every step runs (what a fresh csc process does, JIT aside);
//   first      the very first run in this process, JIT included (one sample);
//   warm       the same driver again, nothing changed (every step cached; what an IDE keystroke elsewhere costs);
//   edit 1     one spec edited (crosslmm.yaml, every: 4 <-> every: 2), alternately: only its Bind/Module steps rerun;
//   C# edit    an unrelated C# file edited: only the compilation-derived "Blocks" step reruns.
// Output: a markdown table on stdout. Goal: cold <= 50 ms for the whole zoo.
#:property PublishAot=false
#:property TreatWarningsAsErrors=true
#:package Microsoft.CodeAnalysis.CSharp@4.14.0
#:project ../../generators/CrossLMM.Zoo.Generators/CrossLMM.Zoo.Generators.csproj
#:project ../../spec/CrossLMM.Zoo.Spec/CrossLMM.Zoo.Spec.csproj
#:project ../../modules/CrossLMM.Zoo.Modules.csproj

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using CrossLMM.Zoo.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

int runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 30;
string root = FindRoot();
var files = new List<AdditionalText> { new Text(Path.Combine(root, "zoo.yaml"), File.ReadAllText(Path.Combine(root, "zoo.yaml"))) };
files.AddRange(Directory.GetFiles(Path.Combine(root, "architectures"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal).Select(f => (AdditionalText)new Text(f, File.ReadAllText(f))));

var parse = new CSharpParseOptions(LanguageVersion.Latest);
var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
    .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
    .Append(typeof(CrossLMM.Zoo.Configs.ArchitectureConfig).Assembly.Location)
    .Append(typeof(CrossLMM.Zoo.Modules.VideoLmm).Assembly.Location)
    .Append(typeof(TorchSharp.torch).Assembly.Location)
    .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
    .ToArray();
var compilation = CSharpCompilation.Create("Bench", new[] { CSharpSyntaxTree.ParseText("namespace User { class A { } }", parse) }, references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(), CSharpSyntaxTree.ParseText("namespace User { class A { int x; } }", parse));

GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(
    new[] { new ZooGenerator().AsSourceGenerator() }, files, parse,
    driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

// First run in the process (JIT of the generator, the spec core, YamlDotNet and Roslyn's driver).
var timer = Stopwatch.StartNew();
var check = NewDriver().RunGenerators(compilation).GetRunResult();
double first = timer.Elapsed.TotalMilliseconds;
if (check.Diagnostics.Length > 0 || check.Results.Single().Exception is not null)
{
    Console.Error.WriteLine("the generator reported problems on the zoo:\n" + string.Join("\n", check.Diagnostics));
    return 1;
}

int generated = check.Results.Single().GeneratedSources.Length;

// Warm-up: at least 20 runs and 2 s, so tiered JIT has promoted the hot paths (as in a long-lived compiler server or IDE).
var warmup = Stopwatch.StartNew();
for (int i = 0; i < 20 || warmup.Elapsed.TotalSeconds < 2; i++)
{
    NewDriver().RunGenerators(compilation);
}

var cold = Measure(runs, () => NewDriver().RunGenerators(compilation));

var driver = NewDriver().RunGenerators(compilation);
var warm = Measure(runs, () => driver = driver.RunGenerators(compilation));

var spec = (Text)files.Single(f => f.Path.EndsWith("crosslmm.yaml", StringComparison.Ordinal) && Path.GetFileName(f.Path) == "crosslmm.yaml");
var variants = new[] { spec, new Text(spec.Path, spec.Content.Replace("every: 4", "every: 2")) };
int flip = 0;
var editOne = Measure(runs, () =>
{
    var (from, to) = (variants[flip % 2], variants[(flip + 1) % 2]);
    flip++;
    driver = driver.ReplaceAdditionalText(from, to).RunGenerators(compilation);
});
if (flip % 2 == 1)
{
    driver = driver.ReplaceAdditionalText(variants[1], variants[0]).RunGenerators(compilation);
}

var compilations = new[] { compilation, edited };
int swap = 0;
var csharpEdit = Measure(runs, () => driver = driver.RunGenerators(compilations[++swap % 2]));

Console.WriteLine($"# Zoo generator timings ({files.Count} YAML files in, {generated} sources out; {runs} runs each, after warm-up)");
Console.WriteLine();
string load = File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {load}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.");
Console.WriteLine("Other processes only ever add time: on a busy machine read the min column.");
Console.WriteLine();
Console.WriteLine("| measurement | median ms | min ms |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| first run in process (JIT included, 1 sample) | {first:F1} | {first:F1} |");
Row("cold: new driver, whole zoo", cold);
Row("warm: same driver, nothing changed", warm);
Row("incremental: one spec edited", editOne);
Row("incremental: unrelated C# edited", csharpEdit);
Console.WriteLine();
Console.WriteLine($"goal: cold <= 50 ms for the whole zoo: {(cold.Min <= 50 ? "met" : "NOT met")} (min {cold.Min:F1} ms, median {cold.Median:F1} ms)");
return 0;

static (double Median, double Min) Measure(int runs, Action action)
{
    var samples = new double[runs];
    for (int i = 0; i < runs; i++)
    {
        var t = Stopwatch.StartNew();
        action();
        samples[i] = t.Elapsed.TotalMilliseconds;
    }

    Array.Sort(samples);
    return (runs % 2 == 1 ? samples[runs / 2] : (samples[runs / 2 - 1] + samples[runs / 2]) / 2, samples[0]);
}

static void Row(string name, (double Median, double Min) m) => Console.WriteLine($"| {name} | {m.Median:F2} | {m.Min:F2} |");

static string FindRoot()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "CrossLMM.Zoo.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run from inside the repository (CrossLMM.Zoo.sln not found above " + Environment.CurrentDirectory + ")");
}

sealed class Text(string path, string content) : AdditionalText
{
    public override string Path => path;

    public string Content => content;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(content);
}
