import Foundation
import Testing
import TestSupport
@testable import Transcribe

/// The streaming passes (in blocks, the file's rows kept or computed again around each event) give the numbers of
/// the in-memory spectrogram, to 1e-5.
@Suite struct StreamingAgreementTests {
    static let rate = 44_100.0

    /// 4 s (several decoding blocks) of tones and clicks.
    static func signal() -> [Float] {
        var signal = Synth.silence(duration: 4, sampleRate: rate)
        Synth.addTone(to: &signal, frequency: 220, onsets: [0.2, 1.4, 2.9], length: 0.8)
        Synth.addTone(to: &signal, frequency: 660, onsets: [0.7, 2.1, 3.5], length: 0.4)
        Synth.addClicks(to: &signal, onsets: [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.7])
        return signal
    }

    static func agree(_ a: [Float], _ b: [Float], _ what: String) {
        #expect(a.count == b.count, "\(what): \(a.count) against \(b.count) values")
        let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($0), abs($1)) }.max() ?? 0
        #expect(worst <= 1e-5, "\(what): relative difference \(worst)")
    }

    @Test func theOnsetPassGivesTheSpectrogramsNumbers() throws {
        let samples = Self.signal()
        let spectrogram = try Spectrogram(samples: samples, sampleRate: Self.rate)
        let transcriber = try Transcriber()
        let analyzer = try FrameAnalyzer(sampleRate: Self.rate, settings: SpectrogramSettings())
        for keepRows in [false, true] {
            let pass = try transcriber.onsetPass(ArraySampleSource(samples: samples, sampleRate: Self.rate), analyzer: analyzer,
                                                 expectedFrames: spectrogram.frameCount, keepPicture: false, keepRows: keepRows) { _ in }
            #expect(pass.sampleCount == samples.count)
            Self.agree(pass.frameMagnitude, spectrogram.frameMagnitude, "frame magnitude")
            Self.agree(pass.onsetFunction, try OnsetDetector.superFlux(spectrogram), "onset function")
            if keepRows {
                let rows = try #require(pass.linearRows)
                Self.agree(rows.map { log10(1 + $0) }, spectrogram.values, "mel rows")
            }
        }
    }

    /// The signal, or for 2 channels the signal left and its echo (half as loud, 0.1 s later) right.
    static func signal(channels: Int) -> [Float] {
        let mono = signal()
        guard channels == 2 else { return mono }
        let lag = Int(0.1 * rate)
        return (0..<mono.count).flatMap { [mono[$0], $0 >= lag ? 0.5 * mono[$0 - lag] : 0] }
    }

    @Test(arguments: [1, 2])
    func featuresFromKeptRowsAndFromASecondPassAgree(channels: Int) throws {
        let samples = Self.signal(channels: channels)
        let transcriber = try Transcriber()
        let analyzer = try FrameAnalyzer(sampleRate: Self.rate, settings: SpectrogramSettings())
        // Kept: the replayable source and its rows; streamed: no rows kept, so the source is read again and every
        // event's rows computed anew.
        let replayable = try ReplayableSource(ArraySampleSource(samples: samples, sampleRate: Self.rate, channelCount: channels),
                                              expectedValues: samples.count)
        let plain = try ArraySampleSource(samples: samples, sampleRate: Self.rate, channelCount: channels)
        let kept = try transcriber.onsetPass(replayable, analyzer: analyzer, expectedFrames: 400, keepPicture: false, keepRows: true) { _ in }
        let streamed = try transcriber.onsetPass(plain, analyzer: analyzer, expectedFrames: 400, keepPicture: false, keepRows: false) { _ in }
        #expect(replayable.allSamples == samples)
        let onsets = try OnsetDetector.pickPeaks(kept.onsetFunction, frameDuration: analyzer.frameDuration)
        let events = try EventSegmenter.events(onsetFrames: onsets, frameMagnitude: kept.frameMagnitude, frameDuration: analyzer.frameDuration)
        #expect(events.count >= 10)
        let fromMemory = try transcriber.featurePass(replayable, analyzer: analyzer, onsets: kept, events: events) { _ in }
        let fromStream = try transcriber.featurePass(plain, analyzer: analyzer, onsets: streamed, events: events) { _ in }
        #expect(fromMemory.levels == fromStream.levels)
        for (a, b) in zip(fromMemory.features, fromStream.features) {
            Self.agree(a.patch.values, b.patch.values, "attack patch")
            #expect(a.pitch == b.pitch)
        }
    }

    @Test func aSourceOverTheBudgetIsReadAgain() throws {
        let samples = Self.signal()
        let source = try ReplayableSource(ArraySampleSource(samples: samples, sampleRate: Self.rate), expectedValues: ReplayableSource.budgetValues + 1)
        var first: [Float] = [], second: [Float] = []
        while try source.read(maxFrames: 10_000, appendingTo: &first) > 0 {}
        #expect(source.allSamples == nil)
        try source.rewind()
        while try source.read(maxFrames: 10_000, appendingTo: &second) > 0 {}
        #expect(first == samples && second == samples)
    }
}
