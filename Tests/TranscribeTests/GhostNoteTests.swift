import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// A ghost note is the same drum played softly: it belongs on its backbeat's track (issue "Real recorded drum kits").
@Suite struct GhostNoteTests {
    static let rate = 44_100.0

    @Test func ghostSnaresFifteenDecibelsUnderTheBackbeatShareItsSound() throws {
        // Eight bars at 100 BPM: kick on 1 and 3, snare on 2 and 4, ghost snares 15 dB softer on two 16ths, hats
        // on the off-beat 8ths.
        let beat = 0.6, bar = 4 * beat, bars = 8
        let starts = (0..<bars).map { Double($0) * bar + 0.2 }
        let kicks = starts.flatMap { [$0, $0 + 2 * beat] }
        let backbeats = starts.flatMap { [$0 + beat, $0 + 3 * beat] }
        let ghosts = starts.flatMap { [$0 + 1.75 * beat, $0 + 3.25 * beat] }
        let hats = starts.flatMap { start in [0.5, 1.5, 2.5, 3.5].map { start + $0 * beat } }
        var signal = Synth.silence(duration: Double(bars) * bar + 1, sampleRate: Self.rate)
        Synth.addKick(to: &signal, onsets: kicks)
        Synth.addSnare(to: &signal, onsets: backbeats, amplitude: 0.4)
        Synth.addSnare(to: &signal, onsets: ghosts, amplitude: 0.4 * Float(pow(10, -15.0 / 20)), seed: 13)
        Synth.addHat(to: &signal, onsets: hats, amplitude: 0.2)
        let transcription = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate)
        func sounds(at times: [Double]) -> [Int] {
            times.map { time in transcription.events.filter { abs($0.onset - time) < 0.02 }.map(\.sound).first ?? -1 }
        }
        let backbeatSounds = Set(sounds(at: backbeats))
        #expect(backbeatSounds.count == 1 && !backbeatSounds.contains(-1), "backbeats: \(sounds(at: backbeats))")
        // Every ghost found is on the backbeat's track; the kicks and the hats are not.
        let found = sounds(at: ghosts).filter { $0 != -1 }
        #expect(found.count >= bars, "ghosts: \(sounds(at: ghosts))")
        #expect(Set(found) == backbeatSounds, "ghosts: \(sounds(at: ghosts)), backbeats: \(backbeatSounds)")
        #expect(Set(sounds(at: kicks)).isDisjoint(with: backbeatSounds) && Set(sounds(at: hats)).isDisjoint(with: backbeatSounds))
        // Known limitation: a ghost a 16th (150 ms) after the backbeat rises too little over the backbeat's tail for
        // the onset threshold; the ghosts before the kick are all found.
        withKnownIssue("a ghost note under the backbeat's tail is not found") {
            #expect(!sounds(at: ghosts).contains(-1), "ghosts: \(sounds(at: ghosts))")
        }
    }
}
