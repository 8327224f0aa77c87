using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Tools.Text;
using CrossLMM.Zoo.Tools.Video;

namespace CrossLMM.Zoo.Tools.Training.Data;

/// <summary>One line of a video question-answering JSONL file.</summary>
/// <param name="Video">The video file (resolved against the JSONL file's folder).</param>
/// <param name="Question">The question text.</param>
/// <param name="Answer">The answer text (the only tokens the loss is taken on).</param>
/// <param name="Source">File and line, for error messages.</param>
public sealed record VideoQaExample(string Video, string Question, string Answer, string Source);

/// <summary>
/// Video question answering from JSONL files of <c>{"video": …, "question": …, "answer": …}</c>. Videos are decoded with
/// ffmpeg (T frames sampled uniformly, resized to the vision tower's image size; decoded once and kept); the text is
/// <c>[question][answer][eos]</c> after the video, teacher-forced, and the loss is the cross-entropy of the answer and
/// end-of-sequence tokens only. Each epoch visits the training examples in a fresh permutation drawn from the data seed.
/// </summary>
public sealed class JsonlVideoQaData : TrainingData
{
    private const int Ignore = -100;
    private readonly IReadOnlyList<VideoQaExample> _train;
    private readonly IReadOnlyList<VideoQaExample> _validation;
    private readonly IReadOnlyList<VideoQaExample> _test;
    private readonly ITokenizer _tokenizer;
    private readonly int _frames;
    private readonly int _image;
    private readonly int _seed;
    private readonly ConcurrentDictionary<string, DecodedFrames> _decoded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, int[]> _permutations = new();

    /// <summary>Reads the splits and checks that the tokenizer fits the model.</summary>
    /// <param name="train">Training JSONL.</param>
    /// <param name="validation">Validation JSONL, or null.</param>
    /// <param name="test">Test JSONL, or null.</param>
    /// <param name="config">The architecture (image size, vocabulary).</param>
    /// <param name="frames">Frames per video.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="seed">The data seed (epoch order).</param>
    /// <exception cref="ZooUserException">A malformed line, an empty training file, or a tokenizer larger than the model's vocabulary.</exception>
    public JsonlVideoQaData(string train, string? validation, string? test, ArchitectureConfig config, int frames, ITokenizer tokenizer, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        if (config.Vision.Kind != VisionKind.Vit)
        {
            throw new ZooUserException($"JSONL video data needs a ViT vision tower; {config.Stem} has vision {YamlNames.Of(config.Vision.Kind)}");
        }

        if (tokenizer.VocabSize > config.Llm.Vocab)
        {
            throw new ZooUserException($"the tokenizer '{tokenizer.Name}' has {tokenizer.VocabSize} tokens but {config.Stem} at this preset has a vocabulary of {config.Llm.Vocab}");
        }

        _train = Read(train);
        if (_train.Count == 0)
        {
            throw new ZooUserException($"{train}: no examples");
        }

        _validation = validation is null ? Array.Empty<VideoQaExample>() : Read(validation);
        _test = test is null ? Array.Empty<VideoQaExample>() : Read(test);
        _frames = frames;
        _image = config.Vision.Image;
        _seed = seed;
    }

    /// <inheritdoc/>
    public override int? TrainSize => _train.Count;

    /// <inheritdoc/>
    public override string ScoredUnit => "answer tokens";

