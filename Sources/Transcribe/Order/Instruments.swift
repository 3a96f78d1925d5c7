import Foundation

/// Groups tonal sounds into instruments by a timbre that does not move with pitch: a sound's attack spectrum read
/// at its own harmonics (its harmonic envelope over time), so one instrument's notes at different pitches look alike
/// while two instruments at one pitch do not.
struct InstrumentGrouping {
    /// Two groups of sounds are one instrument while their harmonic envelopes differ by less than this, in
    /// dB (average linkage).
    let threshold: Float

    /// The instrument of each sound, from 0.
    /// - Parameter timbres: each sound's harmonic envelope (`HarmonicEnvelope.of`).
    func instruments(timbres: [AttackPatch]) -> [Int] {
        AgglomerativeClustering.labels(count: timbres.count, threshold: threshold) { a, b in
            timbres[a].meanAbsoluteDifference(timbres[b]) ?? Seriation.unrelated
        }
    }

    /// The mean harmonic-envelope distance between the sounds of two instruments, in dB.
    static func distance(between a: [Int], and b: [Int], timbres: [AttackPatch]) -> Double {
        var total = 0.0
        for i in a {
            for j in b { total += Double(timbres[i].meanAbsoluteDifference(timbres[j]) ?? Seriation.unrelated) }
        }
        return total / Double(a.count * b.count)
    }
}
