import Foundation

/// A timbre that does not move with pitch: an attack patch read at the harmonics of its fundamental, so that one
/// instrument's notes at different pitches look alike while two instruments at one pitch do not.
struct HarmonicEnvelope: Sendable {
    /// Centre frequency of each mel band of the attack patches, in Hz, ascending.
    let bandCentres: [Double]

    /// Octaves are counted from this frequency (Hz), the mel bands' lowest edge.
    static let lowestOctave = 30.0
    /// The octave (0 from `lowestOctave`) of each band.
    var octaveOfBand: [Int] { bandCentres.map { max(0, Int(log2($0 / Self.lowestOctave))) } }

    /// The harmonic envelope reads this many harmonics…
    static let harmonicCount = 8
    /// …each the loudest band within half a harmonic spacing of it, floored this far under the patch's loudest value,
    /// in dB (what lies under it is noise and leakage that moves with the band resolution at the pitch).
    static let floor: Float = -40

    /// The harmonic envelope of `patch` (blocks × mel bands, dB) at fundamental `pitchHz`: for each block, the level
    /// of harmonics 1…`harmonicCount` (the loudest band centred within half a spacing of the harmonic; where no band
    /// centre lies that close, the level at the harmonic interpolated in log frequency; above the bands, the floor).
    func of(_ patch: AttackPatch, pitchHz: Double) -> AttackPatch {
        let bins = Self.harmonicCount
        let logCentres = bandCentres.map(log2)
        // For each harmonic: the bands centred within half a spacing of it, or the two bands around it and the
        // weight of the upper one; nil above the bands.
        enum Reading { case bands(Range<Int>), between(Int, Float) }
        let readings: [Reading?] = (1...bins).map { harmonic in
            let frequency = pitchHz * Double(harmonic)
            guard let top = bandCentres.last, frequency <= top else { return nil }
            let low = bandCentres.partitioningIndex { $0 >= frequency - pitchHz / 2 }
            let high = bandCentres.partitioningIndex { $0 > frequency + pitchHz / 2 }
            if low < high { return .bands(low..<high) }
            let upper = max(1, min(bandCentres.count - 1, low))
            let span = logCentres[upper] - logCentres[upper - 1]
            return .between(upper - 1, Float(span > 0 ? min(1, max(0, (log2(frequency) - logCentres[upper - 1]) / span)) : 0))
        }
        var values = [Float](repeating: Self.floor, count: patch.blocks * bins)
        for block in 0..<patch.blocks where patch.present[block] {
            let row = block * patch.bands
            for (bin, reading) in readings.enumerated() {
                let level: Float
                switch reading {
                case .none: continue
                case .bands(let bands)?: level = bands.map { patch.values[row + $0] }.max()!
                case .between(let lower, let weight)?:
                    level = patch.values[row + lower] * (1 - weight) + patch.values[row + lower + 1] * weight
                }
                values[block * bins + bin] = max(Self.floor, level)
            }
        }
        return AttackPatch(blocks: patch.blocks, bands: bins, values: values, present: patch.present)
    }
}

extension Array where Element: Comparable {
    /// The first index whose element satisfies `predicate`, which must be false then true along the array.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
