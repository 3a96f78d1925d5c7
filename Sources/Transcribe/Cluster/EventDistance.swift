import Foundation

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
    /// Each event's fall rate (`EventFeatures.fallRate`), in dB a second.
    let fallRates: [Double?]
    /// Two unpitched events whose fall rates differ by a factor of 2 lie at least this far apart, in dB of patch
    /// difference; a factor of 4 is the merge threshold. A closed hat and an open one share their attack but not how
    /// fast it dies, and in a 16th pattern the next hit cuts the patch before their difference shows (over four
    /// alignments with the frame grid, `bench --delays`: mean mapped F 0.814 → 0.820, ARI 0.848 → 0.860,
    /// real-kit-electronic 0.692 → 0.800, the whole song 0.712 → 0.740, chords-over-drums 0.894 → 0.867; a third
    /// and three quarters of the threshold per octave 0.818, the rate over 40 or 100 ms 0.816 and 0.804).
    let fallWeight: Float
    static let fallWeightShare: Float = 0.5

    /// The distance of two unpitched events or sounds: their attacks' difference, or more when they fall at other
    /// rates (`weight` dB per octave of the rates' ratio).
    static func unpitched(attack: Float, fallRates a: Double, _ b: Double, weight: Float) -> Float {
        max(attack, weight * Float(abs(log2(a / b))))
    }

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
        fallRates = features.map(\.fallRate)
        fallWeight = Self.fallWeightShare * Float(settings.mergeThreshold)
    }

    func callAsFunction(_ i: Int, _ j: Int) -> Float {
        if let a = voicedPitches[i], let b = voicedPitches[j], abs(a - b) > pitchTolerance { return Self.apart }
        // Mean absolute difference of the attack patches over the blocks both events have, in dB.
        guard let attack = patches[i].meanAbsoluteDifference(patches[j]) else { return Self.apart }
        if voicedPitches[i] == nil, voicedPitches[j] == nil, let a = fallRates[i], let b = fallRates[j] {
            return Self.unpitched(attack: attack, fallRates: a, b, weight: fallWeight)
        }
        guard let a = envelopes[i], let b = envelopes[j], let harmonics = a.meanAbsoluteDifference(b) else { return attack }
        return max(attack, envelopeWeight * harmonics)
    }
}
