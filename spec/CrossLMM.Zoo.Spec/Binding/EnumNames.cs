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
        private static readonly Dictionary<string, Layout> Layouts = Map<Layout>(YamlNames.Of);

        public static VisionKind Vision(string name) => VisionKinds[name];

        public static LanguageModelKind Llm(string name) => LlmKinds[name];

        public static Layout Layout(string name) => Layouts[name];

        private static Dictionary<string, T> Map<T>(Func<T, string> name)
            where T : struct, Enum =>
            Enum.GetValues(typeof(T)).Cast<T>().ToDictionary(name, v => v, StringComparer.Ordinal);
    }
}
