using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace CrossLMM.Zoo.Spec.Yaml
{
    /// <summary>
    /// Reads YAML text into a located <see cref="YNode"/> tree from YamlDotNet's event stream. Never throws:
    /// every failure (YamlException, and the bare exceptions YamlDotNet throws for some malformed input)
    /// becomes a CLMZ0001 diagnostic at the best known position. Builds the tree iteratively with a depth
    /// cap, so deeply nested input cannot overflow the stack of the compiler process.
    /// </summary>
    internal static class YamlLoader
    {
        public const int MaxDepth = 64;

        private static readonly Regex MarkPrefix = new Regex(
            @"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ",
            RegexOptions.CultureInvariant);

        /// <summary>Loads a single-document file. Returns the root (an empty mapping for an empty file), or null after reporting.</summary>
        public static YNode? Load(string text, DiagnosticBag bag)
        {
            var map = new LineMap(text);
            var scanner = new Scanner(new StringReader(text), skipComments: true);
            var parser = new Parser(scanner);
            var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
            var stack = new Stack<Frame>();
            YNode? root = null;
            int documents = 0;
            Mark last = Mark.Empty;
            try
            {
                while (parser.MoveNext())
                {
                    var ev = parser.Current!;
                    last = ev.Start;
                    switch (ev)
                    {
                        case DocumentStart start:
                            documents++;
                            if (documents > 1)
                            {
                                bag.Report(SpecMessages.SecondDocument(), ToSpan(map, start.Start, start.End));
                                return null;
                            }

                            break;
                        case Scalar scalar:
                            {
                                var node = new YScalar(scalar.Value, StyleOf(scalar.Style), ToSpan(map, scalar.Start, scalar.End), TagOf(scalar.Tag));
                                Remember(anchors, scalar.Anchor, node);
                                root = Attach(stack, node) ?? root;
                                break;
                            }

                        case AnchorAlias alias:
                            {
                                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                                {
                                    bag.Report(SpecMessages.UndefinedAlias(alias.Value.Value), ToSpan(map, alias.Start, alias.End));
                                    return null;
                                }

                                root = Attach(stack, target.At(ToSpan(map, alias.Start, alias.End))) ?? root;
                                break;
                            }

                        case SequenceStart seq:
                            if (!Push(map, stack, new Frame(seq.Start, seq.Anchor, isMapping: false), bag))
                            {
                                return null;
                            }

                            break;
                        case MappingStart mapping:
                            if (!Push(map, stack, new Frame(mapping.Start, mapping.Anchor, isMapping: true), bag))
                            {
                                return null;
                            }

                            break;
                        case SequenceEnd:
                        case MappingEnd:
                            {
                                var frame = stack.Pop();
                                var node = frame.Build(ToSpan(map, frame.StartMark, ev.End));
                                Remember(anchors, frame.Anchor, node);
                                root = Attach(stack, node) ?? root;
                                break;
                            }
                    }
                }
            }
            catch (YamlException ex)
            {
                // Some scanner errors (a tab used as indentation) carry Mark.Empty, which reads as (1,1): the
                // scanner's cursor is where the problem is.
                bool located = ex.Start.Line > 0 && !(ex.Start.Index == 0 && ex.End.Index == 0);
                var start = located ? ex.Start : SafePosition(scanner, last);
                var end = ex.End.Line > 0 && ex.End.Index >= start.Index ? ex.End : start;
                bag.Report(SpecMessages.YamlError(MarkPrefix.Replace(ex.Message, string.Empty).Trim()), ToSpan(map, start, end));
                return null;
            }
            catch (Exception ex)
            {
                // YamlDotNet 16.3 throws a bare InvalidOperationException for e.g. an unclosed flow sequence.
                var at = SafePosition(scanner, last);
                bag.Report(SpecMessages.MalformedYaml(ex.GetType().Name, ex.Message), ToSpan(map, at, at));
                return null;
            }

            return root ?? new YMapping(new KeyValuePair<YNode, YNode>[0], SourceSpan.FileStart);
        }

        /// <summary>The span between two marks. Offsets come from the marks; lines and columns from <paramref name="map"/>.</summary>
        public static SourceSpan ToSpan(LineMap map, Mark start, Mark end) => map.Span(ClampInt(start.Index), ClampInt(end.Index));

        private static int ClampInt(long value) => value < 0 ? 0 : value > int.MaxValue ? int.MaxValue : (int)value;

        private static Mark SafePosition(Scanner scanner, Mark fallback)
        {
            try
            {
                var position = scanner.CurrentPosition;
                return position.Line > 0 ? position : fallback;
            }
            catch (Exception)
            {
                return fallback;
            }
        }

        // The explicit tag in its short form (!!str, !!int, !custom), or null when the scalar has none.
        private static string? TagOf(TagName tag)
        {
            if (tag.IsEmpty)
            {
                return null;
            }

            const string core = "tag:yaml.org,2002:";
            string value = tag.Value;
            return value.StartsWith(core, StringComparison.Ordinal) ? "!!" + value.Substring(core.Length) : value;
        }

        private static YScalarStyle StyleOf(ScalarStyle style) => style switch
        {
            ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => YScalarStyle.Quoted,
            ScalarStyle.Literal or ScalarStyle.Folded => YScalarStyle.Block,
            _ => YScalarStyle.Plain,
        };

        private static void Remember(Dictionary<string, YNode> anchors, AnchorName anchor, YNode node)
        {
            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = node;
            }
        }

        private static bool Push(LineMap map, Stack<Frame> stack, Frame frame, DiagnosticBag bag)
        {
            if (stack.Count >= MaxDepth)
            {
                bag.Report(SpecMessages.TooDeep(MaxDepth), ToSpan(map, frame.StartMark, frame.StartMark));
                return false;
            }

            stack.Push(frame);
            return true;
        }

        /// <summary>Adds a finished node to the open collection; returns it when it is the document root.</summary>
        private static YNode? Attach(Stack<Frame> stack, YNode node)
        {
            if (stack.Count == 0)
            {
                return node;
            }

            stack.Peek().Add(node);
            return null;
        }

        private sealed class Frame
        {
            // A mapping collects its pairs as they complete (key, then value); a sequence its items.
            private readonly List<YNode>? items;
            private readonly List<KeyValuePair<YNode, YNode>>? pairs;
            private YNode? key;

            public Frame(Mark start, AnchorName anchor, bool isMapping)
            {
                StartMark = start;
                Anchor = anchor;
                if (isMapping)
                {
                    pairs = new List<KeyValuePair<YNode, YNode>>();
                }
                else
                {
                    items = new List<YNode>();
                }
            }

            public Mark StartMark { get; }

            public AnchorName Anchor { get; }

            public void Add(YNode node)
            {
                if (pairs is null)
                {
                    items!.Add(node);
                }
                else if (key is null)
                {
                    key = node;
                }
                else
                {
                    pairs.Add(new KeyValuePair<YNode, YNode>(key, node));
                    key = null;
                }
            }

            public YNode Build(SourceSpan span) => pairs is null ? new YSequence(items!, span) : new YMapping(pairs, span);
        }
    }
}
