using System.Collections.Generic;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>Collects the diagnostics of one file, without exact duplicates, in report order.</summary>
    internal sealed class DiagnosticBag
    {
        private readonly List<SpecDiagnostic> items = new List<SpecDiagnostic>();
        private readonly HashSet<(string, SourceSpan)> seen = new HashSet<(string, SourceSpan)>();

        public DiagnosticBag(string path)
        {
            Path = path;
        }

        public string Path { get; }

        public int ErrorCount { get; private set; }

        public bool HasErrors => ErrorCount > 0;

        public void Report(string id, string message, SourceSpan span)
        {
            // One report per ID and location: a rule broken at several presets is reported once, at the first.
            if (!seen.Add((id, span)))
            {
                return;
            }

            var descriptor = SpecDiagnostics.Find(id);
            var severity = descriptor?.Severity ?? SpecSeverity.Error;
            items.Add(new SpecDiagnostic(id, severity, message, Path, span));
            if (severity == SpecSeverity.Error)
            {
                ErrorCount++;
            }
        }

        public void Report(string id, string message, YNode node) => Report(id, message, node.Span);

        public void AddRange(IEnumerable<SpecDiagnostic> diagnostics)
        {
            foreach (var d in diagnostics)
            {
                if (seen.Add((d.Id + "\u0000" + d.FilePath, d.Span)))
                {
                    items.Add(d);
                    if (d.IsError)
                    {
                        ErrorCount++;
                    }
                }
            }
        }

        public EquatableArray<SpecDiagnostic> ToArray() => new EquatableArray<SpecDiagnostic>(items);
    }
}
