namespace CrossLMM.Zoo.Tools.Video;

/// <summary>What ffprobe says about a video's first video stream.</summary>
/// <param name="Path">The file.</param>
/// <param name="DurationSeconds">Duration of the stream (or the container when the stream has none).</param>
/// <param name="FrameCount">Frames in the stream (counted packets; estimated from duration × rate when ffprobe cannot count).</param>
/// <param name="Width">Frame width in pixels.</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="FrameRate">Average frames per second.</param>
public sealed record VideoProbe(string Path, double DurationSeconds, int FrameCount, int Width, int Height, double FrameRate);

/// <summary>Frames decoded from a video.</summary>
/// <param name="Probe">The source.</param>
/// <param name="Indices">The source frame index of each decoded frame (uniform over the duration).</param>
/// <param name="Size">Side of the square frames, pixels.</param>
/// <param name="Rgb">One H·W·3 RGB byte buffer (row-major, interleaved) per decoded frame.</param>
public sealed record DecodedFrames(VideoProbe Probe, int[] Indices, int Size, byte[][] Rgb);
