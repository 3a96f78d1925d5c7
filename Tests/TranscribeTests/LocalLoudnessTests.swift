import Foundation
import Testing
import TestSupport
@testable import Transcribe

/// Onsets are picked against the loudest changes around them, not the file's: a quiet section finds the same onsets
/// after a loud one as alone, once the loud one lies further back than the window the loudest change is sought in.
@Suite struct LocalLoudnessTests {
    static let rate = 44_100.0

    /// The distinct onsets found (sounds that start together count once).
    func onsets(_ signal: [Float]) throws -> [Double] {
        let all = try Transcriber().transcribe(samples: signal, sampleRate: Self.rate).events.map(\.onset)
        return all.enumerated().filter { $0.offset == 0 || $0.element - all[$0.offset - 1] > 0.005 }.map(\.element)
    }

    @Test func aQuietSectionFindsTheSameOnsetsAfterALoudOne() throws {
        let quietAmplitude: Float = 0.8 * Float(pow(10, -46.0 / 20))
        var quiet = Synth.silence(duration: 15)
        let quietOnsets = stride(from: 0.25, to: 14.5, by: 0.5).map { $0 }
        Synth.addClicks(to: &quiet, onsets: quietOnsets, amplitude: quietAmplitude)
        var loud = Synth.silence(duration: 15)
        Synth.addClicks(to: &loud, onsets: stride(from: 0.25, to: 14.5, by: 0.5).map { $0 }, amplitude: 0.8, seed: 2)
        let alone = try onsets(quiet)
        #expect(alone.count == quietOnsets.count)
        // With the file's loudest change (the loud clicks, 46 dB up) as the scale, none of them would be found.
        let clear = 15 + OnsetDetector.loudnessHalfWindow + OnsetDetector.loudnessStep
        let afterLoud = try onsets(loud + quiet).filter { $0 >= clear }.map { $0 - 15 }
        let aloneThen = alone.filter { $0 >= clear - 15 }
        #expect(afterLoud.count == aloneThen.count)
        #expect(aloneThen.count >= 15)
        for (a, b) in zip(afterLoud, aloneThen) { #expect(abs(a - b) < 0.011) }
    }
}
