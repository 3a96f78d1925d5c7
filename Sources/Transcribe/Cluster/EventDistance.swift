/// The distance between two events in dB of spectral difference, infinite-like across pitches; for two clearly pitched
/// events at one pitch, also their harmonic envelopes' difference (two instruments at one pitch can share an attack
/// spectrum's shape but not their harmonics), scaled so that `SamePitchMerger.harmonicEnvelopeLimit` counts as the
/// merge threshold.
struct EventDistance: Sendable {
    /// Stands for "never the same sound", finite so that averages stay ordered.
    static let apart: Float = 10_000
    /// Each event's attack patch…
    let patches: [AttackPatch]
    /// …and its pitch (MIDI number) when it is clearly pitched: read once, not per pair (the clustering asks for
    /// N² / 2 distances).
    let voicedPitches: [Double?]
    let pitchTolerance: Double
    /// The harmonic envelope of each clearly pitched event whose pitch is no drum's body.
    let envelopes: [AttackPatch?]
    /// dB of patch difference per dB of harmonic-envelope difference.
    let envelopeWeight: Float

    init(features: [EventFeatures], envelope: HarmonicEnvelope, settings: TranscriptionSettings) {
        patches = features.map(\.patch)
        let voiced = features.map { $0.isVoiced(minimumConfidence: settings.voicedConfidence) ? $0.pitch?.midiPitch : nil }
        voicedPitches = voiced
        pitchTolerance = settings.pitchTolerance
        envelopes = features.indices.map { index in
            guard voiced[index] != nil, !features[index].pitchIsDrumBody, let pitch = features[index].pitch else { return nil }
            return envelope.of(features[index].patch, pitchHz: pitch.frequency)
        }
        envelopeWeight = Float(settings.mergeThreshold) / SamePitchMerger.harmonicEnvelopeLimit
    }

    func callAsFunction(_ i: Int, _ j: Int) -> Float {
        if let a = voicedPitches[i], let b = voicedPitches[j], abs(a - b) > pitchTolerance { return Self.apart }
        // Mean absolute difference of the attack patches over the blocks both events have, in dB.
        guard let attack = patches[i].meanAbsoluteDifference(patches[j]) else { return Self.apart }
        guard let a = envelopes[i], let b = envelopes[j], let harmonics = a.meanAbsoluteDifference(b) else { return attack }
        return max(attack, envelopeWeight * harmonics)
    }
}
