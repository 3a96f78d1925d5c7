/// Interleaved frames pulled in blocks, from the start again for each pass over the audio.
public protocol SampleSource: AnyObject {
    var sampleRate: Double { get }
    /// Samples per frame (1 for mono). The analysis reads every channel.
    var channelCount: Int { get }
    /// Starts over at the first frame.
    func rewind() throws(TranscribeError)
    /// Appends up to `maxFrames` frames (`channelCount` values each) to `buffer`; returns how many (0 at the end).
    func read(maxFrames: Int, appendingTo buffer: inout [Float]) throws(TranscribeError) -> Int
}

/// An audio file as a sample source: decoded in blocks, reopened for each pass.
public final class FileSampleSource: SampleSource {
    public let path: String
    public let sampleRate: Double
    public let channelCount: Int
    /// Frames the file's header announces (it may lie).
    public let declaredFrameCount: Int64
    private var file: AudioFile
    /// Samples of the first pass that were NaN or infinite.
    public private(set) var nonFiniteSamples = 0
    private var pass = 0

    public init(path: String) throws(TranscribeError) {
        self.path = path
        file = try AudioFile(path: path)
        sampleRate = file.sampleRate
        channelCount = file.channelCount
        declaredFrameCount = file.declaredFrameCount
    }

    public func rewind() throws(TranscribeError) {
        if pass == 0 { nonFiniteSamples = file.nonFiniteSampleCount }
        pass += 1
        file = try AudioFile(path: path)
    }

    public func read(maxFrames: Int, appendingTo buffer: inout [Float]) throws(TranscribeError) -> Int {
        let read = try file.read(maxFrames: maxFrames, appendingTo: &buffer)
        if pass == 0 { nonFiniteSamples = file.nonFiniteSampleCount }
        return read
    }
}

/// Samples already in memory as a source.
public final class ArraySampleSource: SampleSource {
    public let sampleRate: Double
    public let channelCount: Int
    private let samples: [Float]
    private var position = 0

    /// - Parameters:
    ///   - samples: interleaved frames, `channelCount` values each.
    ///   - sampleRate: frames per second, in Hz (the range `AudioFile` accepts).
    ///   - channelCount: values per frame, 1…`AudioFile.maximumChannelCount`.
    public init(samples: [Float], sampleRate: Double, channelCount: Int = 1) throws(TranscribeError) {
        try AudioFile.checkFormat(sampleRate: sampleRate, channelCount: channelCount)
        guard samples.count % channelCount == 0 else {
            throw .invalidParameter(name: "samples", value: "\(samples.count) values",
                                    allowed: "a multiple of the channel count (\(channelCount))")
        }
        self.samples = samples
        self.sampleRate = sampleRate
        self.channelCount = channelCount
    }

    public func rewind() { position = 0 }

    public func read(maxFrames: Int, appendingTo buffer: inout [Float]) -> Int {
        let count = min(maxFrames * channelCount, samples.count - position) / channelCount * channelCount
        buffer.append(contentsOf: samples[position..<(position + count)])
        position += count
        return count / channelCount
    }
}
