using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Text;
using CrossLMM.Zoo.Tools.Training;
using CrossLMM.Zoo.Tools.Training.Data;

namespace CrossLMM.Zoo.Cli.Tests.Training;

public sealed class JsonlDataTests
{
    [Fact]
    public void Train_ScoresOnlyTheAnswerAndEndTokens()
    {
        using var dir = new TempDir();
        TestVideo.Create(dir.File("clip.mp4"));
        string train = dir.Write("train.jsonl", "{\"video\": \"clip.mp4\", \"question\": \"What?\", \"answer\": \"red\"}\n\n{\"video\": \"clip.mp4\", \"question\": \"Colour of it?\", \"answer\": \"blue sky\"}\n");
        var config = ZooCatalog.Config("crosslmm", "tiny");
        var data = new JsonlVideoQaData(train, null, train, config, frames: 2, new ByteTokenizer(config.Llm.Vocab), seed: 1);
        Assert.Equal(2, data.TrainSize);

        using var batch = data.Split(EvaluationSplit.Test, 8).Single().ToTensors();
        // [bos] What? [ red][eos] and [bos] Colour of it? [ blue sky][eos]: the answers' bytes and end tokens are scored.
        int scored = (" red".Length + 1) + (" blue sky".Length + 1);
        Assert.Equal(new long[] { 2, 2, 3, 32, 32 }, batch.Input.Video.shape);
        Assert.Equal(new long[] { 2, 1 + "Colour of it?".Length + " blue sky".Length + 1 }, batch.Input.InputIds.shape);
        using var logits = torch.zeros(2, batch.Input.InputIds.shape[1], config.Llm.Vocab);
        using var score = batch.Score(logits);
        Assert.Equal(scored, score.Count);
        Assert.Equal(System.Math.Log(config.Llm.Vocab), score.Loss.item<float>(), 4);   // uniform logits
    }

    [Fact]
    public void Run_JsonlRecipe_TrainsWithEpochs()
    {
        using var dir = new TempDir();
        TestVideo.Create(dir.File("clip.mp4"));
        dir.Write("train.jsonl", string.Concat(Enumerable.Range(0, 3).Select(i => $"{{\"video\": \"clip.mp4\", \"question\": \"q{i}\", \"answer\": \"a{i}\"}}\n")));
        string recipe = dir.Write("r.yaml", """
            model: { architecture: crosslmm, preset: tiny }
            data: { source: train.jsonl, validation: train.jsonl, frames: 2 }
            optimizer: { lr: 0.001 }
            training: { epochs: 2, batch_size: 2 }
            """);
        var run = Trainer.Run(CrossLMM.Zoo.Tools.Training.Recipes.RecipeReader.Read(recipe));
        Assert.Equal(4, run.TotalSteps);   // ceil(3 / 2) batches × 2 epochs
        Assert.Equal(8, run.Samples);
        Assert.All(run.Steps, s => Assert.True(double.IsFinite(s.Loss) && s.Loss > 0));
        Assert.Null(run.Test);   // no test split given
    }

    [Fact]
    public void Read_MalformedLine_NamesFileAndLine()
    {
        using var dir = new TempDir();
        string path = dir.Write("bad.jsonl", "{\"video\": \"a.mp4\", \"question\": \"q\", \"answer\": \"a\"}\n{\"video\": \"a.mp4\", \"question\": \"q\"}\n");
        var e = Assert.Throws<ZooUserException>(() => JsonlVideoQaData.Read(path));
        Assert.Equal($"{path}(2): missing string field 'answer' (each line is {{\"video\": …, \"question\": …, \"answer\": …}})", e.Message);
    }
}
