using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Video;

namespace CrossLMM.Zoo.Cli.Tests.Tools;

public class FrameReaderTests
{
    [Theory]
    [InlineData(25, 6, new[] { 2, 6, 10, 14, 18, 22 })]
    [InlineData(25, 1, new[] { 12 })]
    [InlineData(3, 6, new[] { 0, 0, 1, 1, 2, 2 })]
    [InlineData(10, 10, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    public void SampleIndices_AreSegmentCentres(int frameCount, int frames, int[] expected) =>
        Assert.Equal(expected, FfmpegFrameReader.SampleIndices(frameCount, frames));

    [Fact]
    public void Read_TestSource_GivesTheRequestedFramesAtTheRequestedSize()
    {
        using var dir = new TempDir();
        string video = TestVideo.Create(dir.File("testsrc.mp4"));
        var probe = FfmpegFrameReader.Probe(video);
        Assert.Equal(25, probe.FrameCount);
        Assert.Equal(1.0, probe.DurationSeconds, 2);
        Assert.Equal((320, 240), (probe.Width, probe.Height));

        var frames = FfmpegFrameReader.Read(video, 5, 48);
        Assert.Equal(new[] { 2, 7, 12, 17, 22 }, frames.Indices);
        Assert.Equal(5, frames.Rgb.Length);
        Assert.All(frames.Rgb, f => Assert.Equal(48 * 48 * 3, f.Length));
        Assert.NotEqual(frames.Rgb[0], frames.Rgb[4]);   // testsrc moves: sampled frames differ

        using var tensor = FfmpegFrameReader.ToTensor(frames);
        Assert.Equal(new long[] { 5, 3, 48, 48 }, tensor.shape);
        Assert.True(tensor.min().item<float>() >= -1f && tensor.max().item<float>() <= 1f);
        // CHW layout: channel 0 of pixel 0 of frame 0 is the first red byte, normalised.
        Assert.Equal((frames.Rgb[0][0] / 255f - 0.5f) / 0.5f, tensor[0, 0, 0, 0].item<float>(), 6);
        Assert.Equal((frames.Rgb[0][1] / 255f - 0.5f) / 0.5f, tensor[0, 1, 0, 0].item<float>(), 6);
    }

    [Fact]
    public void Read_MoreFramesThanTheVideoHas_RepeatsFrames()
    {
        using var dir = new TempDir();
        string video = TestVideo.Create(dir.File("testsrc.mp4"));
        var frames = FfmpegFrameReader.Read(video, 50, 16);
        Assert.Equal(50, frames.Rgb.Length);
        Assert.Equal(frames.Rgb[0], frames.Rgb[1]);   // frame 0 twice
    }

    [Fact]
    public void Probe_NotAVideo_IsAUserError()
    {
        using var dir = new TempDir();
        string path = dir.Write("not-a-video.mp4", "hello");
        var e = Assert.Throws<ZooUserException>(() => FfmpegFrameReader.Probe(path));
        Assert.StartsWith($"ffprobe cannot read '{path}'", e.Message);
    }
}
