import Foundation
import SoundSortCore

/// Every setting of the pipeline; the defaults need no tuning on ordinary music.
public struct TranscriptionSettings: Sendable, Equatable {
    public var spectrogram = SpectrogramSettings()
    public var onsets = OnsetSettings()
    public var swells = SwellDetector()
    public var events = EventSettings()
    public var features = FeatureSettings()
    /// Two events are one sound when their attack spectra differ by less than this, in dB (mean absolute difference
    /// over bands and time, after level normalisation; average linkage between groups). 1…40.
    /// (Every setting's range is in `Settings+Validation.swift`.)
    public var mergeThreshold = 5.5
    /// Two groups of tonal sounds are one instrument while their timbres relative to their pitch (the attack spectrum
    /// at fixed ratios of the fundamental) differ by less than this, in dB (average linkage). 1…40.
    public var instrumentThreshold = 10.0
    /// An event is pitched when its pitch confidence reaches this (0…1).
    public var voicedConfidence = 0.8
    /// Two pitched events further apart than this, in semitones, are never one sound.
    public var pitchTolerance = 0.5
    /// A sound is tonal when at least this share of its events is pitched.
    public var tonalShare = 0.5
    /// Velocities span this many dB below the loudest event.
    public var velocityRange = 48.0
    /// Beat tracking and the tempo map.
    public var beats = BeatSettings()
    /// A tempo to write instead of the one found, in beats per minute (20…400); the beats still place the bars.
    public var imposedTempo: Double?
    /// Percussive sounds get the General MIDI drum note of their class (kick 36, snare 38, closed hat 42…); when
    /// false, 36 + their rank among percussive sounds (the layout before drum classes).
    public var generalMIDIDrums = true

    public init() {}
}

/// A stage of the pipeline, for progress reports.
public enum TranscriptionStage: String, Sendable {
    case decoding, onsets, features, clustering, ordering
}

/// Called with the stage under way and the share of it done (0…1).
public typealias TranscriptionProgress = (TranscriptionStage, Double) -> Void

/// From audio to a `Transcription`: onsets, events, features, sounds, order.
public struct Transcriber: Sendable {
    public let settings: TranscriptionSettings

    public init(settings: TranscriptionSettings = TranscriptionSettings()) throws(TranscribeError) {
        try settings.validate()
        self.settings = settings
    }

    /// A transcription and what else a caller may want from the same passes.
    public struct Analysis: Sendable {
        public var transcription: Transcription
        /// A reduced log-mel spectrogram, when asked for (for pictures).
        public var picture: SpectrogramPicture?
        /// Samples of the file that were invalid: NaN, infinite or beyond ±2²⁰ (read as the previous sample).
        public var invalidSamples = 0
    }

    /// Transcribes the audio file at `path`.
    public func transcribe(path: String, progress: TranscriptionProgress = { _, _ in }) throws(TranscribeError) -> Transcription {
        try analyse(path: path, progress: progress).transcription
    }

    /// Transcribes `samples` at `sampleRate` Hz: mono, or `channelCount` interleaved channels.
    public func transcribe(samples: [Float], sampleRate: Double, channelCount: Int = 1,
                           progress: TranscriptionProgress = { _, _ in }) throws(TranscribeError) -> Transcription {
        let source = try ArraySampleSource(samples: samples, sampleRate: sampleRate, channelCount: channelCount)
        return try analyse(source: source, expectedFrames: samples.count / channelCount, progress: progress).transcription
    }

    /// Transcribes the audio file at `path`, streaming it in blocks (once when it fits `ReplayableSource.budgetValues`).
    /// - Parameter keepPicture: also keep a reduced spectrogram for drawing.
    public func analyse(path: String, keepPicture: Bool = false, progress: TranscriptionProgress = { _, _ in }) throws(TranscribeError) -> Analysis {
        progress(.decoding, 0)
        return try analyse(FileSampleSource(path: path), keepPicture: keepPicture, progress: progress)
    }

