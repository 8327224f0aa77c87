using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace CrossLMM.Zoo.Notebooks.Runner.Execution;

/// <summary>Progress of a run, reported after every cell.</summary>
/// <param name="Notebook">Notebook name.</param>
/// <param name="Cell">What happened to the cell.</param>
public sealed record CellProgress(string Notebook, CellRun Cell);

/// <summary>What the runner gives a notebook's C#.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>
    /// The usings every cell starts with: those Polyglot's C# kernel adds by default (System,
    /// System.Collections.Generic, System.Linq, System.Text, System.Threading.Tasks). Zoo namespaces are not
    /// here on purpose: a notebook writes them in its first code cell, so it runs the same in Polyglot.
    /// </summary>
    public static IReadOnlyList<string> PolyglotImports { get; } = new[]
    {
        "System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks",
    };

    /// <summary>
    /// The class whose static members every cell sees unqualified, standing in for Polyglot's
    /// <c>Microsoft.DotNet.Interactive.Kernel</c>: <c>display(value, mimeTypes)</c>.
    /// </summary>
    public static string KernelClass { get; } = typeof(NotebookKernel).FullName!;

    /// <summary>The zoo's assemblies: engine, configs, spec core, catalogue, modules, tools, notebook helpers.</summary>
    public static IReadOnlyList<Assembly> ZooAssemblies { get; } = new[]
    {
        typeof(TorchSharp.torch).Assembly,                         // TorchSharp
        typeof(CrossLMM.Zoo.Engine.EngineInfo).Assembly,           // CrossLMM.Zoo.Engine
        typeof(CrossLMM.Zoo.Configs.ArchitectureConfig).Assembly,  // CrossLMM.Zoo.Configs
        typeof(CrossLMM.Zoo.Spec.SpecCompiler).Assembly,           // CrossLMM.Zoo.Spec
        typeof(CrossLMM.Zoo.Zoo).Assembly,                         // CrossLMM.Zoo (generated catalogue)
        typeof(CrossLMM.Zoo.Modules.VideoLmm).Assembly,            // CrossLMM.Zoo.Modules
        typeof(CrossLMM.Zoo.Tools.ZooUserException).Assembly,      // CrossLMM.Zoo.Tools
        typeof(NotebookKernel).Assembly,                           // CrossLMM.Zoo.Notebooks
    };

    /// <summary>Assemblies the cells are compiled against (besides the framework's).</summary>
    public IReadOnlyList<Assembly> References { get; init; } = ZooAssemblies;

    /// <summary>Usings added to every cell.</summary>
    public IReadOnlyList<string> Imports { get; init; } = PolyglotImports;

    /// <summary>NuGet package ids a <c>#r "nuget: …"</c> line may name (packages already loaded with the zoo).</summary>
    public IReadOnlyCollection<string> AllowedPackages { get; init; } = new[] { "YamlDotNet" };

    /// <summary>Called after each cell (e.g. to print progress); may be null.</summary>
    public Action<CellProgress>? Progress { get; init; }

    /// <summary>Simple names of <see cref="References"/> (what a <c>#r "….dll"</c> line may name).</summary>
    public IReadOnlyCollection<string> ReferencedAssemblyNames =>
        References.Select(a => a.GetName().Name ?? string.Empty).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
}
