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

/// A source that holds every value it gives in memory (once a first pass has read it through), so that a later
/// stage may read any stretch of it without a second pass.
public protocol HeldSampleSource: SampleSource {
    /// Every value, interleaved; nil when not (or not yet) held.
    var allSamples: [Float]? { get }
}

/// An audio file (or a file's bytes in memory) as a sample source: decoded in blocks, reopened for each pass.
public final class FileSampleSource: SampleSource {
    public let path: String
    /// The file's bytes, when it is read from memory.
    private let bytes: [UInt8]?
    public let sampleRate: Double
    public let channelCount: Int
    /// Frames the file's header announces (it may lie).
    public let declaredFrameCount: Int64
    private var file: AudioFile
    /// Samples of the first pass that were invalid (`AudioFile.invalidSampleCount`).
    public private(set) var invalidSamples = 0
    private var pass = 0

    public init(path: String) throws(TranscribeError) {
        self.path = path
        bytes = nil
        file = try AudioFile(path: path)
        sampleRate = file.sampleRate
        channelCount = file.channelCount
        declaredFrameCount = file.declaredFrameCount
    }

    /// A file's bytes held in memory; `path` names them in errors.
    public init(bytes: [UInt8], path: String) throws(TranscribeError) {
        self.path = path
        self.bytes = bytes
        file = try AudioFile(bytes: bytes, path: path)
        sampleRate = file.sampleRate
        channelCount = file.channelCount
        declaredFrameCount = file.declaredFrameCount
    }

    public func rewind() throws(TranscribeError) {
        if pass == 0 { invalidSamples = file.invalidSampleCount }
        pass += 1
        if let bytes { file = try AudioFile(bytes: bytes, path: path) } else { file = try AudioFile(path: path) }
    }

    public func read(maxFrames: Int, appendingTo buffer: inout [Float]) throws(TranscribeError) -> Int {
        let read = try file.read(maxFrames: maxFrames, appendingTo: &buffer)
        if pass == 0 { invalidSamples = file.invalidSampleCount }
        return read
    }
}

/// Samples already in memory as a source.
public final class ArraySampleSource: HeldSampleSource {
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

    public var allSamples: [Float]? { samples }

    public func rewind() { position = 0 }

    public func read(maxFrames: Int, appendingTo buffer: inout [Float]) -> Int {
        let count = min(maxFrames * channelCount, samples.count - position) / channelCount * channelCount
        buffer.append(contentsOf: samples[position..<(position + count)])
        position += count
        return count / channelCount
    }
}

/// A source that keeps what its first pass reads, up to a budget, so that later passes replay it from memory
/// instead of decoding (and resampling) the file again.
///
/// Past the budget it lets the recording go and rewinds the source it wraps, as if there were no recording: memory
/// stays bounded on long files, which are decoded once per pass.
public final class ReplayableSource: HeldSampleSource {
    /// At most this many values (samples of every channel) are kept: 128 MB of `Float`, 12 minutes of mono or 6 of
    /// stereo audio at 44.1 kHz. An hour-long mix is decoded twice rather than held.
    public static let budgetValues = 32 * 1_048_576

    public let wrapped: SampleSource
    public var sampleRate: Double { wrapped.sampleRate }
    public var channelCount: Int { wrapped.channelCount }
    private var recorded: [Float] = []
    /// Whether the first pass is still being recorded (false once it went past the budget, or never began).
    private var recording: Bool
    /// Whether the first pass reached the end of the source.
    private var complete = false
    /// Position in `recorded` while replaying; nil while reading `wrapped`.
    private var replayPosition: Int?

    /// - Parameter expectedValues: about how many values the source holds; beyond the budget nothing is recorded.
    public init(_ source: SampleSource, expectedValues: Int) {
        wrapped = source
        recording = expectedValues <= Self.budgetValues
        if recording { recorded.reserveCapacity(expectedValues) }
    }

    /// Every value (interleaved) of the first pass, once it was recorded to its end within the budget.
    public var allSamples: [Float]? { recording && complete ? recorded : nil }

    public func rewind() throws(TranscribeError) {
        if recording && complete {
            replayPosition = 0
        } else {
            recording = false
            recorded = []
            try wrapped.rewind()
        }
    }

    public func read(maxFrames: Int, appendingTo buffer: inout [Float]) throws(TranscribeError) -> Int {
        if let position = replayPosition {
            let count = min(maxFrames * channelCount, recorded.count - position)
            buffer.append(contentsOf: recorded[position..<(position + count)])
            replayPosition = position + count
            return count / channelCount
        }
        let start = buffer.count
        let read = try wrapped.read(maxFrames: maxFrames, appendingTo: &buffer)
        if read == 0 { complete = true }
        if recording {
            if recorded.count + read * channelCount > Self.budgetValues {
                recording = false
                recorded = []
            } else {
                recorded.append(contentsOf: buffer[start...])
            }
        }
        return read
    }
}
