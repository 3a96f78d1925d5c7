import Testing
@testable import Transcribe

@Suite struct ClusterPitchTests {
    @Test func theMedianOfTheClearPitchesWhenAtLeastHalfAreClear() {
        #expect(ClusterPitch.of(voicedPitches: [60, 61, 59], memberCount: 4) == 60)
        #expect(ClusterPitch.of(voicedPitches: [60, 64], memberCount: 4) == 64)  // the upper middle of an even count
        #expect(ClusterPitch.of(voicedPitches: [60], memberCount: 3) == nil)
        #expect(ClusterPitch.of(voicedPitches: [], memberCount: 0) == nil)
    }
}
