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
    /// A diagnostic reported by the spec core keeps its catalogue entry and values and builds the message
    /// text when <see cref="Message"/> is first read. Equality compares the text.
    /// </summary>
    public sealed record SpecDiagnostic
    {
        private readonly SpecMessage pending;
        private string? message;

        /// <summary>Creates a diagnostic with a finished message.</summary>
        /// <param name="Id">Stable ID, e.g. <c>CLMZ0010</c>; documented in docs/diagnostics/&lt;Id&gt;.md.</param>
        /// <param name="Severity">Error or warning.</param>
        /// <param name="Message">What is wrong, quoting the values.</param>
        /// <param name="FilePath">The file the location refers to (empty when there is none).</param>
        /// <param name="Span">The location in that file.</param>
        public SpecDiagnostic(string Id, SpecSeverity Severity, string Message, string FilePath, SourceSpan Span)
        {
            this.Id = Id;
            this.Severity = Severity;
            message = Message;
            this.FilePath = FilePath;
            this.Span = Span;
        }

        // A catalogue message, formatted when first read.
        internal SpecDiagnostic(SpecMessage message, string filePath, SourceSpan span)
        {
            Id = message.Id;
            Severity = message.Descriptor.Severity;
            pending = message;
            FilePath = filePath;
            Span = span;
        }

        /// <summary>Stable ID, e.g. <c>CLMZ0010</c>; documented in docs/diagnostics/&lt;Id&gt;.md.</summary>
        public string Id { get; }

        /// <summary>Error or warning.</summary>
        public SpecSeverity Severity { get; }

        /// <summary>What is wrong, quoting the values.</summary>
        public string Message
        {
            get
            {
                // Two threads may both format: they produce the same text.
                return message ??= pending.ToString();
            }
        }

        /// <summary>The file the location refers to (empty when there is none).</summary>
        public string FilePath { get; }

        /// <summary>The location in that file.</summary>
        public SourceSpan Span { get; }

        /// <summary>Whether this is an error.</summary>
        public bool IsError => Severity == SpecSeverity.Error;

        /// <summary>Whether ID, severity, message, file and location are equal.</summary>
        /// <param name="other">The other diagnostic.</param>
        public bool Equals(SpecDiagnostic? other) =>
            other is not null
            && Id == other.Id && Severity == other.Severity && FilePath == other.FilePath && Span == other.Span
            && Message == other.Message;

        /// <summary>A hash of ID, file and location (not of the message, so that hashing does not format it).</summary>
        public override int GetHashCode()
        {
            unchecked
            {
                int hash = Id.GetHashCode();
                hash = (hash * 31) + FilePath.GetHashCode();
                return (hash * 31) + Span.GetHashCode();
            }
        }

        /// <summary>The parts of the diagnostic.</summary>
        /// <param name="Id">Stable ID.</param>
        /// <param name="Severity">Error or warning.</param>
        /// <param name="Message">The message.</param>
        /// <param name="FilePath">The file.</param>
        /// <param name="Span">The location.</param>
        public void Deconstruct(out string Id, out SpecSeverity Severity, out string Message, out string FilePath, out SourceSpan Span)
        {
            Id = this.Id;
            Severity = this.Severity;
            Message = this.Message;
            FilePath = this.FilePath;
            Span = this.Span;
        }

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
