using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Xml.Linq;
using CrossLMM.Zoo.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>A source file of model code with the compilation it binds in.</summary>
public sealed record ModelFile(string Path, SyntaxTree Tree, CSharpCompilation Compilation)
{
    private SemanticModel? _model;

    /// <summary>One semantic model per file, shared by the error check and the walk so each body is bound once.</summary>
    public SemanticModel Model => _model ??= Compilation.GetSemanticModel(Tree);
}

/// <summary>
/// The model code the TorchSharp promise covers, compiled with Roslyn against our engine as the build
/// compiles it: every .cs under modules/ (with the global usings of build/TorchBackend.props), and the
/// architectures project — its hand-written .cs files plus what the zoo generator emits from zoo.yaml and
/// architectures/*.yaml (run in-process, so the check never depends on a stale obj/).
/// </summary>
public sealed class ModelCode
{
    /// <summary>The symbol <c>-p:TorchBackend=TorchSharp</c> defines; code it disables is LibTorch-only.</summary>
    public const string TorchSharpSymbol = "TORCHSHARP";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview, DocumentationMode.Diagnose);

    private readonly IReadOnlyList<Diagnostic> _otherErrors;
    private IReadOnlyList<Diagnostic>? _errors;

    private ModelCode(IReadOnlyList<ModelFile> files, IReadOnlyList<Diagnostic> otherErrors, int torchSharpOnlyLines, IReadOnlyDictionary<SyntaxTree, ISet<int>> skipped)
    {
        Files = files;
        _otherErrors = otherErrors;
        TorchSharpOnlyLines = torchSharpOnlyLines;
        SkippedLines = skipped;
    }

    public IReadOnlyList<ModelFile> Files { get; }

    /// <summary>Compilation errors (generator, and per file from its semantic model); the check is only meaningful without them.</summary>
    public IReadOnlyList<Diagnostic> Errors => _errors ??= _otherErrors
        .Concat(Files.AsParallel().AsOrdered().SelectMany(f => f.Model.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)))
        .ToList();

    /// <summary>Lines active only with TORCHSHARP defined: they cannot bind against our engine and are not checked.</summary>
    public int TorchSharpOnlyLines { get; }

    /// <summary>Per tree, the (1-based) lines that TORCHSHARP disables: LibTorch-only code, allowed to use engine extras.</summary>
    public IReadOnlyDictionary<SyntaxTree, ISet<int>> SkippedLines { get; }

    /// <summary>The engine assembly as <paramref name="compilation"/> sees it.</summary>
    public static IAssemblySymbol EngineIn(Compilation compilation) =>
        (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(EngineReference)!;

    public static readonly MetadataReference EngineReference = MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location);

    /// <summary>The framework (the running runtime's assemblies) plus the assemblies model code references besides the engine.</summary>
    public static readonly IReadOnlyList<MetadataReference> References = BuildReferences();

    private static IReadOnlyList<MetadataReference> BuildReferences()
    {
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p)!.TrimEnd('/') == runtime.TrimEnd('/'))
            .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(CrossLMM.Zoo.Configs.ArchitectureConfig).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(CrossLMM.Zoo.Spec.SpecCompiler).Assembly.Location))
            .ToArray();
    }

    public static CSharpCompilationOptions Options { get; } = new(OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: false);

    /// <summary>Compiles the repository's model code.</summary>
    public static ModelCode Load(string root)
    {
        string globalUsings = GlobalUsings(Path.Combine(root, "build", "TorchBackend.props"));
        var usingsTree = CSharpSyntaxTree.ParseText(globalUsings, ParseOptions, path: "build/TorchBackend.props (global usings)");

        var moduleSources = SourcesUnder(root, "modules");
        var modules = Compile("CrossLMM.Zoo.Modules", moduleSources.Select(s => s.Tree).Append(usingsTree), []);

        var architectureSources = SourcesUnder(root, "architectures");
        var handWritten = Compile("CrossLMM.Zoo", architectureSources.Select(s => s.Tree).Append(usingsTree), [modules.ToMetadataReference()]);
        var driver = CSharpGeneratorDriver.Create([new ZooGenerator().AsSourceGenerator()], additionalTexts: ZooFiles(root), parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(handWritten, out var architectures, out var generatorDiagnostics);
        var generated = architectures.SyntaxTrees.Except(handWritten.SyntaxTrees)
            .Select(t => new Source("architectures/generated/" + Path.GetFileName(t.FilePath), t))
            .ToList();

        var files = new List<ModelFile>();
        files.AddRange(moduleSources.Select(s => new ModelFile(s.Path, s.Tree, modules)));
        files.AddRange(architectureSources.Select(s => new ModelFile(s.Path, s.Tree, (CSharpCompilation)architectures)));
        files.AddRange(generated.Select(s => new ModelFile(s.Path, s.Tree, (CSharpCompilation)architectures)));

        var errors = generatorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        var skipped = new Dictionary<SyntaxTree, ISet<int>>();
        int torchSharpOnly = 0;
        foreach (var file in files)
        {
            var (disabled, enabledOnly) = TorchSharpRegions(file.Tree);
            skipped[file.Tree] = disabled;
            torchSharpOnly += enabledOnly;
        }

        return new ModelCode(files, errors, torchSharpOnly, skipped);
    }

    /// <summary>Compiles in-memory sources as the "modules" of a check (the guard's own tests).</summary>
    public static ModelCode FromSources(params (string Path, string Text)[] sources)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, path: s.Path)).ToList();
        var compilation = Compile("Sample", trees, []);
        var files = trees.Select(t => new ModelFile(t.FilePath, t, compilation)).ToList();
        var errors = new List<Diagnostic>();
        var skipped = new Dictionary<SyntaxTree, ISet<int>>();
        int torchSharpOnly = 0;
        foreach (var tree in trees)
        {
            var (disabled, enabledOnly) = TorchSharpRegions(tree);
            skipped[tree] = disabled;
            torchSharpOnly += enabledOnly;
        }

        return new ModelCode(files, errors, torchSharpOnly, skipped);
    }

    private static CSharpCompilation Compile(string name, IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference> extra) =>
        CSharpCompilation.Create(name, trees, References.Append(EngineReference).Concat(extra), Options);

    private sealed record Source(string Path, SyntaxTree Tree);

    private static List<Source> SourcesUnder(string root, string folder)
    {
        string directory = Path.Combine(root, folder);
        if (!Directory.Exists(directory)) return [];
        return Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(rel => !rel.Split('/').Any(part => part is "bin" or "obj"))
            .OrderBy(rel => rel, StringComparer.Ordinal)
            .Select(rel => new Source(rel, CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(Path.Combine(root, rel))), ParseOptions, path: rel)))
            .ToList();
    }

    private static ImmutableArray<AdditionalText> ZooFiles(string root)
    {
        var files = new List<string> { Path.Combine(root, "zoo.yaml") };
        string architectures = Path.Combine(root, "architectures");
        if (Directory.Exists(architectures))
            files.AddRange(Directory.GetFiles(architectures, "*.yaml").OrderBy(f => f, StringComparer.Ordinal));
        return files.Where(File.Exists).Select(f => (AdditionalText)new FileText(f)).ToImmutableArray();
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(path));
    }

    /// <summary>The global usings the build adds (the unconditional &lt;Using&gt; items of TorchBackend.props).</summary>
    public static string GlobalUsings(string propsPath)
    {
        var document = XDocument.Load(propsPath);
        var lines = document.Descendants("ItemGroup")
            .Where(g => g.Attribute("Condition") is null)
            .SelectMany(g => g.Elements("Using"))
            .Select(u =>
            {
                string include = (string)u.Attribute("Include")!;
                string? alias = (string?)u.Attribute("Alias");
                bool isStatic = string.Equals((string?)u.Attribute("Static"), "true", StringComparison.OrdinalIgnoreCase);
                return alias is not null ? $"global using {alias} = {include};"
                    : isStatic ? $"global using static {include};"
                    : $"global using {include};";
            });
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>Lines that defining TORCHSHARP disables (LibTorch-only code) and the count of lines only it enables.</summary>
    private static (ISet<int> Disabled, int EnabledOnly) TorchSharpRegions(SyntaxTree tree)
    {
        var text = tree.GetText();
        var withTorchSharp = CSharpSyntaxTree.ParseText(text, ParseOptions.WithPreprocessorSymbols(TorchSharpSymbol));
        var disabled = new HashSet<int>();
        foreach (var trivia in withTorchSharp.GetRoot().DescendantTrivia().Where(t => t.IsKind(SyntaxKind.DisabledTextTrivia)))
        {
            var (first, last) = Lines(trivia);
            for (int line = first; line <= last; line++) disabled.Add(line);
        }

        int enabledOnly = 0;
        foreach (var trivia in tree.GetRoot().DescendantTrivia().Where(t => t.IsKind(SyntaxKind.DisabledTextTrivia)))
        {
            var (first, last) = Lines(trivia);
            enabledOnly += last - first + 1;
        }

        return (disabled, enabledOnly);
    }

    /// <summary>The 1-based lines a trivia covers (its closing line break does not start another line).</summary>
    private static (int First, int Last) Lines(SyntaxTrivia trivia)
    {
        var span = trivia.GetLocation().GetLineSpan();
        int last = span.EndLinePosition.Line;
        if (span.EndLinePosition.Character == 0 && last > span.StartLinePosition.Line) last--;
        return (span.StartLinePosition.Line + 1, last + 1);
    }
}
