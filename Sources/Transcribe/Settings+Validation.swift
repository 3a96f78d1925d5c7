import Foundation

/// The range of every setting of every stage, and the checks that enforce them.
///
/// aubio's habit: a stage checks its arguments where it is made (`new_…`), with a message naming the argument, so that
/// a wrong value is an error at once and never a crash deep inside the analysis (a block of 0 s divided by, a
/// velocity range of 0 dB, a NaN turned into a frame count). Each settings type has `validate()`; every stage that
/// takes settings calls it in its initialiser (or before its first use, for the stages that are functions), and
/// `TranscriptionSettings.validate()` checks them all. Names are the settings' paths in `TranscriptionSettings`.
/// The ranges hold what makes sense musically and what the analysis handles at every sample rate it accepts
/// (a test runs every bound).
enum SettingCheck {
    /// Throws `.invalidParameter` unless `value` is finite and within `range`.
    static func check(_ name: String, _ value: Double, _ range: ClosedRange<Double>, _ unit: String = "") throws(TranscribeError) {
        guard value.isFinite, range.contains(value) else {
            throw .invalidParameter(name: name, value: "\(value)\(unit)", allowed: "\(range.lowerBound)…\(range.upperBound)\(unit)")
        }
    }

    static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>, _ unit: String = "") throws(TranscribeError) {
        guard range.contains(value) else {
            throw .invalidParameter(name: name, value: "\(value)\(unit)", allowed: "\(range.lowerBound)…\(range.upperBound)\(unit)")
        }
    }

    /// Seconds between spectrogram frames that a stage can work with (the hop's range, and a little beyond it for
    /// hops rounded to whole samples at low sample rates).
    static let frameDurations: ClosedRange<Double> = 1e-4...0.2

    static func checkFrameDuration(_ frameDuration: Double) throws(TranscribeError) {
        try check("frameDuration", frameDuration, frameDurations, " s")
    }
}

extension SpectrogramSettings {
    static let windowDurations: ClosedRange<Double> = 0.005...1
    static let hopDurations: ClosedRange<Double> = 0.001...0.1
    static let melBandCounts: ClosedRange<Int> = 8...512
    /// Band edges, in Hz (the top is lowered to the file's Nyquist frequency when above it; the bottom must lie
    /// under both).
    static let frequencies: ClosedRange<Double> = 0...100_000

    /// Checks every value; the error names the setting and its allowed range.
    public func validate() throws(TranscribeError) {
        try SettingCheck.check("spectrogram.hopDuration", hopDuration, Self.hopDurations, " s")
        try SettingCheck.check("spectrogram.windowDuration", windowDuration,
                               max(hopDuration, Self.windowDurations.lowerBound)...Self.windowDurations.upperBound, " s")
        try SettingCheck.check("spectrogram.melBandCount", melBandCount, Self.melBandCounts)
        try SettingCheck.check("spectrogram.highestFrequency", highestFrequency, 1...Self.frequencies.upperBound, " Hz")
        try SettingCheck.check("spectrogram.lowestFrequency", lowestFrequency, Self.frequencies.lowerBound...(highestFrequency - 1), " Hz")
    }
}

extension OnsetSettings {
    /// Checks every value; the error names the setting and its allowed range.
    public func validate() throws(TranscribeError) {
        try SettingCheck.check("onsets.lag", lag, 0.001...0.5, " s")
        try SettingCheck.check("onsets.maximumFilterBands", maximumFilterBands, 0...64)
        try SettingCheck.check("onsets.preMaximum", preMaximum, 0...1, " s")
        try SettingCheck.check("onsets.postMaximum", postMaximum, 0...1, " s")
        try SettingCheck.check("onsets.preAverage", preAverage, 0...2, " s")
        try SettingCheck.check("onsets.postAverage", postAverage, 0...2, " s")
        try SettingCheck.check("onsets.minimumGap", minimumGap, 0.005...2, " s")
        try SettingCheck.check("onsets.threshold", threshold, 0.01...1)
        try SettingCheck.check("onsets.minimumFlux", Double(minimumFlux), 0...1_000)
    }
}

extension SwellDetector {
    /// Checks every value; the error names the setting and its allowed range.
    public func validate() throws(TranscribeError) {
        try SettingCheck.check("swells.silenceBelowLoud", silenceBelowLoud, 1...200, " dB")
        try SettingCheck.check("swells.startAboveSilence", startAboveSilence, 0...silenceBelowLoud, " dB")
        try SettingCheck.check("swells.riseAboveSilence", riseAboveSilence, startAboveSilence...200, " dB")
        try SettingCheck.check("swells.riseTime", riseTime, 0.01...10, " s")
        try SettingCheck.check("swells.fastOnsetMargin", fastOnsetMargin, 0...10, " s")
    }
}

extension EventSettings {
    /// Checks every value; the error names the setting and its allowed range.
    public func validate() throws(TranscribeError) {
        try SettingCheck.check("events.decayBelowPeak", decayBelowPeak, 1...200, " dB")
        try SettingCheck.check("events.longestEvent", longestEvent, 0.01...600, " s")
        try SettingCheck.check("events.levelDuration", levelDuration, 0.001...1, " s")
    }
}

extension FeatureSettings {
    /// Checks every value; the error names the setting and its allowed range.
    public func validate() throws(TranscribeError) {
        try SettingCheck.check("features.attackDuration", attackDuration, 0.01...1, " s")
        // At most 200 blocks in a patch; never longer than the patch.
        try SettingCheck.check("features.blockDuration", blockDuration, max(0.005, attackDuration / 200)...attackDuration, " s")
        try SettingCheck.check("features.dynamicRange", dynamicRange, 1...200, " dB")
        try SettingCheck.check("features.backgroundLead", backgroundLead, 0...1, " s")
        try SettingCheck.check("features.clearPitchConfidence", clearPitchConfidence, 0...1)
    }
}

extension TranscriptionSettings {
    /// Checks every value of every stage; the error names the setting and its allowed range.
    public func validate() throws(TranscribeError) {
        try spectrogram.validate()
        try onsets.validate()
        try swells.validate()
        try events.validate()
        try features.validate()
        try SettingCheck.check("mergeThreshold", mergeThreshold, 1...40, " dB")
        try SettingCheck.check("instrumentThreshold", instrumentThreshold, 1...40, " dB")
        try SettingCheck.check("voicedConfidence", voicedConfidence, 0...1)
        try SettingCheck.check("pitchTolerance", pitchTolerance, 0.1...12, " semitones")
        try SettingCheck.check("tonalShare", tonalShare, 0...1)
        try SettingCheck.check("velocityRange", velocityRange, 1...200, " dB")
        if let imposedTempo { try SettingCheck.check("imposedTempo", imposedTempo, 20...400, " BPM") }
    }
}