    /// Transcribes an audio file's bytes held in memory (any format libsndfile reads); `path` names them in errors.
    public func analyse(bytes: [UInt8], path: String, keepPicture: Bool = false,
                        progress: TranscriptionProgress = { _, _ in }) throws(TranscribeError) -> Analysis {
        progress(.decoding, 0)
        return try analyse(FileSampleSource(bytes: bytes, path: path), keepPicture: keepPicture, progress: progress)
    }

    private func analyse(_ source: FileSampleSource, keepPicture: Bool, progress: TranscriptionProgress) throws(TranscribeError) -> Analysis {
        var analysis = try analyse(source: source, expectedFrames: Int(min(source.declaredFrameCount, Int64(Int32.max))),
                                   keepPicture: keepPicture, progress: progress)
        analysis.invalidSamples = source.invalidSamples
        return analysis
    }

    /// Every source is analysed at this rate, in Hz: resampled to it when its own differs (see `ResampledSource`), so
    /// that the same music at 44.1, 48 or 96 kHz gives the same sounds. 44.1 kHz is the corpus' rate and the most
    /// common one of music files; content above 20 kHz, which the analysis never reads, is all that is lost.
    public static let analysisSampleRate = 44_100

    /// `source` at the analysis rate: itself at that rate, else resampled.
    public static func analysisSource(_ source: SampleSource) throws(TranscribeError) -> SampleSource {
        source.sampleRate == Double(analysisSampleRate) ? source : try ResampledSource(source, outputRate: analysisSampleRate)
    }

