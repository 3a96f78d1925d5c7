import Foundation

/// The loudness of each event's attack, a stage of its own after the events are found: the standard deviation (a
/// constant offset is no loudness) of the first `EventSettings.levelDuration` of samples from the onset, as the root
/// of its square's mean over the channels (a power, so opposite phases do not cancel), in dBFS.
public struct EventLevel: Sendable {
    let sampleRate: Double
    /// Samples over which the level is measured.
    let sampleCount: Int

    /// - Parameter sampleRate: of the audio, in Hz.
    /// - Throws: `.invalidParameter` naming a setting or the rate out of range.
    public init(sampleRate: Double, settings: EventSettings = EventSettings()) throws(TranscribeError) {
        try AudioFile.checkFormat(sampleRate: sampleRate, channelCount: 1)
        try settings.validate()
        self.sampleRate = sampleRate
        sampleCount = max(1, Int(settings.levelDuration * sampleRate))
    }

    /// Samples (absolute) the level of `event` reads.
    public func samples(of event: DetectedEvent) -> Range<Int> {
        let onset = Int(event.onset * sampleRate)
        return onset..<(onset + sampleCount)
    }

    /// The level of `event`, in dBFS (`DetectedEvent.unmeasuredLevel` when nothing of it lies in `audio`).
    /// - Parameter audio: a window of every channel holding `samples(of:)` that lies within the file.
    public func level(of event: DetectedEvent, in audio: AudioWindow) -> Double {
        let wanted = samples(of: event)
        let range = max(0, wanted.lowerBound)..<min(audio.end, wanted.upperBound)
        guard !range.isEmpty else { return DetectedEvent.unmeasuredLevel }
        let n = Double(range.count)
        var variance = 0.0
        for channel in 0..<audio.channelCount {
            var sum = 0.0, sumSquares = 0.0
            for s in range {
                let value = Double(audio.sample(frame: s, channel: channel))
                sum += value
                sumSquares += value * value
            }
            variance += max(0, sumSquares / n - (sum / n) * (sum / n))
        }
        let deviation = (variance / Double(audio.channelCount)).squareRoot()
        return deviation > 0 ? 20 * log10(deviation) : DetectedEvent.unmeasuredLevel
    }
}
