import Testing
@testable import Transcribe

@Suite struct CompanionsTests {
    @Test func aHitHeardOnlyWithOneInstrumentsNotesIsItsCompanion() {
        // Tonal sound 1 starts at every beat; sound 0 at two of them. The click starts within 10 ms of five of sound
        // 1's notes (and two of sound 0's); the kick with two notes of five; the hat with none.
        let tonal = [[1.0, 3.0], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]]
        let click = [0.005, 1.01, 2.0, 3.0, 4.008]
        let kick = [0.5, 1.0, 2.5, 3.5, 4.0]
        let hat = [0.25, 0.75, 1.25]
        #expect(Companions.partners(percussive: [click, kick, hat, []], tonal: tonal) == [1, nil, nil, nil])
    }

    @Test func fourOfFiveWithNotesIsEnoughAndThreeIsNot() {
        let tonal = [[0.0, 1.0, 2.0, 3.0]]
        #expect(Companions.partners(percussive: [[0.0, 1.0, 2.0, 3.0, 4.0]], tonal: tonal) == [0])
        #expect(Companions.partners(percussive: [[0.0, 1.0, 2.0, 3.5, 4.0]], tonal: tonal) == [nil])
        // 30 ms is together, 40 ms is not.
        #expect(Companions.partners(percussive: [[0.03]], tonal: tonal) == [0])
        #expect(Companions.partners(percussive: [[0.04]], tonal: tonal) == [nil])
    }

    @Test func thePartnerInstrumentLeadsTheInstruments() {
        // At the end of the path: the path is reversed, so its neighbours stay its neighbours.
        #expect(Companions.leading([2, 0, 1], weight: [0, 3, 0]) == [1, 0, 2])
        // In the middle: moved to the front.
        #expect(Companions.leading([2, 0, 1], weight: [4, 3, 0]) == [0, 2, 1])
        // Already first, or no partner at all: unchanged.
        #expect(Companions.leading([1, 0, 2], weight: [0, 3, 0]) == [1, 0, 2])
        #expect(Companions.leading([2, 0, 1], weight: [0, 0, 0]) == [2, 0, 1])
    }
}
