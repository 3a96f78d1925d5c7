/// A stretch of a file's audio as the analysis reads it: interleaved frames of every channel, placed in the file.
///
/// Every stage that reads samples (the STFT, the pitch of what starts at an onset, an event's level) reads them
/// through a window and combines the channels by power, never by adding samples: a sound that is in opposite phase
/// in two channels cancels in a mono mix but not in the sum of the channels' power spectra. For one channel the
/// numbers are those of the mono signal itself.
public struct AudioWindow {
    /// Interleaved frames, `channelCount` values each.
    public let samples: UnsafeBufferPointer<Float>
    public let channelCount: Int
    /// Absolute index (in the file) of the first frame in `samples`.
    public let base: Int
    /// Frames in the file: frames from here on are past its end.
    public let end: Int

    /// - Parameters:
    ///   - samples: interleaved frames; they must cover the frames a stage reads that lie within `0..<end`.
    ///   - channelCount: values per frame, 1 or more.
    ///   - base: absolute index of the first frame.
    ///   - end: frames in the file (`Int.max` while unknown).
    public init(samples: UnsafeBufferPointer<Float>, channelCount: Int, base: Int, end: Int) {
        precondition(channelCount >= 1, "a window has at least one channel")
        self.samples = samples
        self.channelCount = channelCount
        self.base = base
        self.end = end
    }

    /// A mono window over `samples`, which start at absolute frame `base`.
    public init(mono samples: UnsafeBufferPointer<Float>, base: Int = 0, end: Int) {
        self.init(samples: samples, channelCount: 1, base: base, end: end)
    }

    /// The sample of `channel` at absolute frame `frame` (which must lie in the window).
    @inline(__always)
    public func sample(frame: Int, channel: Int) -> Float { samples[(frame - base) * channelCount + channel] }

    /// Writes `window.count` frames of `channel` from absolute frame `start`, each times its `window` weight, into
    /// `output`: the frame every spectrum is taken of. Frames before the file read as `before`, past its end as `after`.
    @inline(__always)
    func windowedFrames(channel: Int, from start: Int, window: UnsafeBufferPointer<Float>,
                        into output: UnsafeMutableBufferPointer<Float>, before: Float = 0, after: Float = 0) {
        let size = window.count
        if start >= 0 && start + size <= end && channelCount == 1 {
            // Contiguous: a loop the compiler vectorises.
            let first = start - base
            for i in 0..<size { output[i] = samples[first + i] * window[i] }
        } else if start >= 0 && start + size <= end {
            var position = (start - base) * channelCount + channel
            for i in 0..<size {
                output[i] = samples[position] * window[i]
                position += channelCount
            }
        } else {
            for i in 0..<size {
                let s = start + i
                let value = s < 0 ? before : (s < end ? sample(frame: s, channel: channel) : after)
                output[i] = value * window[i]
            }
        }
    }
}
