/// Mono samples pulled in blocks, from the start again for each pass over the audio.
public protocol SampleSource: AnyObject {
    var sampleRate: Double { get }
    /// Starts over at the first sample.
    func rewind() throws(TranscribeError)
    /// Appends up to `maxFrames` samples to `buffer`; returns how many (0 at the end).
    func read(maxFrames: Int, appendingTo buffer: inout [Float]) throws(TranscribeError) -> Int
}

/// An audio file as a sample source: decoded in blocks, reopened for each pass.
public final class FileSampleSource: SampleSource {
    public let path: String
    public let sampleRate: Double
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
        declaredFrameCount = file.declaredFrameCount
    }

    public func rewind() throws(TranscribeError) {
        if pass == 0 { nonFiniteSamples = file.nonFiniteSampleCount }
        pass += 1
        file = try AudioFile(path: path)
    }

    public func read(maxFrames: Int, appendingTo buffer: inout [Float]) throws(TranscribeError) -> Int {
        let read = try file.readMono(maxFrames: maxFrames, appendingTo: &buffer)
        if pass == 0 { nonFiniteSamples = file.nonFiniteSampleCount }
        return read
    }
}

/// Samples already in memory as a source.
public final class ArraySampleSource: SampleSource {
    public let sampleRate: Double
    private let samples: [Float]
    private var position = 0

    public init(samples: [Float], sampleRate: Double) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    public func rewind() { position = 0 }

    public func read(maxFrames: Int, appendingTo buffer: inout [Float]) -> Int {
        let count = min(maxFrames, samples.count - position)
        buffer.append(contentsOf: samples[position..<(position + count)])
        position += count
        return count
    }
}
