import Testing
import TestSupport
@testable import Transcribe

/// Events cut at onsets: each ends at the next onset, where it has decayed 40 dB under its peak, or after 4 s.
@Suite struct EventSegmenterTests {
    static let frame = 0.01

    @Test func anEventEndsAtTheNextOnset() throws {
        let events = try EventSegmenter.events(onsetFrames: [0, 10, 25], frameMagnitude: [Float](repeating: 1, count: 40), frameDuration: Self.frame)
        #expect(events.map(\.startFrame) == [0, 10, 25])
        #expect(events.map(\.endFrame) == [10, 25, 40])
        #expect(events[1].onset.isApproximatelyEqual(to: 0.1) && events[1].end.isApproximatelyEqual(to: 0.25))
    }

    @Test func anEventEndsWhereItFalls40dBUnderItsPeak() throws {
        // Peak 1 at frame 2; 0.011 (−39.2 dB) still sounds, 0.009 (−40.9 dB) at frame 8 ends it.
        var magnitude: [Float] = [0.5, 0.8, 1, 0.5, 0.1, 0.05, 0.02, 0.011, 0.009, 0.005]
        magnitude += [Float](repeating: 0.001, count: 10)
        let events = try EventSegmenter.events(onsetFrames: [0], frameMagnitude: magnitude, frameDuration: Self.frame)
        #expect(events.map(\.endFrame) == [8])
    }

    @Test func noEventLastsLongerThanTheLongest() throws {
        var settings = EventSettings()
        settings.longestEvent = 0.5
        let events = try EventSegmenter.events(onsetFrames: [3], frameMagnitude: [Float](repeating: 1, count: 200),
                                               frameDuration: Self.frame, settings: settings)
        #expect(events.map(\.endFrame) == [53])
    }

    @Test func anOnsetOnTheLastFrameLastsOneFrame() throws {
        let events = try EventSegmenter.events(onsetFrames: [4], frameMagnitude: [1, 1, 1, 1, 1], frameDuration: Self.frame)
        #expect(events.map(\.endFrame) == [5])
        #expect(try EventSegmenter.events(onsetFrames: [], frameMagnitude: [1], frameDuration: Self.frame).isEmpty)
    }
}
