using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>What the cross-file checks need to know about one architecture file.</summary>
    /// <param name="Stem">File stem.</param>
    /// <param name="Path">File path.</param>
    /// <param name="Name">Its validated name, or null.</param>
    /// <param name="NameSpan">Where the name is.</param>
    public sealed record ArchitectureHeader(string Stem, string Path, string? Name, SourceSpan NameSpan);

    /// <summary>The outcome of the cross-file checks.</summary>
    /// <param name="Entries">The stems to put in the catalogue, in zoo.yaml order (listed, present, not a duplicate).</param>
    /// <param name="Excluded">Paths of files that must not be emitted (the later of duplicate names or stems).</param>
    /// <param name="Diagnostics">Problems found (in zoo.yaml and in the architecture files).</param>
    public sealed record CatalogResult(EquatableArray<string> Entries, EquatableArray<string> Excluded, EquatableArray<SpecDiagnostic> Diagnostics);

    /// <summary>
    /// Rules across files: every listed architecture has a file, every file is listed, names (compared
    /// case-insensitively, as generated file names are) and stems are unique.
    /// </summary>
    public static class CatalogChecks
    {
        /// <summary>Checks the architecture files against zoo.yaml. Deterministic for any input order.</summary>
        /// <param name="zoo">The parsed zoo.yaml.</param>
        /// <param name="headers">One header per architecture file.</param>
        public static CatalogResult Check(ZooRegistry zoo, IEnumerable<ArchitectureHeader> headers)
        {
            var diagnostics = new List<SpecDiagnostic>();
            var excluded = new HashSet<string>(StringComparer.Ordinal);
            var sorted = headers.OrderBy(h => h.Path, StringComparer.Ordinal).ToList();

            var byStem = new Dictionary<string, ArchitectureHeader>(StringComparer.Ordinal);
            var byName = new Dictionary<string, ArchitectureHeader>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in sorted)
            {
                if (byStem.TryGetValue(header.Stem, out var sameStem))
                {
                    diagnostics.Add(new SpecDiagnostic(SpecMessages.StemInUse(header.Stem, sameStem.Path), header.Path, SourceSpan.FileStart));
                    excluded.Add(header.Path);
                    continue;
                }

                byStem[header.Stem] = header;
                if (header.Name is null)
                {
                    continue;
                }

                if (byName.TryGetValue(header.Name, out var sameName))
                {
                    diagnostics.Add(new SpecDiagnostic(SpecMessages.NameInUse(header.Name, sameName.Path), header.Path, header.NameSpan));
                    excluded.Add(header.Path);
                    continue;
                }

                byName[header.Name] = header;
            }

            var listed = new HashSet<string>(zoo.Architectures.Select(a => a.Stem), StringComparer.Ordinal);
            foreach (var entry in zoo.Architectures)
            {
                if (!byStem.ContainsKey(entry.Stem))
                {
                    diagnostics.Add(new SpecDiagnostic(SpecMessages.ListedArchitectureMissing(entry.Stem), zoo.Path, entry.Span));
                }
            }

            foreach (var header in sorted)
            {
                if (!listed.Contains(header.Stem) && !excluded.Contains(header.Path))
                {
                    diagnostics.Add(new SpecDiagnostic(SpecMessages.ArchitectureNotListed(Names.FileNameOf(header.Path), header.Stem), header.Path, SourceSpan.FileStart));
                }
            }

            var entries = zoo.Architectures
                .Select(a => a.Stem)
                .Where(stem => byStem.TryGetValue(stem, out var h) && !excluded.Contains(h.Path))
                .ToEquatableArray();
            return new CatalogResult(entries, excluded.OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray(), diagnostics.ToEquatableArray());
        }
    }
}
