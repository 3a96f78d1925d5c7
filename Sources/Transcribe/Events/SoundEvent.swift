import Foundation

/// One event found in the audio, before it is assigned to a sound.
public struct DetectedEvent: Sendable, Equatable {
    /// Onset, in seconds.
    public var onset: Double
    /// End, in seconds.
    public var end: Double
    /// First spectrogram frame of the event.
    public var startFrame: Int
    /// One past its last frame.
    public var endFrame: Int
    /// Level of the attack, in dB relative to full scale.
    public var level: Double
}

/// Settings of event segmentation, in seconds and dB.
public struct EventSettings: Sendable, Equatable {
    /// An event ends where its level has fallen this far under its peak…
    public var decayBelowPeak = 40.0
    /// …or at the next onset, and never lasts longer than this.
    public var longestEvent = 4.0
    /// Its loudness is measured over this long from the onset.
    public var attackDuration = 0.05

    public init() {}
}

/// Cuts the audio at the onsets into events.
public enum EventSegmenter {
    /// - Parameters:
    ///   - onsetFrames: sorted onset frames of `spectrogram`.
    ///   - samples: the mono signal the spectrogram was made from.
    public static func events(onsetFrames: [Int], spectrogram: Spectrogram, samples: [Float],
                              settings: EventSettings = EventSettings()) -> [DetectedEvent] {
        // Summed band magnitudes (undoing log10(1 + m)), so that dB below the peak are true amplitude dB.
        let frameMagnitude = (0..<spectrogram.frameCount).map { frame -> Float in
            spectrogram.row(frame).reduce(0) { $0 + pow(10, $1) - 1 }
        }
        let decayFactor = Float(pow(10, -settings.decayBelowPeak / 20))
        let maxFrames = Int(settings.longestEvent / spectrogram.frameDuration)
        let attackSamples = max(1, Int(settings.attackDuration * spectrogram.sampleRate))
        return onsetFrames.enumerated().map { index, start in
            let next = index + 1 < onsetFrames.count ? onsetFrames[index + 1] : spectrogram.frameCount
            var end = min(next, start + maxFrames, spectrogram.frameCount)
            let peak = frameMagnitude[start..<max(start + 1, end)].max() ?? 0
            if let quiet = (start + 1..<end).first(where: { frameMagnitude[$0] < peak * decayFactor }) { end = quiet }
            let first = start * spectrogram.hop
            var sumSquares = 0.0
            var count = 0
            for i in first..<min(samples.count, first + attackSamples) {
                sumSquares += Double(samples[i] * samples[i])
                count += 1
            }
            let rms = count > 0 ? (sumSquares / Double(count)).squareRoot() : 0
            return DetectedEvent(onset: spectrogram.time(ofFrame: start), end: spectrogram.time(ofFrame: max(end, start + 1)),
                                 startFrame: start, endFrame: max(end, start + 1), level: rms > 0 ? 20 * log10(rms) : -120)
        }
    }
}