    /// <summary>Reads a JSONL file of examples.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ZooUserException">A line that is not an object with string fields video, question and answer (file and line named).</exception>
    public static IReadOnlyList<VideoQaExample> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var examples = new List<VideoQaExample>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            string where = $"{path}({line})";
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ZooUserException($"{where}: expected a JSON object {{video, question, answer}}, got {json.RootElement.ValueKind}");
                }

                string Field(string name) => json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()!
                    : throw new ZooUserException($"{where}: missing string field '{name}' (each line is {{\"video\": …, \"question\": …, \"answer\": …}})");
                string video = Field("video");
                examples.Add(new VideoQaExample(Path.IsPathRooted(video) ? video : Path.GetFullPath(Path.Combine(folder, video)), Field("question"), Field("answer"), where));
            }
            catch (JsonException e)
            {
                throw new ZooUserException($"{where}: invalid JSON: {e.Message}", e);
            }
        }

        return examples;
    }

    /// <inheritdoc/>
    public override HostBatch Train(long index, int size)
    {
        var items = new VideoQaExample[size];
        for (int i = 0; i < size; i++)
        {
            long position = index * size + i;
            int epoch = (int)(position / _train.Count);
            var order = _permutations.GetOrAdd(epoch, e => Permutation(_train.Count, new Random(Mix(_seed, e))));
            items[i] = _train[order[position % _train.Count]];
        }

        return Host(items);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<HostBatch> Split(EvaluationSplit split, int size)
    {
        var examples = split == EvaluationSplit.Validation ? _validation : _test;
        return examples.Chunk(size).Select(Host).ToArray();
    }

    private HostBatch Host(VideoQaExample[] items)
    {
        var frames = items.Select(e => _decoded.GetOrAdd(e.Video, v => Decode(v, e.Source))).ToArray();
        var texts = items.Select(Tokens).ToArray();
        int length = texts.Max(t => t.Ids.Length);
        var ids = new long[items.Length * length];
        var labels = new long[items.Length * length];
        var padding = new long[items.Length * length];
        Array.Fill(ids, _tokenizer.PadId);
        Array.Fill(labels, Ignore);
        for (int b = 0; b < items.Length; b++)
        {
            var (tokens, answerFrom) = texts[b];
            for (int i = 0; i < tokens.Length; i++)
            {
                ids[b * length + i] = tokens[i];
                padding[b * length + i] = 1;
                if (i + 1 >= answerFrom && i + 1 < tokens.Length)
                {
                    labels[b * length + i] = tokens[i + 1];   // position i predicts token i + 1
                }
            }
        }

        return new JsonlHost(frames, ids, labels, padding, items.Length, length);
    }

    private (int[] Ids, int AnswerFrom) Tokens(VideoQaExample example)
    {
        var question = _tokenizer.Encode(example.Question, addBos: true);
        var answer = _tokenizer.Encode(" " + example.Answer, addBos: false);
        if (answer.Length == 0)
        {
            throw new ZooUserException($"{example.Source}: the answer is empty");
        }

        return (question.Concat(answer).Append(_tokenizer.EosId).ToArray(), question.Length);
    }

    private DecodedFrames Decode(string video, string source)
    {
        if (!File.Exists(video))
        {
            throw new ZooUserException($"{source}: video not found: '{video}'");
        }

        return FfmpegFrameReader.Read(video, _frames, _image);
    }

    private static int[] Permutation(int count, Random random)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }

    private sealed class JsonlHost : HostBatch
    {
        private readonly DecodedFrames[] _frames;
        private readonly long[] _ids, _labels, _padding;
        private readonly int _length;

        public JsonlHost(DecodedFrames[] frames, long[] ids, long[] labels, long[] padding, int size, int length)
        {
            _frames = frames;
            _ids = ids;
            _labels = labels;
            _padding = padding;
            Size = size;
            _length = length;
        }

        public override int Size { get; }

        public override TrainingBatch ToTensors()
        {
            using var scope = torch.NewDisposeScope();
            var video = torch.stack(_frames.Select(FfmpegFrameReader.ToTensor).ToArray());   // [B, T, 3, S, S]
            var shape = new long[] { Size, _length };
            var input = new VideoLmmInput(video.MoveToOuterDisposeScope(), torch.tensor(_ids, shape).MoveToOuterDisposeScope(),
                torch.tensor(_padding, shape).MoveToOuterDisposeScope(), VideoPosition: 0, LogitsToKeep: _length);
            return new Tensors(input, torch.tensor(_labels, shape).MoveToOuterDisposeScope(), Size);
        }
    }

    private sealed class Tensors : TrainingBatch
    {
        private readonly Tensor _labels;

        public Tensors(VideoLmmInput input, Tensor labels, int size)
        {
            Input = input;
            _labels = labels;
            Size = size;
        }

        public override VideoLmmInput Input { get; }

        public override int Size { get; }

        public override BatchScore Score(Tensor logits)
        {
            using var scope = torch.NewDisposeScope();
            var text = logits.to(ScalarType.Float32);                              // [B, L, V] (the video sits before the text)
            var flat = text.reshape(-1, text.shape[^1]);                           // [B·L, V]
            var labels = _labels.reshape(-1);                                      // [B·L]
            var loss = nn.functional.cross_entropy(flat, labels, ignore_index: Ignore);
            var scored = labels.ne(Ignore);
            long count = scored.sum().item<long>();
            long correct = flat.argmax(1).eq(labels).logical_and(scored).sum().item<long>();
            return new BatchScore(loss.MoveToOuterDisposeScope(), correct, count);
        }

        public override void Dispose()
        {
            Input.Video.Dispose();
            Input.InputIds.Dispose();
            Input.Padding?.Dispose();
            _labels.Dispose();
        }
    }
}