    /// Transcribes a sample source in two passes: onsets first, streaming (they need the whole file's statistics),
    /// then each event's features from a short window around its onset. A source within
    /// `ReplayableSource.budgetValues` is decoded once and the second pass reads it, and the first pass's mel rows,
    /// from memory; a longer one is streamed again, so its memory grows with the number of events, not of samples.
    /// - Parameter expectedFrames: about how many frames the source holds (sizes the picture).
    public func analyse(source original: SampleSource, expectedFrames: Int, keepPicture: Bool = false,
                        progress: TranscriptionProgress = { _, _ in }) throws(TranscribeError) -> Analysis {
        let analysed = try Self.analysisSource(original)
        let expectedFrames = Int(Double(expectedFrames) * analysed.sampleRate / original.sampleRate)
        // Decoded (and resampled) once when the file fits the budget: the feature pass reads it from memory.
        let source = analysed is HeldSampleSource ? analysed : ReplayableSource(analysed, expectedValues: expectedFrames * analysed.channelCount)
        var spectrogramSettings = settings.spectrogram
        spectrogramSettings.highestFrequency = min(spectrogramSettings.highestFrequency, source.sampleRate / 2)
        let analyzer = try FrameAnalyzer(sampleRate: source.sampleRate, settings: spectrogramSettings)
        progress(.onsets, 0)
        let pass = try onsetPass(source, analyzer: analyzer, expectedFrames: expectedFrames / analyzer.hop + 1, keepPicture: keepPicture,
                                 keepRows: expectedFrames * analysed.channelCount <= ReplayableSource.budgetValues) {
            progress(.onsets, $0)
        }
        guard pass.sampleCount > 0 else {
            if let file = analysed as? FileSampleSource { throw .noAudio(path: file.path) }
            throw .invalidParameter(name: "samples", value: "none", allowed: "at least one")
        }
        // The source's own length: the resampled one may differ by a fraction of a frame.
        let duration = (analysed as? ResampledSource).map { Double($0.inputFrameCount) / original.sampleRate }
            ?? Double(pass.sampleCount) / source.sampleRate
        let fastOnsets = try OnsetDetector.pickPeaks(pass.onsetFunction, frameDuration: analyzer.frameDuration, settings: settings.onsets)
        let onsetFrames = (try fastOnsets + settings.swells.onsets(frameMagnitude: pass.frameMagnitude, fastOnsets: fastOnsets,
                                                               frameDuration: analyzer.frameDuration)).sorted()
        var events = try EventSegmenter.events(onsetFrames: onsetFrames, frameMagnitude: pass.frameMagnitude,
                                           frameDuration: analyzer.frameDuration, settings: settings.events)
        // Hits heard only in the high bands are events of their own that end no other (`QuietHits`).
        let quietFrames = try QuietHits.onsets(highFlux: pass.highOnsetFunction, besides: onsetFrames,
                                               frameDuration: analyzer.frameDuration, settings: settings.onsets)
        let foundCount = events.count
        if !quietFrames.isEmpty {
            let quiet = Set(quietFrames)
            events += try EventSegmenter.events(onsetFrames: (onsetFrames + quietFrames).sorted(), frameMagnitude: pass.frameMagnitude,
                                                frameDuration: analyzer.frameDuration, settings: settings.events)
                .filter { quiet.contains($0.startFrame) }
        }
        let tempoMap = BeatTracker(frameDuration: analyzer.frameDuration, settings: settings.beats)
            .track(pass.onsetFunction, imposedBeatsPerMinute: settings.imposedTempo,
                   firstOnset: onsetFrames.first.map { Double($0) * analyzer.frameDuration })?.map
            ?? settings.imposedTempo.map { TempoMap.constant(beatsPerMinute: $0) }
        guard !events.isEmpty else {
            return Analysis(transcription: Transcription(duration: duration, sampleRate: original.sampleRate, tempoMap: tempoMap, sounds: [], events: []),
                            picture: pass.picture)
        }
        progress(.features, 0)
        // The feature pass reads the events in onset order.
        let passOrder = events.indices.sorted { (events[$0].startFrame, $0) < (events[$1].startFrame, $1) }
        let measured = try featurePass(source, analyzer: analyzer, onsets: pass, events: passOrder.map { events[$0] }) { progress(.features, $0) }
        var measuredFeatures = measured.features
        for (position, index) in passOrder.enumerated() {
            events[index].level = measured.levels[position]
            measuredFeatures[index] = measured.features[position]
        }
        let quietHits = Array(events[foundCount...]), quietFeatures = Array(measuredFeatures[foundCount...])
        let (kept, filtered) = ContinuationFilter(frameMagnitude: pass.frameMagnitude, frameDuration: analyzer.frameDuration,
                                                   voicedConfidence: settings.voicedConfidence, pitchTolerance: settings.pitchTolerance)
            .filter(events: Array(events[..<foundCount]), features: Array(measuredFeatures[..<foundCount]))
        events = kept
        var features = filtered
        for (index, rate) in DecayMeasurer(envelope: pass.envelope).fallRates(events).enumerated() { features[index].fallRate = rate }
        progress(.clustering, 0)
        let envelope = HarmonicEnvelope(bandCentres: analyzer.filterbank.centerFrequencies)
        // Each stretch of the song is grouped as a clip of its own would be, then the stretches' sounds are linked.
        let onsets = events.map(\.onset)
        var sounds = SimultaneousSounds.Result(events: [], features: [], labels: [], origins: [])
        var stretchOf: [Int] = []
        let frameMagnitude = pass.frameMagnitude
        let stretches = SongChunks.ranges(onsets: onsets) { k in
            // Silent: somewhere between the two onsets the song falls to `SongChunks.silentShare` of the louder of them.
            let from = events[k - 1].startFrame, to = min(events[k].startFrame, frameMagnitude.count)
            guard from < to else { return false }
            let loud = max(frameMagnitude[from..<min(to, from + SongChunks.attackFrames)].max() ?? 0,
                           frameMagnitude[max(from, to - 1)...].prefix(SongChunks.attackFrames).max() ?? 0)
            return (frameMagnitude[from..<to].min() ?? 0) <= loud * SongChunks.silentShare
        }
        for (stretch, range) in stretches.enumerated() {
            let from = stretch == 0 ? -Double.infinity : onsets[range.lowerBound]
            let to = stretch + 1 < stretches.count ? onsets[range.upperBound] : .infinity
            let quiet = quietHits.indices.filter { quietHits[$0].onset >= from && quietHits[$0].onset < to }
            let part = group(events: Array(events[range]), features: Array(features[range]), quietHits: quiet.map { quietHits[$0] },
                             quietFeatures: quiet.map { quietFeatures[$0] }, envelope: envelope, bandCentres: analyzer.filterbank.centerFrequencies)
            let offset = (sounds.labels.max() ?? -1) + 1
            sounds.events += part.events
            sounds.features += part.features
            sounds.labels += part.labels.map { $0 + offset }
            // Origins: an event of the song, or (from `events.count` on) a quiet hit.
            sounds.origins += part.origins.map { $0 < range.count ? range.lowerBound + $0 : events.count + quiet[$0 - range.count] }
            stretchOf += Array(repeating: stretch, count: part.labels.count)
        }
        progress(.ordering, 0)
        sounds.labels = SoundLinker(threshold: Float(settings.mergeThreshold), voicedConfidence: settings.voicedConfidence,
                                    pitchTolerance: settings.pitchTolerance)
            .link(features: sounds.features, labels: sounds.labels, stretchOf: stretchOf, origins: sounds.origins)
        sounds = sounds.oneEventPerSoundAndOnset()
        let labels = denseLabels(sounds.labels)
        let voicedHz = sounds.features.map { $0.isVoiced(minimumConfidence: settings.voicedConfidence) ? $0.pitch?.frequency : nil }
        let decays = DecayMeasurer(envelope: pass.envelope).measure(events: sounds.events, pitches: voicedHz, labels: labels)
        var parts = sounds.events
        for (index, level) in PartLevels.levels(parts.map(\.level), origins: sounds.origins, labels: labels).enumerated() {
            parts[index].level = level
        }
        var builder = SoundBuilder(events: parts, features: sounds.features, labels: labels, decays: decays,
                                   envelope: envelope, settings: settings)
        builder.bandHits = Set(sounds.features.indices.filter { sounds.features[$0].joinedByBandsAlone })
        let transcription = builder.transcription(duration: duration, sampleRate: original.sampleRate, tempoMap: tempoMap)
        return Analysis(transcription: transcription, picture: pass.picture)
    }
}

