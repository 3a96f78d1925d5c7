import Foundation

/// Drops onsets that are a sustained note going on: breath, vibrato or bow changes inside one note of one pitch.
///
/// A repeated note is re-articulated: its level dips before it (tonguing, a gap) or jumps at it. An onset of the
/// same pitch as the note still sounding, with neither, continues that note (measured on the corpus' flute: the
/// false onsets dip 3.4–3.8 dB with at most 2.2 dB of rise; every true repeat dips 6 dB or more).
///
/// A stage after the features (it needs each event's pitch): events and their features in, fewer of both out.
public struct ContinuationFilter: Sendable {
    /// A repeat dips at least this far (dB) below the level of the note before it…
    static let minimumDip = 5.0
    /// …or rises at least this far (dB) at its onset.
    static let minimumRise = 3.0
    /// The level before: the loudest frame from `levelSpan` to `dipSpan` before the onset; the dip: the quietest
    /// frame within `dipSpan` before it (seconds).
    static let levelSpan = 0.2
    static let dipSpan = 0.06
    /// The rise: the loudest of the first frames after the onset over the frame just before it (seconds).
    static let riseSpan = 0.04

    /// Each frame's summed mel magnitude (linear).
    public let frameMagnitude: [Float]
    /// Seconds per frame.
    public let frameDuration: Double
    /// An event is pitched from this confidence on (0…1)…
    public let voicedConfidence: Double
    /// …and two pitched events within this many semitones are one pitch.
    public let pitchTolerance: Double

    public init(frameMagnitude: [Float], frameDuration: Double, voicedConfidence: Double, pitchTolerance: Double) {
        self.frameMagnitude = frameMagnitude
        self.frameDuration = frameDuration
        self.voicedConfidence = voicedConfidence
        self.pitchTolerance = pitchTolerance
    }

    /// The events and features that remain; an event dropped lends its end to the one before.
    public func filter(events: [DetectedEvent], features: [EventFeatures]) -> (events: [DetectedEvent], features: [EventFeatures]) {
        func frames(_ seconds: Double) -> Int { max(1, Int((seconds / frameDuration).rounded())) }
        let (level, dip, rise) = (frames(Self.levelSpan), frames(Self.dipSpan), frames(Self.riseSpan))
        var keptEvents: [DetectedEvent] = [], keptFeatures: [EventFeatures] = []
        for (event, feature) in zip(events, features) {
            if let previous = keptEvents.last, let before = keptFeatures.last, previous.endFrame == event.startFrame,
               continues(before, feature), event.startFrame >= level, event.startFrame + rise <= frameMagnitude.count {
                let start = event.startFrame
                let ongoing = frameMagnitude[(start - level)..<(start - dip)].max() ?? 0
                let lowest = frameMagnitude[(start - dip)..<start].min() ?? 0
                let peak = frameMagnitude[start..<(start + rise)].max() ?? 0
                let dipDecibels = 20 * log10(Double(max(lowest, 1e-12)) / Double(max(ongoing, 1e-12)))
                let riseDecibels = 20 * log10(Double(max(peak, 1e-12)) / Double(max(frameMagnitude[start - 1], 1e-12)))
                if dipDecibels > -Self.minimumDip && riseDecibels < Self.minimumRise {
                    keptEvents[keptEvents.count - 1].end = event.end
                    keptEvents[keptEvents.count - 1].endFrame = event.endFrame
                    continue
                }
            }
            keptEvents.append(event)
            keptFeatures.append(feature)
        }
        return (keptEvents, keptFeatures)
    }

    /// Both clearly pitched, at one pitch.
    private func continues(_ a: EventFeatures, _ b: EventFeatures) -> Bool {
        guard a.isVoiced(minimumConfidence: voicedConfidence), b.isVoiced(minimumConfidence: voicedConfidence),
              let pa = a.pitch, let pb = b.pitch else { return false }
        return abs(pa.midiPitch - pb.midiPitch) <= pitchTolerance
    }
}
