using System;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>
    /// A span of a YAML file: character offset and length, plus zero-based start and end line/column
    /// (the convention of Roslyn's <c>TextSpan</c> and <c>LinePositionSpan</c>; columns count UTF-16 chars).
    /// </summary>
    /// <param name="Start">Zero-based character offset of the first character.</param>
    /// <param name="Length">Number of characters.</param>
    /// <param name="StartLine">Zero-based line of the first character.</param>
    /// <param name="StartColumn">Zero-based column of the first character.</param>
    /// <param name="EndLine">Zero-based line just past the span.</param>
    /// <param name="EndColumn">Zero-based column just past the span.</param>
    public readonly record struct SourceSpan(int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
    {
        /// <summary>One-based line, as editors and MSBuild show it.</summary>
        public int Line => StartLine + 1;

        /// <summary>One-based column, as editors and MSBuild show it.</summary>
        public int Column => StartColumn + 1;

        /// <summary>Offset just past the span.</summary>
        public int End => Start + Length;

        /// <summary>An empty span at the start of a file (line 1, column 1).</summary>
        public static SourceSpan FileStart => default;

        /// <summary>The span from the start of <paramref name="first"/> to the end of <paramref name="last"/>.</summary>
        /// <param name="first">The earlier span.</param>
        /// <param name="last">The later span.</param>
        public static SourceSpan Cover(SourceSpan first, SourceSpan last) =>
            new SourceSpan(first.Start, Math.Max(0, last.End - first.Start), first.StartLine, first.StartColumn, last.EndLine, last.EndColumn);

        /// <summary><c>(line,column)</c>, one-based.</summary>
        public override string ToString() => $"({Line},{Column})";
    }
}
