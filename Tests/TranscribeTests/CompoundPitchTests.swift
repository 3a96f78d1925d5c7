import Foundation
import Testing
@testable import Transcribe

/// A pitched sound is a compound only when its pitch has somewhere to go.
@Suite struct CompoundPitchTests {
    static let blocks = 5, bands = 16

    /// A patch (dB under its peak, floored at -60) of the sum of linear band shapes.
    static func patch(_ shapes: [[Float]]) -> AttackPatch {
        var linear = [Float](repeating: 0, count: blocks * bands)
        for block in 0..<blocks {
            for band in 0..<bands {
                linear[block * bands + band] = shapes.reduce(0) { $0 + $1[band] } * pow(0.7, Float(block))
            }
        }
        let peak = linear.max()!
        return AttackPatch(blocks: blocks, bands: bands, values: linear.map { max(-60, 20 * log10(max($0, 1e-9) / peak)) },
                           present: [Bool](repeating: true, count: blocks))
    }

    static func shape(_ strong: Range<Int>) -> [Float] { (0..<bands).map { strong.contains($0) ? 1 : 0.001 } }
    static let hat = shape(10..<16), kick = shape(0..<4), note = shape(4..<8)
    let splitter = CompoundSplitter(threshold: 5.5, pitchTolerance: 0.5,
                                    envelope: HarmonicEnvelope(bandCentres: (1...16).map { 100 * Double($0) }))

    @Test func aNoteIsNotTwoUnpitchedSounds() {
        // Hat ×3, kick ×3 (unpitched), and a pitched sound ×2 whose spectrum is hat + kick: its pitch comes from
        // neither, so it stays one sound.
        let patches = Array(repeating: Self.patch([Self.hat]), count: 3) + Array(repeating: Self.patch([Self.kick]), count: 3)
            + Array(repeating: Self.patch([Self.hat, Self.kick]), count: 2)
        let pitches: [Double?] = Array(repeating: nil, count: 6) + [60, 60]
        let split = splitter.split(patches: patches, pitches: pitches, labels: [0, 0, 0, 1, 1, 1, 2, 2],
                                   drumBodies: Array(repeating: false, count: 8))
        #expect(split.suffix(2).allSatisfy { $0 == [2] })
    }

    @Test func aNoteOverAHitIsSplitWhenTheNoteIsHeardAlone() {
        // Hat ×3, the note alone ×3 (pitched), and the two together ×2: the pair becomes the hat and the note.
        let patches = Array(repeating: Self.patch([Self.hat]), count: 3) + Array(repeating: Self.patch([Self.note]), count: 3)
            + Array(repeating: Self.patch([Self.hat, Self.note]), count: 2)
        let pitches: [Double?] = [nil, nil, nil, 60, 60, 60, 60, 60]
        let split = splitter.split(patches: patches, pitches: pitches, labels: [0, 0, 0, 1, 1, 1, 2, 2],
                                   drumBodies: Array(repeating: false, count: 8))
        #expect(split.suffix(2).allSatisfy { Set($0) == [0, 1] })
    }

    @Test func aDrumBodyIsNoNote() {
        // The same hat + kick compound whose pitch is a kick's falling sine: a drum pair, split as before.
        let patches = Array(repeating: Self.patch([Self.hat]), count: 3) + Array(repeating: Self.patch([Self.kick]), count: 3)
            + Array(repeating: Self.patch([Self.hat, Self.kick]), count: 2)
        let pitches: [Double?] = Array(repeating: nil, count: 6) + [30, 30]
        let split = splitter.split(patches: patches, pitches: pitches, labels: [0, 0, 0, 1, 1, 1, 2, 2],
                                   drumBodies: Array(repeating: false, count: 6) + [true, true])
        #expect(split.suffix(2).allSatisfy { Set($0) == [0, 1] })
    }
}
