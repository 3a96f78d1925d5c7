import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// The tempo map: its tempi, where they change, and where the first bar starts.
@Suite struct BeatTrackerTests {
    static let rate = 44_100.0
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus/cases")

    /// A rock beat from `start` for `bars` bars of 4 at `bpm`: kick on 1 and 3, snare on 2 and 4, hats on eighths.
    static func addBeat(to signal: inout [Float], bpm: Double, start: Double, bars: Int) -> Double {
        let beat = 60 / bpm
        let beats = (0..<(4 * bars)).map { start + Double($0) * beat }
        Synth.addKick(to: &signal, onsets: beats.enumerated().filter { $0.offset % 2 == 0 }.map(\.element), length: 0.3)
        Synth.addSnare(to: &signal, onsets: beats.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        Synth.addHat(to: &signal, onsets: beats.flatMap { [$0, $0 + beat / 2] }, amplitude: 0.15)
        return start + Double(4 * bars) * beat
    }

    static func map(_ signal: [Float], settings: TranscriptionSettings = TranscriptionSettings()) throws -> TempoMap {
        try #require(try Transcriber(settings: settings).transcribe(samples: signal, sampleRate: rate).tempoMap)
    }

    @Test func aSteadyBeatGivesItsTempoAndABarLineOnItsFirstBeat() throws {
        var signal = Synth.silence(duration: 13, sampleRate: Self.rate)
        _ = Self.addBeat(to: &signal, bpm: 100, start: 0, bars: 5)
        let map = try Self.map(signal)
        #expect(map.segments.count == 1)
        #expect(abs(map.firstBeatsPerMinute / 100 - 1) < 0.01, "\(map.firstBeatsPerMinute) BPM")
        #expect(map.pickupBeats == 0)
        #expect(abs(map.bars(until: 12)[1].time - 2.4) < 0.03)
    }

    @Test func aLateFirstBeatIsAPickup() throws {
        // The beat starts half a beat (0.25 s at 120 BPM) into the file: a pickup bar of one eighth.
        var signal = Synth.silence(duration: 10, sampleRate: Self.rate)
        _ = Self.addBeat(to: &signal, bpm: 120, start: 0.25, bars: 4)
        let map = try Self.map(signal)
        #expect(map.pickupBeats == 0.5)
        #expect(abs(map.bars(until: 10)[0].time - 0.25) < 0.03)
        #expect(abs(map.firstBeatsPerMinute / 120 - 1) < 0.01)
    }

    @Test func aTempoChangeStartsASegmentWhereItHappens() throws {
        // 100 BPM for 5 bars (12 s), then 140 BPM for 6 bars.
        var signal = Synth.silence(duration: 23, sampleRate: Self.rate)
        let change = Self.addBeat(to: &signal, bpm: 100, start: 0, bars: 5)
        _ = Self.addBeat(to: &signal, bpm: 140, start: change, bars: 6)
        let map = try Self.map(signal)
        try #require(map.segments.count == 2, "\(map.segments)")
        #expect(abs(map.segments[0].beatsPerMinute / 100 - 1) < 0.02)
        #expect(abs(map.segments[1].beatsPerMinute / 140 - 1) < 0.02)
        #expect(abs(map.segments[1].time - change) < 1)
        // The second segment starts on a whole beat after the pickup, so the bars go on across the change.
        #expect(abs(map.segments[1].beat - map.pickupBeats - (map.segments[1].beat - map.pickupBeats).rounded()) < 1e-9)
    }

    @Test func anImposedTempoIsWrittenAsItIs() throws {
        var signal = Synth.silence(duration: 10, sampleRate: Self.rate)
        _ = Self.addBeat(to: &signal, bpm: 100, start: 0, bars: 4)
        var settings = TranscriptionSettings()
        settings.imposedTempo = 90
        let map = try Self.map(signal, settings: settings)
        #expect(map.segments == [TempoMap.Segment(time: 0, beat: 0, beatsPerMinute: 90)])
    }

    @Test func silenceHasNoBeat() throws {
        #expect(try Transcriber().transcribe(samples: Synth.silence(duration: 5), sampleRate: Self.rate).tempoMap == nil)
        #expect(BeatTracker(frameDuration: 0.01).track([Float](repeating: 0, count: 500)) == nil)
    }

    @Test func secondsAndBeatsConvertBothWays() {
        let map = TempoMap(segments: [.init(time: 0, beat: 0, beatsPerMinute: 120), .init(time: 4, beat: 8, beatsPerMinute: 60)],
                           pickupBeats: 1)
        for seconds in [0.0, 1.3, 4, 7.25] { #expect(abs(map.time(atBeat: map.beat(at: seconds)) - seconds) < 1e-12) }
        #expect(map.beat(at: 6) == 10)
        #expect(map.bars(until: 10).map(\.time) == [0.5, 2.5, 5, 9])
    }

    /// The corpus cases whose tempo is hardest to find: a tempo change, three tempi, one note a bar, 160 BPM
    /// sixteenths, syncopated fragments (and two whose off-beats are busier than their beats). Every section's tempo
    /// within 2 %, every change within 1 s, the first bar line where the song starts.
    @Test(arguments: [
        ("tempo-change", [(0.0, 96.0), (10.0, 144.0)]),
        ("jazz-trio", [(0.0, 100.0), (9.6, 140.0), (16.457, 80.0)]),
        ("long-notes", [(0.0, 80.0)]),
        ("real-kit-fast", [(0.0, 160.0)]),
        ("electronic-clip", [(0.0, 120.0)]),
        ("velocities", [(0.0, 90.0)]),
    ])
    func corpusTempoMaps(name: String, reference: [(Double, Double)]) throws {
        let transcription = try Transcriber().transcribe(path: Self.corpus.appendingPathComponent("\(name).flac").path)
        let map = try #require(transcription.tempoMap)
        try #require(map.segments.count == reference.count, "\(map.segments)")
        for (found, (time, bpm)) in zip(map.segments, reference) {
            #expect(abs(found.beatsPerMinute / bpm - 1) <= 0.02, "\(found.beatsPerMinute) BPM for \(bpm)")
            #expect(abs(found.time - time) <= 1, "a change at \(found.time) s for \(time) s")
        }
        #expect(map.bars(until: 1).first?.time ?? 1 < 0.05, "the first bar line at \(map.bars(until: 1))")
    }
}