extension Transcriber {
    /// The sounds of one stretch of the song: first-pass clustering, compounds split, what starts together taken apart,
    /// small drums and quiet hits joined.
    func group(events: [DetectedEvent], features: [EventFeatures], quietHits: [DetectedEvent], quietFeatures: [EventFeatures],
               envelope: HarmonicEnvelope, bandCentres: [Double]) -> SimultaneousSounds.Result {
        let distance = EventDistance(features: features, envelope: envelope, settings: settings)
        let firstPass = Recurrence(threshold: Float(settings.mergeThreshold)).split(
            labels: SamePitchMerger(features: features, envelope: envelope, settings: settings).merge(
                AgglomerativeClustering.labels(count: events.count, threshold: Float(settings.mergeThreshold), distance: distance.callAsFunction)),
            onsets: events.map(\.onset), distance: distance.callAsFunction)
        // Events of a sound that is two sounds at once become one event of each.
        let pitches = features.map { $0.isVoiced(minimumConfidence: settings.voicedConfidence) ? $0.pitch?.midiPitch : nil }
        let split = CompoundSplitter(threshold: Float(settings.mergeThreshold), pitchTolerance: settings.pitchTolerance, envelope: envelope)
            .split(patches: features.map(\.patch), pitches: pitches, labels: firstPass, drumBodies: features.map(\.pitchIsDrumBody),
                   onsets: events.map(\.onset))
        let expanded = SimultaneousSounds(threshold: Float(settings.mergeThreshold), voicedConfidence: settings.voicedConfidence,
                                          bandCentres: bandCentres)
            .expand(events: events, features: features, split: split)
        var merged = expanded
        merged.labels = SmallDrumMerger(threshold: Float(settings.mergeThreshold), voicedConfidence: settings.voicedConfidence)
            .merge(features: expanded.features, labels: expanded.labels)
        let highBands = QuietHits(threshold: Float(settings.mergeThreshold), voicedConfidence: settings.voicedConfidence, bandCentres: bandCentres)
        return highBands.addHiddenHits(to: highBands.join(hits: quietHits, features: quietFeatures, to: merged, firstOrigin: events.count))
    }
}
