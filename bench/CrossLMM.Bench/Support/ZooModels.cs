using System;
using System.IO;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Bench;

/// <summary>The repository's architectures (architectures/&lt;stem&gt;.yaml with zoo.yaml's presets), bound by the spec core.</summary>
public static class ZooModels
{
    /// <summary>Binds <paramref name="stem"/> at <paramref name="preset"/> (e.g. "crosslmm", "small").</summary>
    public static ArchitectureConfig Bind(string stem, string preset)
    {
        var root = BenchOptions.RepoRoot();
        var zooPath = Path.Combine(root, "zoo.yaml");
        var zoo = ZooRegistry.Parse(File.ReadAllText(zooPath), zooPath);
        var path = Path.Combine(root, "architectures", stem + ".yaml");
        return SpecCompiler.Bind(File.ReadAllText(path), path, zoo, preset).GetConfigOrThrow();
    }
}
