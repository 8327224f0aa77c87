using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using CrossLMM.Zoo.Notebooks.Runner.Notebook;

namespace CrossLMM.Zoo.Notebooks.Runner.Execution;

/// <summary>
/// Collects one cell's outputs in the order they happen: console text (consecutive writes to the same
/// stream merge into one <c>stream</c> output, as Jupyter does) and <c>display()</c> calls.
/// </summary>
internal sealed class CellOutputCollector : IDisplaySink
{
    private readonly object _gate = new();
    private readonly List<CellOutput> _outputs = new();
    private readonly StringBuilder _pending = new();
    private string? _pendingStream;

    public CellOutputCollector()
    {
        Out = new StreamWriter(this, "stdout");
        Error = new StreamWriter(this, "stderr");
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public void Display(object? value, string[] mimeTypes)
    {
        ArgumentNullException.ThrowIfNull(mimeTypes);
        string mime = mimeTypes.Length == 0 ? "text/plain" : mimeTypes[0];
        lock (_gate)
        {
            Flush();
            _outputs.Add(new DisplayOutput(mime, ValueText.Format(value)));
        }
    }

    public void Add(CellOutput output)
    {
        lock (_gate)
        {
            Flush();
            _outputs.Add(output);
        }
    }

    public IReadOnlyList<CellOutput> Outputs()
    {
        lock (_gate)
        {
            Flush();
            return _outputs.ToArray();
        }
    }

    private void Write(string stream, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_pendingStream != stream)
            {
                Flush();
                _pendingStream = stream;
            }

            _pending.Append(text);
        }
    }

    private void Flush()
    {
        if (_pendingStream is not null && _pending.Length > 0)
        {
            _outputs.Add(new StreamOutput(_pendingStream, _pending.ToString()));
        }

        _pending.Clear();
        _pendingStream = null;
    }

    private sealed class StreamWriter : TextWriter
    {
        private readonly CellOutputCollector _owner;
        private readonly string _stream;

        public StreamWriter(CellOutputCollector owner, string stream)
        {
            _owner = owner;
            _stream = stream;
            NewLine = "\n";
        }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => _owner.Write(_stream, value.ToString());

        public override void Write(string? value) => _owner.Write(_stream, value ?? string.Empty);

        public override void Write(char[] buffer, int index, int count) => _owner.Write(_stream, new string(buffer, index, count));
    }
}
