import Foundation
import SoundSortCore
import Testing
import TestSupport
@testable import Transcribe

/// Every setting of every stage is checked where it is made (aubio's `test_wrong_params`): a value outside its range
/// is an error naming the setting and the range, and every bound of every range transcribes without a crash.
@Suite struct SettingsValidationTests {
    /// One setting: its name in errors, how to set it, and its range with the other settings at their defaults.
    struct Setting: CustomTestStringConvertible, Sendable {
        var name: String
        var set: @Sendable (inout TranscriptionSettings, Double) -> Void
        var lowest: Double
        var highest: Double
        /// A setting whose range depends on this one's: a value past a bound they share may be reported under it.
        var related: String? = nil
        var testDescription: String { name }
    }

    static let settings: [Setting] = [
        Setting(name: "spectrogram.windowDuration", set: { $0.spectrogram.windowDuration = $1 }, lowest: 0.01, highest: 1, related: "spectrogram.hopDuration"),
        Setting(name: "spectrogram.hopDuration", set: { $0.spectrogram.hopDuration = $1 }, lowest: 0.001, highest: 0.046, related: "spectrogram.windowDuration"),
        Setting(name: "spectrogram.melBandCount", set: { $0.spectrogram.melBandCount = Int($1) }, lowest: 8, highest: 512),
        Setting(name: "spectrogram.lowestFrequency", set: { $0.spectrogram.lowestFrequency = $1 }, lowest: 0, highest: 15_999, related: "spectrogram.highestFrequency"),
        Setting(name: "spectrogram.highestFrequency", set: { $0.spectrogram.highestFrequency = $1 }, lowest: 31, highest: 100_000, related: "spectrogram.lowestFrequency"),
        Setting(name: "onsets.lag", set: { $0.onsets.lag = $1 }, lowest: 0.001, highest: 0.5),
        Setting(name: "onsets.maximumFilterBands", set: { $0.onsets.maximumFilterBands = Int($1) }, lowest: 0, highest: 64),
        Setting(name: "onsets.preMaximum", set: { $0.onsets.preMaximum = $1 }, lowest: 0, highest: 1),
        Setting(name: "onsets.postMaximum", set: { $0.onsets.postMaximum = $1 }, lowest: 0, highest: 1),
        Setting(name: "onsets.preAverage", set: { $0.onsets.preAverage = $1 }, lowest: 0, highest: 2),
        Setting(name: "onsets.postAverage", set: { $0.onsets.postAverage = $1 }, lowest: 0, highest: 2),
        Setting(name: "onsets.minimumGap", set: { $0.onsets.minimumGap = $1 }, lowest: 0.005, highest: 2),
        Setting(name: "onsets.threshold", set: { $0.onsets.threshold = $1 }, lowest: 0.01, highest: 1),
        Setting(name: "onsets.minimumFlux", set: { $0.onsets.minimumFlux = Float($1) }, lowest: 0, highest: 1_000),
        Setting(name: "swells.silenceBelowLoud", set: { $0.swells.silenceBelowLoud = $1 }, lowest: 6, highest: 200, related: "swells.startAboveSilence"),
        Setting(name: "swells.startAboveSilence", set: { $0.swells.startAboveSilence = $1 }, lowest: 0, highest: 20, related: "swells.riseAboveSilence"),
        Setting(name: "swells.riseAboveSilence", set: { $0.swells.riseAboveSilence = $1 }, lowest: 6, highest: 200, related: "swells.startAboveSilence"),
        Setting(name: "swells.riseTime", set: { $0.swells.riseTime = $1 }, lowest: 0.01, highest: 10),
        Setting(name: "swells.fastOnsetMargin", set: { $0.swells.fastOnsetMargin = $1 }, lowest: 0, highest: 10),
        Setting(name: "events.decayBelowPeak", set: { $0.events.decayBelowPeak = $1 }, lowest: 1, highest: 200),
        Setting(name: "events.longestEvent", set: { $0.events.longestEvent = $1 }, lowest: 0.01, highest: 600),
        Setting(name: "events.levelDuration", set: { $0.events.levelDuration = $1 }, lowest: 0.001, highest: 1),
        Setting(name: "features.attackDuration", set: { $0.features.attackDuration = $1 }, lowest: 0.03, highest: 1, related: "features.blockDuration"),
        Setting(name: "features.blockDuration", set: { $0.features.blockDuration = $1 }, lowest: 0.005, highest: 0.15, related: "features.attackDuration"),
        Setting(name: "features.dynamicRange", set: { $0.features.dynamicRange = $1 }, lowest: 1, highest: 200),
        Setting(name: "features.backgroundLead", set: { $0.features.backgroundLead = $1 }, lowest: 0, highest: 1),
        Setting(name: "features.clearPitchConfidence", set: { $0.features.clearPitchConfidence = $1 }, lowest: 0, highest: 1),
        Setting(name: "mergeThreshold", set: { $0.mergeThreshold = $1 }, lowest: 1, highest: 40),
        Setting(name: "voicedConfidence", set: { $0.voicedConfidence = $1 }, lowest: 0, highest: 1),
        Setting(name: "pitchTolerance", set: { $0.pitchTolerance = $1 }, lowest: 0.1, highest: 12),
        Setting(name: "tonalShare", set: { $0.tonalShare = $1 }, lowest: 0, highest: 1),
        Setting(name: "velocityRange", set: { $0.velocityRange = $1 }, lowest: 1, highest: 200),
    ]

