import Foundation

/// Analysis settings of the short-time Fourier transform, in seconds and Hz (never in samples).
public struct SpectrogramSettings: Sendable, Equatable {
    /// Hann window length; rounded up to the next length FFTW transforms fast (a product of 2, 3, 5 and 7 samples:
    /// 2 048 at 44.1 kHz, 2 240 at 48 kHz, 4 480 at 96 kHz), so within 2 % of this at every sample rate.
    public var windowDuration = 0.046
    /// Distance between frames.
    public var hopDuration = 0.01
    public var melBandCount = 128
    public var lowestFrequency = 30.0
    public var highestFrequency = 16_000.0

    public init() {}
}

/// A whole log-mel spectrogram in memory: one row of `bandCount` values per frame, frames centred at `frame × hop`.
///
/// Values are log10(1 + magnitude), magnitude being the mel-weighted sum of FFT magnitudes; this compresses loudness
/// the way SuperFlux's filtered spectrogram does, so quiet sounds still produce onsets. (`Transcriber` streams the
/// same frames instead of keeping them.)
public struct Spectrogram: Sendable {
    public let sampleRate: Double
    /// Samples between frames.
    public let hop: Int
    public let fftSize: Int
    public let bandCount: Int
    public let frameCount: Int
    /// `frameCount × bandCount` values, frame-major.
    public var values: [Float]
    /// Sum of each frame's mel magnitudes (linear).
    public var frameMagnitude: [Float]

    /// Seconds per frame.
    public var frameDuration: Double { Double(hop) / sampleRate }

    /// Time of frame `index`, in seconds.
    public func time(ofFrame index: Int) -> Double { Double(index) * frameDuration }

    /// Row `frame` of the spectrogram.
    @inline(__always)
    public func row(_ frame: Int) -> ArraySlice<Float> { values[(frame * bandCount)..<((frame + 1) * bandCount)] }

    /// Frames for a signal of `sampleCount` samples.
    static func frameCount(samples sampleCount: Int, hop: Int) -> Int { sampleCount == 0 ? 0 : sampleCount / hop + 1 }

    /// Computes the log-mel spectrogram of `samples`.
    /// - Complexity: one FFT per hop (`FrameStream`); no allocation per frame.
    public init(samples: [Float], sampleRate: Double, settings: SpectrogramSettings = SpectrogramSettings()) throws(TranscribeError) {
        let analyzer = try FrameAnalyzer(sampleRate: sampleRate, settings: settings)
        let frameCount = Self.frameCount(samples: samples.count, hop: analyzer.hop)
        let bands = analyzer.bandCount
        var values: [Float] = []
        values.reserveCapacity(frameCount * bands)
        var magnitudes: [Float] = []
        magnitudes.reserveCapacity(frameCount)
        try FrameStream(analyzer: analyzer).run(ArraySampleSource(samples: samples, sampleRate: sampleRate)) { _, row, _, magnitude in
            values.append(contentsOf: row)
            magnitudes.append(magnitude)
        }
        self.sampleRate = sampleRate
        hop = analyzer.hop
        fftSize = analyzer.fftSize
        bandCount = bands
        self.frameCount = frameCount
        self.values = values
        frameMagnitude = magnitudes
    }
}
