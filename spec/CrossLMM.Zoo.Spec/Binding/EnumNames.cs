using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>YAML name → enum value, built from <see cref="YamlNames"/> so the two directions cannot disagree.</summary>
    internal static class EnumNames
    {
        private static readonly Dictionary<string, VisionKind> VisionKinds = Map<VisionKind>(YamlNames.Of);
        private static readonly Dictionary<string, LanguageModelKind> LlmKinds = Map<LanguageModelKind>(YamlNames.Of);
        private static readonly Dictionary<string, CompressorKind> CompressorKinds = Map<CompressorKind>(YamlNames.Of);
        private static readonly Dictionary<string, ProjectorKind> ProjectorKinds = Map<ProjectorKind>(YamlNames.Of);
        private static readonly Dictionary<string, FusionKind> FusionKinds = Map<FusionKind>(YamlNames.Of);
        private static readonly Dictionary<string, Layout> Layouts = Map<Layout>(YamlNames.Of);
        private static readonly Dictionary<string, FusionSource> Sources = Map<FusionSource>(YamlNames.Of);
        private static readonly Dictionary<string, TokenScope> Scopes = Map<TokenScope>(YamlNames.Of);
        private static readonly Dictionary<string, CrossAttentionBranch> Branches = Map<CrossAttentionBranch>(YamlNames.Of);
        private static readonly Dictionary<string, Granularity> Granularities = Map<Granularity>(YamlNames.Of);
        private static readonly Dictionary<string, Activation> Activations = Map<Activation>(YamlNames.Of);
        private static readonly Dictionary<string, ProjectorNorm> Norms = Map<ProjectorNorm>(YamlNames.Of);

        public static VisionKind Vision(string name) => VisionKinds[name];

        public static LanguageModelKind Llm(string name) => LlmKinds[name];

        public static CompressorKind Compressor(string name) => CompressorKinds[name];

        public static ProjectorKind Projector(string name) => ProjectorKinds[name];

        public static FusionKind Fusion(string name) => FusionKinds[name];

        public static Layout Layout(string name) => Layouts[name];

        public static FusionSource Source(string name) => Sources[name];

        public static TokenScope Scope(string name) => Scopes[name];

        public static CrossAttentionBranch Branch(string name) => Branches[name];

        public static Granularity Per(string name) => Granularities[name];

        public static Activation Activation(string name) => Activations[name];

        public static ProjectorNorm Norm(string name) => Norms[name];

        private static Dictionary<string, T> Map<T>(Func<T, string> name)
            where T : struct, Enum =>
            Enum.GetValues(typeof(T)).Cast<T>().ToDictionary(name, v => v, StringComparer.Ordinal);
    }
}
