import Foundation

/// The distance between two events in dB of spectral difference, infinite-like across pitches; for two clearly pitched
/// events at one pitch, also their harmonic envelopes' difference (two instruments at one pitch can share an attack
/// spectrum's shape but not their harmonics), scaled so that `SamePitchMerger.harmonicEnvelopeLimit` counts as the
/// merge threshold. Two unpitched events are also as far apart as their octave levels say (`octaveLevels`).
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
    /// Each event's loudest value in each octave (`octaveLevels`)…
    let octaveLevels: [[Float]]
    /// …and the dB of patch difference per dB of two unpitched events' largest octave difference: an octave where one
    /// has its attack's energy and the other lacks it by `octaveDifferenceAtThreshold` dB holds a sound the other does
    /// not, however few of the mel bands it spans (30–120 Hz, a kick's body, is 8 bands of 128, so a kick + hat and a
    /// lone hat differ by 5 dB over all bands: under the merge threshold). Over four alignments with the frame grid
    /// (`bench --delays`): mean mapped F 0.835 → 0.838, ARI 0.880 → 0.889 (organ triads' ARI 0.706 → 0.773,
    /// real-kit-electronic 0.759 → 0.822); 20, 25 and 35 dB measured 0.837, 0.837 and 0.835.
    let octaveWeight: Float
    static let octaveDifferenceAtThreshold: Float = 30
    /// Octave levels are read over the attack's first this many blocks, where a hit is all there.
    static let octaveBlocks = 2

    /// The loudest value of `patch` (dB under its loudest) in each octave from `HarmonicEnvelope.lowestOctave` up,
    /// over its first `octaveBlocks` blocks; `octaveOfBand` tells each band's octave.
    static func octaveLevels(of patch: AttackPatch, octaveOfBand: [Int], octaveCount: Int) -> [Float] {
        var levels = [Float](repeating: -.infinity, count: octaveCount)
        for block in 0..<min(octaveBlocks, patch.blocks) where patch.present[block] {
            for band in 0..<patch.bands {
                levels[octaveOfBand[band]] = max(levels[octaveOfBand[band]], patch.values[block * patch.bands + band])
            }
        }
        return levels
    }

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
        let octaves = envelope.octaveOfBand
        let octaveCount = (octaves.max() ?? 0) + 1
        octaveLevels = features.indices.map { index in
            voiced[index] == nil ? Self.octaveLevels(of: features[index].patch, octaveOfBand: octaves, octaveCount: octaveCount) : []
        }
        octaveWeight = Float(settings.mergeThreshold) / Self.octaveDifferenceAtThreshold
    }

    /// The largest difference of two events' octave levels, in dB (an octave with no band has no level).
    private func largestOctaveDifference(_ i: Int, _ j: Int) -> Float {
        var largest: Float = 0
        for (a, b) in zip(octaveLevels[i], octaveLevels[j]) where a.isFinite && b.isFinite { largest = max(largest, abs(a - b)) }
        return largest
    }

    func callAsFunction(_ i: Int, _ j: Int) -> Float {
        if let a = voicedPitches[i], let b = voicedPitches[j], abs(a - b) > pitchTolerance { return Self.apart }
        // Mean absolute difference of the attack patches over the blocks both events have, in dB.
        guard var attack = patches[i].meanAbsoluteDifference(patches[j]) else { return Self.apart }
        if voicedPitches[i] == nil, voicedPitches[j] == nil {
            attack = max(attack, octaveWeight * largestOctaveDifference(i, j))
            if let a = fallRates[i], let b = fallRates[j] {
                return Self.unpitched(attack: attack, fallRates: a, b, weight: fallWeight)
            }
        }
        guard let a = envelopes[i], let b = envelopes[j], let harmonics = a.meanAbsoluteDifference(b) else { return attack }
        return max(attack, envelopeWeight * harmonics)
    }
}
