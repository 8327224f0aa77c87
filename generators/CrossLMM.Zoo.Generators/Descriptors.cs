using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Spec;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CrossLMM.Zoo.Generators
{
    /// <summary>Roslyn descriptors for the spec diagnostics, and conversion of <see cref="SpecDiagnostic"/> to <see cref="Diagnostic"/>.</summary>
    public static class Descriptors
    {
        /// <summary>Diagnostic category of every CLMZ diagnostic.</summary>
        public const string Category = "CrossLMM.Zoo.Spec";

        /// <summary>Every descriptor, by ID (built from <see cref="SpecDiagnostics.All"/>).</summary>
        public static IReadOnlyDictionary<string, DiagnosticDescriptor> All { get; } = SpecDiagnostics.All.ToDictionary(
            d => d.Id,
            d => new DiagnosticDescriptor(
                d.Id,
                d.Title,
                "{0}",
                Category,
                d.Severity == SpecSeverity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
                isEnabledByDefault: true,
                description: d.Description,
                helpLinkUri: d.HelpPath));

        /// <summary>The Roslyn diagnostic for a spec diagnostic, located in the YAML file (an external-file location).</summary>
        /// <param name="diagnostic">The spec diagnostic.</param>
        public static Diagnostic ToDiagnostic(SpecDiagnostic diagnostic)
        {
            if (!All.TryGetValue(diagnostic.Id, out var descriptor))
            {
                descriptor = All[SpecDiagnostics.InternalError];
            }

            return Diagnostic.Create(descriptor, ToLocation(diagnostic), diagnostic.Message);
        }

        private static Location ToLocation(SpecDiagnostic diagnostic)
        {
            if (diagnostic.FilePath.Length == 0)
            {
                return Location.None;
            }

            var span = diagnostic.Span;
            return Location.Create(
                diagnostic.FilePath,
                new TextSpan(span.Start, span.Length),
                new LinePositionSpan(new LinePosition(span.StartLine, span.StartColumn), new LinePosition(span.EndLine, span.EndColumn)));
        }
    }
}
