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
    /// Level of the attack, in dB relative to full scale (`unmeasuredLevel` until the feature pass measures it).
    public var level: Double

    /// The level of an event not yet measured, in dBFS: under any level a 16- or 24-bit file can hold.
    public static let unmeasuredLevel = -120.0
}

/// Settings of event segmentation, in seconds and dB.
public struct EventSettings: Sendable, Equatable {
    /// An event ends where its level has fallen this far under its peak…
    public var decayBelowPeak = 40.0
    /// …or at the next onset, and never lasts longer than this.
    public var longestEvent = 4.0
    /// Its level (velocity) is measured over this long from the onset; not `FeatureSettings.attackDuration`, the
    /// longer span of its attack patch.
    public var levelDuration = 0.05

    public init() {}
}

/// Cuts the audio at the onsets into events.
public enum EventSegmenter {
    /// Events from onsets and each frame's loudness; their `level` is measured later, from the samples.
    /// - Parameters:
    ///   - onsetFrames: sorted onset frames.
    ///   - frameMagnitude: sum of each frame's mel magnitudes (linear).
    ///   - frameDuration: seconds per frame.
    /// - Throws: `.invalidParameter` naming a setting or the frame duration out of range, or for onsets outside the
    ///   frames.
    public static func events(onsetFrames: [Int], frameMagnitude: [Float], frameDuration: Double,
                              settings: EventSettings = EventSettings()) throws(TranscribeError) -> [DetectedEvent] {
        try SettingCheck.checkFrameDuration(frameDuration)
        try settings.validate()
        if let wrong = onsetFrames.first(where: { !frameMagnitude.indices.contains($0) }) {
            throw .invalidParameter(name: "onsetFrames", value: "\(wrong)", allowed: "0…\(frameMagnitude.count - 1)")
        }
        let frameCount = frameMagnitude.count
        let decayFactor = Float(pow(10, -settings.decayBelowPeak / 20))
        let maxFrames = Int(settings.longestEvent / frameDuration)
        return onsetFrames.enumerated().map { index, start in
            let next = index + 1 < onsetFrames.count ? onsetFrames[index + 1] : frameCount
            var end = min(next, start + maxFrames, frameCount)
            let peak = frameMagnitude[start..<max(start + 1, end)].max() ?? 0
            if let quiet = (start + 1..<end).first(where: { frameMagnitude[$0] < peak * decayFactor }) { end = quiet }
            return DetectedEvent(onset: Double(start) * frameDuration, end: Double(max(end, start + 1)) * frameDuration,
                                 startFrame: start, endFrame: max(end, start + 1), level: DetectedEvent.unmeasuredLevel)
        }
    }
}
