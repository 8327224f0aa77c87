using System.Text;

namespace CrossLMM.Zoo.Generators
{
    /// <summary>An indenting line writer with '\n' line ends (deterministic on every OS).</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder sb = new StringBuilder();
        private int indent;

        public CodeWriter Line(string text = "")
        {
            if (text.Length > 0)
            {
                sb.Append(' ', indent * 4).Append(text);
            }

            sb.Append('\n');
            return this;
        }

        public CodeWriter Open(string text = "{")
        {
            Line(text);
            indent++;
            return this;
        }

        public CodeWriter Close(string text = "}")
        {
            indent--;
            Line(text);
            return this;
        }

        public CodeWriter Indent()
        {
            indent++;
            return this;
        }

        public CodeWriter Outdent()
        {
            indent--;
            return this;
        }

        /// <summary>A <c>/// &lt;summary&gt;</c> block of one or more already-escaped lines.</summary>
        public CodeWriter Summary(params string[] lines)
        {
            Line("/// <summary>");
            foreach (string line in lines)
            {
                Line("/// " + line);
            }

            return Line("/// </summary>");
        }

        public override string ToString() => sb.ToString();
    }
}
