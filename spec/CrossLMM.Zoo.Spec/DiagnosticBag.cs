using System.Collections.Generic;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>
    /// Collects the diagnostics of one file, without exact duplicates, in report order. Every report is a
    /// catalogue message (<see cref="SpecMessages"/>); its text is built only when read.
    /// </summary>
    internal sealed class DiagnosticBag
    {
        private readonly List<SpecDiagnostic> items = new List<SpecDiagnostic>();

        // One report per ID and location (in one file, offset and length determine the span); diagnostics added
        // from another file are keyed with its path.
        private readonly HashSet<(string Id, int Start, int Length)> seen = new HashSet<(string, int, int)>();

        public DiagnosticBag(string path)
        {
            Path = path;
        }

        public string Path { get; }

        public int ErrorCount { get; private set; }

        public bool HasErrors => ErrorCount > 0;

        public void Report(SpecMessage message, SourceSpan span)
        {
            // A rule broken at several presets is reported once, at the first.
            if (!seen.Add((message.Id, span.Start, span.Length)))
            {
                return;
            }

            Add(new SpecDiagnostic(message, Path, span));
        }

        public void Report(SpecMessage message, YNode node) => Report(message, node.Span);

        public void AddRange(IEnumerable<SpecDiagnostic> diagnostics)
        {
            foreach (var d in diagnostics)
            {
                if (seen.Add((d.Id + "\u0000" + d.FilePath, d.Span.Start, d.Span.Length)))
                {
                    Add(d);
                }
            }
        }

        public EquatableArray<SpecDiagnostic> ToArray() => new EquatableArray<SpecDiagnostic>(items);

        private void Add(SpecDiagnostic diagnostic)
        {
            items.Add(diagnostic);
            if (diagnostic.IsError)
            {
                ErrorCount++;
            }
        }
    }
}
