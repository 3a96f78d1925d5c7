import Testing
@testable import Transcribe

/// A sound that is two known sounds at once is split into both; one that holds a known sound and something new
/// gets a new sound for the rest. Patches of one block and 8 bands, -60 dB standing for nothing.
@Suite struct CompoundSplitterTests {
    /// A patch at 0 dB in `bands`, -60 dB elsewhere.
    static func patch(_ bands: Set<Int>) -> AttackPatch {
        AttackPatch(blocks: 1, bands: 8, values: (0..<8).map { bands.contains($0) ? 0 : -60 }, present: [true])
    }

    static let kick = patch([0, 1]), hat = patch([6, 7])
    let splitter = CompoundSplitter(threshold: 5.5, pitchTolerance: 0.5,
                                    envelope: HarmonicEnvelope(bandCentres: (1...8).map { 100 * Double($0) }))

    @Test func kickAndHatTogetherAreBoth() {
        let patches = Array(repeating: Self.kick, count: 4) + Array(repeating: Self.hat, count: 4) + Array(repeating: Self.patch([0, 1, 6, 7]), count: 2)
        let labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]
        let split = splitter.split(patches: patches, pitches: Array(repeating: nil, count: 10), labels: labels, drumBodies: Array(repeating: false, count: labels.count))
        #expect(split == [[0], [0], [0], [0], [1], [1], [1], [1], [0, 1], [0, 1]])
    }

    @Test func aPartIsOneHeardNearTheCompound() {
        // Kicks and hats alone in the first minute; kick + hat together only two minutes later, when another kit
        // plays: the first minute's kick and hat do not explain them.
        let patches = Array(repeating: Self.kick, count: 4) + Array(repeating: Self.hat, count: 4) + Array(repeating: Self.patch([0, 1, 6, 7]), count: 2)
        let labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]
        let early: [Double] = [1, 2, 3, 4, 1.5, 2.5, 3.5, 4.5]
        let far = splitter.split(patches: patches, pitches: Array(repeating: nil, count: 10), labels: labels,
                                 drumBodies: Array(repeating: false, count: 10), onsets: early + [180, 181])
        #expect(far == labels.map { [$0] })
        // Within the neighbourhood, the same compound is both.
        let near = splitter.split(patches: patches, pitches: Array(repeating: nil, count: 10), labels: labels,
                                  drumBodies: Array(repeating: false, count: 10), onsets: early + [5 + Neighbourhood.seconds - 1, 6])
        #expect(near[8...] == [[0, 1], [0, 1]])
    }

    @Test func theNeighbourhoodIsFoundBySearch() {
        let times: [Double] = [0, 10, 100, 200]
        #expect(Neighbourhood.contains(times, near: 100 + Neighbourhood.seconds))
        #expect(!Neighbourhood.contains(times, near: 100 + Neighbourhood.seconds + 0.5))
        #expect(Neighbourhood.contains(times, near: 200 - Neighbourhood.seconds))
        #expect(!Neighbourhood.contains(times, near: 150))
        #expect(!Neighbourhood.contains([], near: 0))
        #expect(Neighbourhood.count([5, 60, 150, 229], near: times) == 2)  // 5 (by 0 and 10) and 229 (by 200)
    }

    @Test func aKickWithSomethingNewGetsANewSound() {
        let patches = Array(repeating: Self.kick, count: 4) + Array(repeating: Self.hat, count: 4) + Array(repeating: Self.patch([0, 1, 3, 4]), count: 2)
        let labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]
        let split = splitter.split(patches: patches, pitches: Array(repeating: nil, count: 10), labels: labels, drumBodies: Array(repeating: false, count: labels.count))
        #expect(split[8...] == [[0, 3], [0, 3]])
        #expect(split[..<8].allSatisfy { $0.count == 1 })
    }

    /// A snare as the song plays it (its body in band 1, a noise 10 dB under it above) and a lone hat (the noise, louder
    /// at the top): the snare's noise fits under the hat bin by bin, but the hat lacks the body, where the snare is
    /// strongest, so it holds no snare.
    @Test func aSoundLackingAPartsCoreDoesNotHoldIt() {
        let snare = AttackPatch(blocks: 1, bands: 8, values: [-60, 0, -10, -10, -10, -10, -10, -10], present: [true])
        let hat = AttackPatch(blocks: 1, bands: 8, values: [-60, -60, -10, -10, -10, -10, 0, 0], present: [true])
        let labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
        let split = splitter.split(patches: Array(repeating: snare, count: 6) + Array(repeating: hat, count: 4),
                                   pitches: Array(repeating: nil, count: 10), labels: labels, drumBodies: Array(repeating: false, count: 10))
        #expect(split == labels.map { [$0] })
    }

    @Test func aRareSoundNotMadeOfOthersStaysWhole() {
        let patches = Array(repeating: Self.kick, count: 4) + Array(repeating: Self.patch([3, 4]), count: 2)
        let split = splitter.split(patches: patches, pitches: Array(repeating: nil, count: 6), labels: [0, 0, 0, 0, 1, 1], drumBodies: Array(repeating: false, count: 6))
        #expect(split == [[0], [0], [0], [0], [1], [1]])
    }

    @Test func pitchedSoundsAtOtherPitchesDoNotHoldEachOther() {
        // The same shapes as the kick-and-hat case, but the parts and the compound are notes at different pitches.
        let patches = Array(repeating: Self.kick, count: 4) + Array(repeating: Self.hat, count: 4) + Array(repeating: Self.patch([0, 1, 6, 7]), count: 2)
        let pitches: [Double?] = Array(repeating: 40, count: 4) + Array(repeating: 80, count: 4) + Array(repeating: 60, count: 2)
        let split = splitter.split(patches: patches, pitches: pitches, labels: [0, 0, 0, 0, 1, 1, 1, 1, 2, 2], drumBodies: Array(repeating: false, count: 10))
        #expect(split[8...] == [[2], [2]])
    }
}
