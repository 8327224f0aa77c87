using System;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Modules.Tests.Composed;

/// <summary>The repository's zoo.yaml and architecture specs, bound at a preset by the spec core.</summary>
public static class ZooSpecs
{
    private static readonly Lazy<(string Root, ZooRegistry Zoo)> Registry = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "zoo.yaml")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("zoo.yaml not found above " + AppContext.BaseDirectory);
        }

        string path = Path.Combine(dir.FullName, "zoo.yaml");
        return (dir.FullName, ZooRegistry.Parse(File.ReadAllText(path), path));
    });

    /// <summary>The architecture stems listed in zoo.yaml, in catalogue order.</summary>
    public static string[] Stems => Registry.Value.Zoo.Architectures.Select(a => a.Stem).ToArray();

    /// <summary>Binds architectures/&lt;stem&gt;.yaml at <paramref name="preset"/>.</summary>
    public static ArchitectureConfig Bind(string stem, string preset = "tiny")
    {
        var (root, zoo) = Registry.Value;
        string path = Path.Combine(root, "architectures", stem + ".yaml");
        return SpecCompiler.Bind(File.ReadAllText(path), path, zoo, preset).GetConfigOrThrow();
    }
}
