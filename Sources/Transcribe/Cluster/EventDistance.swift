/// The distance between two events in dB of spectral difference, infinite-like across pitches.
struct EventDistance: Sendable {
    /// Stands for "never the same sound", finite so that averages stay ordered.
    static let apart: Float = 10_000
    let features: [EventFeatures]
    let settings: TranscriptionSettings

    func callAsFunction(_ i: Int, _ j: Int) -> Float {
        let a = features[i], b = features[j]
        if a.isVoiced(minimumConfidence: settings.voicedConfidence), b.isVoiced(minimumConfidence: settings.voicedConfidence),
           let pa = a.pitch, let pb = b.pitch, abs(pa.midiPitch - pb.midiPitch) > settings.pitchTolerance {
            return Self.apart
        }
        return timbre(a, b)
    }

    /// Mean absolute difference of the attack patches over the blocks both events have, in dB.
    func timbre(_ a: EventFeatures, _ b: EventFeatures) -> Float {
        a.patch.meanAbsoluteDifference(b.patch) ?? Self.apart
    }
}