    /// The two values that crashed before every setting was checked, among the rest.
    @Test func theCrashesOfIssue17AreErrors() {
        var zeroVelocityRange = TranscriptionSettings()
        zeroVelocityRange.velocityRange = 0
        var zeroBlock = TranscriptionSettings()
        zeroBlock.features.blockDuration = 0
        #expect(throws: TranscribeError.invalidParameter(name: "velocityRange", value: "0.0 dB", allowed: "1.0…200.0 dB")) {
            try Transcriber(settings: zeroVelocityRange)
        }
        #expect(throws: TranscribeError.invalidParameter(name: "features.blockDuration", value: "0.0 s", allowed: "0.005…0.15 s")) {
            try Transcriber(settings: zeroBlock)
        }
        #expect(TranscribeError.invalidParameter(name: "velocityRange", value: "0.0 dB", allowed: "1.0…200.0 dB").description
            == "velocityRange = 0.0 dB is out of range (allowed: 1.0…200.0 dB)")
    }

    /// Just below, just above, NaN and infinity are each refused with the setting's name.
    @Test(arguments: settings)
    func outOfRangeIsRefusedByName(_ setting: Setting) {
        let step = max(1e-3, (setting.highest - setting.lowest) * 1e-3)
        var wrong = [setting.highest + step, .nan, .infinity, -.infinity]
        // Integer settings are truncated: step a whole unit below.
        if setting.name.hasSuffix("Count") || setting.name.hasSuffix("Bands") { wrong = [setting.highest + 1, setting.lowest - 1] }
        if !(setting.name.hasSuffix("Count") || setting.name.hasSuffix("Bands")) { wrong.append(setting.lowest - step) }
        for value in wrong {
            var settings = TranscriptionSettings()
            setting.set(&settings, value)
            #expect("\(value)") {
                try Transcriber(settings: settings)
            } throws: { error in
                guard case let .invalidParameter(name, _, _) = error as? TranscribeError else { return false }
                return name == setting.name || name == setting.related
            }
        }
    }

    /// 1.6 s of tones and clicks at `rate`.
    static func signal(rate: Double) -> [Float] {
        var signal = Synth.silence(duration: 1.6, sampleRate: rate)
        Synth.addTone(to: &signal, frequency: 440, onsets: [0.1, 0.9], length: 0.3, sampleRate: rate)
        Synth.addClicks(to: &signal, onsets: [0.5, 1.3], sampleRate: rate)
        return signal
    }

    /// Each bound of each range transcribes (whatever it finds) without a crash, at 44.1 kHz and at 8 kHz (resampled
    /// to 44.1 kHz, so bands above 4 kHz hold nothing).
    @Test(arguments: settings)
    func everyBoundRuns(_ setting: Setting) throws {
        for value in [setting.lowest, setting.highest] {
            var settings = TranscriptionSettings()
            setting.set(&settings, value)
            let transcriber = try Transcriber(settings: settings)
            for rate in [44_100.0, 8_000] {
                let transcription = try transcriber.transcribe(samples: Self.signal(rate: rate), sampleRate: rate)
                #expect(transcription.events.allSatisfy { (1...127).contains($0.velocity) && $0.duration > 0 })
            }
        }
    }

    // Wrong parameters of each stage's constructor (or function, for the stages that are functions).

    @Test func frameAnalyzerChecksItsArguments() {
        #expect(throws: TranscribeError.invalidParameter(name: "sample rate", value: "0.0 Hz", allowed: "1000…1000000 Hz")) {
            try FrameAnalyzer(sampleRate: 0, settings: SpectrogramSettings())
        }
        var settings = SpectrogramSettings()
        settings.windowDuration = 0.005
        #expect(throws: TranscribeError.invalidParameter(name: "spectrogram.windowDuration", value: "0.005 s", allowed: "0.01…1.0 s")) {
            try FrameAnalyzer(sampleRate: 44_100, settings: settings)
        }
        settings = SpectrogramSettings()
        settings.lowestFrequency = 5_000
        #expect(throws: TranscribeError.invalidParameter(name: "spectrogram.lowestFrequency", value: "5000.0 Hz",
                                                         allowed: "below the audio's Nyquist frequency, 4000.0 Hz")) {
            try FrameAnalyzer(sampleRate: 8_000, settings: settings)
        }
    }

    @Test func featureExtractorChecksItsArguments() {
        #expect(throws: TranscribeError.invalidParameter(name: "frameDuration", value: "0.0 s", allowed: "0.0001…0.2 s")) {
            try FeatureExtractor(sampleRate: 44_100, frameDuration: 0, bandCount: 128)
        }
        #expect(throws: TranscribeError.invalidParameter(name: "bandCount", value: "0", allowed: "8…512")) {
            try FeatureExtractor(sampleRate: 44_100, frameDuration: 0.01, bandCount: 0)
        }
        var features = FeatureSettings()
        features.dynamicRange = -1
        #expect(throws: TranscribeError.invalidParameter(name: "features.dynamicRange", value: "-1.0 dB", allowed: "1.0…200.0 dB")) {
            try FeatureExtractor(sampleRate: 44_100, frameDuration: 0.01, bandCount: 128, settings: features)
        }
        var events = EventSettings()
        events.levelDuration = 0
        #expect(throws: TranscribeError.invalidParameter(name: "events.levelDuration", value: "0.0 s", allowed: "0.001…1.0 s")) {
            try EventLevel(sampleRate: 44_100, settings: events)
        }
    }

    @Test func onsetStagesCheckTheirArguments() {
        #expect(throws: TranscribeError.invalidParameter(name: "bandCount", value: "0", allowed: "8…512")) {
            try FluxTracker(bandCount: 0, frameDuration: 0.01, settings: OnsetSettings())
        }
        #expect(throws: TranscribeError.invalidParameter(name: "frameDuration", value: "nan s", allowed: "0.0001…0.2 s")) {
            try OnsetDetector.pickPeaks([0, 1, 0], frameDuration: .nan)
        }
        var onsets = OnsetSettings()
        onsets.lag = 0
        #expect(throws: TranscribeError.invalidParameter(name: "onsets.lag", value: "0.0 s", allowed: "0.001…0.5 s")) {
            try FluxTracker(bandCount: 128, frameDuration: 0.01, settings: onsets)
        }
        var swells = SwellDetector()
        swells.riseTime = 0
        #expect(throws: TranscribeError.invalidParameter(name: "swells.riseTime", value: "0.0 s", allowed: "0.01…10.0 s")) {
            try swells.onsets(frameMagnitude: [1, 2], fastOnsets: [], frameDuration: 0.01)
        }
        #expect(throws: TranscribeError.invalidParameter(name: "onsetFrames", value: "5", allowed: "0…2")) {
            try EventSegmenter.events(onsetFrames: [0, 5], frameMagnitude: [1, 1, 1], frameDuration: 0.01)
        }
        var events = EventSettings()
        events.longestEvent = .infinity
        #expect(throws: TranscribeError.invalidParameter(name: "events.longestEvent", value: "inf s", allowed: "0.01…600.0 s")) {
            try EventSegmenter.events(onsetFrames: [0], frameMagnitude: [1], frameDuration: 0.01, settings: events)
        }
    }

    @Test func spectralPartsCheckTheirArguments() {
        #expect(throws: TranscribeError.invalidParameter(name: "windowSeconds", value: "0.0 s", allowed: "0.01…1.0 s")) {
            try OnsetPitchEstimator(sampleRate: 44_100, windowSeconds: 0)
        }
        #expect(throws: TranscribeError.invalidParameter(name: "sample rate", value: "-1.0 Hz", allowed: "1000…1000000 Hz")) {
            try OnsetPitchEstimator(sampleRate: -1)
        }
        #expect(throws: TranscribeError.invalidParameter(name: "fftSize", value: "1", allowed: "2…16777216")) {
            try MelFilterbank(bandCount: 8, fftSize: 1, sampleRate: 44_100, lowestFrequency: 0, highestFrequency: 8_000)
        }
        #expect(throws: TranscribeError.invalidParameter(name: "bandCount", value: "0", allowed: "1…1024")) {
            try MelFilterbank(bandCount: 0, fftSize: 2_048, sampleRate: 44_100, lowestFrequency: 0, highestFrequency: 8_000)
        }
        #expect(throws: TranscribeError.self) {
            try MelFilterbank(bandCount: 8, fftSize: 2_048, sampleRate: 44_100, lowestFrequency: 9_000, highestFrequency: 8_000)
        }
    }

    @Test func audioWriterChecksItsArguments() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("soundsort-never-\(UUID().uuidString).wav").path
        #expect(throws: TranscribeError.invalidParameter(name: "channel count", value: "0", allowed: "1…1024")) {
            try AudioFileWriter(path: path, encoding: .wav16, sampleRate: 44_100, channelCount: 0)
        }
        #expect(throws: TranscribeError.invalidParameter(name: "sample rate", value: "0.0 Hz", allowed: "1000…1000000 Hz")) {
            try AudioFileWriter(path: path, encoding: .wav16, sampleRate: 0)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
