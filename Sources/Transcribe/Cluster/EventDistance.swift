/// The distance between two events in dB of spectral difference, infinite-like across pitches.
struct EventDistance: Sendable {
    /// Stands for "never the same sound", finite so that averages stay ordered.
    static let apart: Float = 10_000
    /// Each event's attack patch…
    let patches: [AttackPatch]
    /// …and its pitch (MIDI number) when it is clearly pitched: read once, not per pair (the clustering asks for
    /// N² / 2 distances).
    let voicedPitches: [Double?]
    let pitchTolerance: Double

    init(features: [EventFeatures], settings: TranscriptionSettings) {
        patches = features.map(\.patch)
        voicedPitches = features.map { $0.isVoiced(minimumConfidence: settings.voicedConfidence) ? $0.pitch?.midiPitch : nil }
        pitchTolerance = settings.pitchTolerance
    }

    func callAsFunction(_ i: Int, _ j: Int) -> Float {
        if let a = voicedPitches[i], let b = voicedPitches[j], abs(a - b) > pitchTolerance { return Self.apart }
        // Mean absolute difference of the attack patches over the blocks both events have, in dB.
        return patches[i].meanAbsoluteDifference(patches[j]) ?? Self.apart
    }
}
