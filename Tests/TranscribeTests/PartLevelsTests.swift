import Testing
@testable import Transcribe

@Suite struct PartLevelsTests {
    @Test func aHatUnderAKickTakesTheLevelOfHatsHeardAlone() {
        // Onsets 0–2: hats alone at -30, -28, -26 dB; onset 3: kick (sound 1) and hat together, measured at -6 dB;
        // onset 4: a kick alone at -8 dB.
        let levels: [Double] = [-30, -28, -26, -6, -6, -8]
        let origins = [0, 1, 2, 3, 3, 4]
        let labels = [0, 0, 0, 1, 0, 1]
        #expect(PartLevels.levels(levels, origins: origins, labels: labels) == [-30, -28, -26, -8, -28, -8])
    }

    @Test func aPartIsNeverLouderThanItsOnsetNorMovedWithoutASoundHeardAlone() {
        // Sound 0 alone at -10; together with sound 2 (never alone) at -20: the part keeps -20, sound 2 keeps -20.
        let result = PartLevels.levels([-10, -20, -20], origins: [0, 1, 1], labels: [0, 0, 2])
        #expect(result == [-10, -20, -20])
    }
}
