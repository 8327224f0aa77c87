using System;
using System.Collections.Generic;

namespace CrossLMM.Zoo.Spec.Yaml
{
    /// <summary>
    /// Maps character offsets to zero-based line and column with Roslyn's line breaks (<c>\r\n</c>, <c>\r</c>,
    /// <c>\n</c>, U+0085, U+2028, U+2029), so that a <see cref="SourceSpan"/> always agrees with the
    /// <c>LinePositionSpan</c> the compiler shows for the same offsets.
    /// </summary>
    internal sealed class LineMap
    {
        private readonly int[] starts;
        private readonly int length;

        // The line of the last lookup: the loader asks in document order, so the next answer is almost always this
        // line or the next one (not thread-safe; one map per load).
        private int lastLine;

        public LineMap(string text)
        {
            length = text.Length;
            var list = new List<int> { 0 };
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                    list.Add(i + 1);
                }
                else if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
                {
                    list.Add(i + 1);
                }
            }

            starts = list.ToArray();
        }

        public (int Line, int Column) Position(int offset)
        {
            offset = Math.Max(0, Math.Min(offset, length));
            int line = lastLine;
            if (!OnLine(offset, line) && !OnLine(offset, ++line))
            {
                int index = Array.BinarySearch(starts, offset);
                line = index >= 0 ? index : ~index - 1;
            }

            lastLine = line;
            return (line, offset - starts[line]);
        }

        private bool OnLine(int offset, int line) =>
            line < starts.Length && starts[line] <= offset && (line + 1 == starts.Length || offset < starts[line + 1]);

        public SourceSpan Span(int start, int end)
        {
            start = Math.Max(0, Math.Min(start, length));
            end = Math.Max(start, Math.Min(end, length));
            var (startLine, startColumn) = Position(start);
            var (endLine, endColumn) = Position(end);
            return new SourceSpan(start, end - start, startLine, startColumn, endLine, endColumn);
        }
    }
}
