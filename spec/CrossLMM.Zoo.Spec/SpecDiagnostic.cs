namespace CrossLMM.Zoo.Spec
{
    /// <summary>How bad a <see cref="SpecDiagnostic"/> is. Errors fail the build (and the runtime builder).</summary>
    public enum SpecSeverity
    {
        /// <summary>The spec cannot be built.</summary>
        Error,

        /// <summary>The spec builds but probably does not mean what it says.</summary>
        Warning,
    }

    /// <summary>
    /// A problem found in a spec file, as plain data: a stable ID (<c>CLMZ0001</c>…, see
    /// <see cref="SpecDiagnostics"/>), a message quoting the offending values, and the YAML location.
    /// The source generator turns it into a Roslyn diagnostic; the runtime builder returns or throws it.
    /// </summary>
    /// <param name="Id">Stable ID, e.g. <c>CLMZ0010</c>; documented in docs/diagnostics/&lt;Id&gt;.md.</param>
    /// <param name="Severity">Error or warning.</param>
    /// <param name="Message">What is wrong, quoting the values.</param>
    /// <param name="FilePath">The file the location refers to (empty when there is none).</param>
    /// <param name="Span">The location in that file.</param>
    public sealed record SpecDiagnostic(string Id, SpecSeverity Severity, string Message, string FilePath, SourceSpan Span)
    {
        /// <summary>Whether this is an error.</summary>
        public bool IsError => Severity == SpecSeverity.Error;

        /// <summary>MSBuild's clickable form: <c>path(line,col): error CLMZ0010: message</c>.</summary>
        public override string ToString()
        {
            string severity = Severity == SpecSeverity.Error ? "error" : "warning";
            return FilePath.Length == 0
                ? $"{severity} {Id}: {Message}"
                : $"{FilePath}({Span.Line},{Span.Column}): {severity} {Id}: {Message}";
        }
    }
}
