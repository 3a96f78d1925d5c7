/// The one loop that streams a sample source through a `FrameAnalyzer`: every caller that wants the frames of a
/// whole source (the onset pass, the in-memory `Spectrogram`, `soundsort speed`) goes through it, so all pad the
/// file's edges and trim the window the same way.
///
/// Frame `i` is centred at sample `i × hop`; there are `samples / hop + 1` frames. Samples before the file read as
/// its first frame and samples after its end as its last (per channel).
public struct FrameStream {
    /// Frames (samples per channel) decoded at a time: 1.5 s at 44.1 kHz, large enough that a read's overhead is
    /// nothing, small enough that the window stays a few hundred kB.
    public static let blockFrames = 65_536

    /// What a stream leaves besides its frames.
    public struct Summary: Sendable {
        /// Frames (samples per channel) in the source.
        public var sampleCount = 0
        /// Frames analysed.
        public var frameCount = 0
        /// The source's first and last frame, one value per channel: they stand for the samples before and after it.
        public var firstFrame: [Float] = []
        public var lastFrame: [Float] = []
    }

    public let analyzer: FrameAnalyzer

    public init(analyzer: FrameAnalyzer) {
        self.analyzer = analyzer
    }

    /// Reads `source` once from where it stands and calls `frame` for each frame, in order, with its index, its
    /// log-mel row (log10(1 + magnitude)), its linear mel row and the sum of its mel magnitudes (`FrameAnalyzer`).
    /// The rows are valid only during the call; `analyzer.octavePowers` reads the same frame then.
    /// - Parameters:
    ///   - blockDone: called after each block with the frames analysed so far.
    /// - Complexity: one FFT per hop and channel; memory: one block of samples, no allocation per frame.
    @discardableResult
    public func run(_ source: SampleSource, blockDone: (Int) -> Void = { _ in },
                    frame body: (_ index: Int, _ row: UnsafeBufferPointer<Float>, _ linear: UnsafeBufferPointer<Float>,
                                 _ magnitude: Float) -> Void) throws(TranscribeError) -> Summary {
        let channels = source.channelCount
        var summary = Summary()
        summary.firstFrame = [Float](repeating: 0, count: channels)
        summary.lastFrame = summary.firstFrame
        var window: [Float] = []
        window.reserveCapacity(2 * Self.blockFrames * channels)
        var row = [Float](repeating: 0, count: analyzer.bandCount)
        var linear = row
        var base = 0
        var total = 0
        var next = 0
        var endOfFile = false
        while !endOfFile {
            let read = try source.read(maxFrames: Self.blockFrames, appendingTo: &window)
            if total == 0, read > 0 { summary.firstFrame = Array(window[0..<channels]) }
            total += read
            endOfFile = read == 0
            if read > 0 { summary.lastFrame = Array(window[(window.count - channels)...]) }
            let last = endOfFile ? Spectrogram.frameCount(samples: total, hop: analyzer.hop) : Int.max
            let leadingValues = summary.firstFrame, trailingValues = summary.lastFrame
            window.withUnsafeBufferPointer { samples in
                row.withUnsafeMutableBufferPointer { row in
                    linear.withUnsafeMutableBufferPointer { linear in
                        leadingValues.withUnsafeBufferPointer { leading in
                            trailingValues.withUnsafeBufferPointer { trailing in
                                let audio = AudioWindow(samples: samples, channelCount: channels, base: base, end: endOfFile ? total : Int.max)
                                while next < last && (endOfFile || analyzer.endSample(ofFrame: next) <= total) {
                                    let magnitude = analyzer.analyse(frame: next, window: audio, leading: leading, trailing: trailing,
                                                                     into: row, linear: linear)
                                    body(next, UnsafeBufferPointer(row), UnsafeBufferPointer(linear), magnitude)
                                    next += 1
                                }
                            }
                        }
                    }
                }
            }
            blockDone(next)
            // Keep only the samples frames still to come will read.
            let keepFrom = min(max(base, analyzer.firstSample(ofFrame: next)), base + window.count / channels)
            if keepFrom - base >= Self.blockFrames {
                window.removeFirst((keepFrom - base) * channels)
                base = keepFrom
            }
        }
        summary.sampleCount = total
        summary.frameCount = next
        return summary
    }
}
