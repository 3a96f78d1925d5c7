import Foundation

/// A log-mel spectrogram reduced for drawing: `bands` rows, one column per `frameDuration`.
public struct SpectrogramPicture: Sendable, Equatable {
    /// Column-major: `values[column × bands + band]`, log10(1 + magnitude).
    public var values: [Float]
    public var bands: Int
    /// Seconds per column.
    public var frameDuration: Double
}

/// What the first pass keeps of the audio: a few numbers per frame and, for a file that fits
/// `ReplayableSource.budgetValues`, each frame's linear mel row (so the feature pass need not compute them again).
struct OnsetPass {
    var onsetFunction: [Float] = []
    /// The same over the bands from `QuietHits.lowestFrequency` up alone (hats under louder sounds).
    var highOnsetFunction: [Float] = []
    var frameMagnitude: [Float] = []
    /// Frames in the file.
    var sampleCount = 0
    /// The file's first and last frame (one value per channel): they stand for the samples before and after it.
    var firstFrame: [Float] = []
    var lastFrame: [Float] = []
    var picture: SpectrogramPicture?
    /// Each frame's level in octave bands (note lengths, drum classes).
    var envelope: BandEnvelope
    /// Frame-major linear mel magnitudes, `bandCount` a frame, when kept.
    var linearRows: [Float]?
}

extension Transcriber {
    /// At most this many columns are kept for a picture's spectrogram.
    static let pictureColumns = 8_000
    static let pictureBands = 64

    /// Streams the audio (every channel) once: the onset function, each frame's loudness and, if asked, a reduced
    /// spectrogram and every linear mel row.
    /// - Complexity: one FFT per hop; memory O(frames) numbers, not O(samples) (O(frames × bands) with `keepRows`).
    func onsetPass(_ source: SampleSource, analyzer: FrameAnalyzer, expectedFrames: Int, keepPicture: Bool, keepRows: Bool,
                   report: (Double) -> Void) throws(TranscribeError) -> OnsetPass {
        var result = OnsetPass(envelope: BandEnvelope(frameDuration: analyzer.frameDuration))
        var powers = [Float](repeating: 0, count: BandEnvelope.bandCount)
        var flux = try FluxTracker(bandCount: analyzer.bandCount, frameDuration: analyzer.frameDuration, settings: settings.onsets)
        let decimation = max(1, (expectedFrames + Self.pictureColumns - 1) / Self.pictureColumns)
        let bandGroup = max(1, analyzer.bandCount / Self.pictureBands)
        var column = [Float](repeating: 0, count: analyzer.bandCount / bandGroup)
        if keepPicture {
            result.picture = SpectrogramPicture(values: [], bands: column.count, frameDuration: analyzer.frameDuration * Double(decimation))
        }
        result.onsetFunction.reserveCapacity(expectedFrames)
        result.highOnsetFunction.reserveCapacity(expectedFrames)
        let highBands = analyzer.filterbank.centerFrequencies.firstIndex { $0 >= QuietHits.lowestFrequency } ?? analyzer.bandCount
        result.frameMagnitude.reserveCapacity(expectedFrames)
        var rows: [Float] = []
        if keepRows { rows.reserveCapacity(expectedFrames * analyzer.bandCount) }
        let summary = try FrameStream(analyzer: analyzer).run(source, blockDone: { report(min(1, Double($0) / Double(max(expectedFrames, 1)))) }) {
            frame, row, linear, magnitude in
            powers.withUnsafeMutableBufferPointer { analyzer.octavePowers(into: $0) }
            powers.withUnsafeBufferPointer { result.envelope.append(powers: $0) }
            let (all, high) = flux.push(row, highBandsFrom: highBands)
            result.onsetFunction.append(all)
            result.highOnsetFunction.append(high)
            result.frameMagnitude.append(magnitude)
            if keepRows { rows.append(contentsOf: linear) }
            if keepPicture {
                for b in 0..<column.count { column[b] += row[b * bandGroup..<(b + 1) * bandGroup].reduce(0, +) / Float(bandGroup) }
                if (frame + 1) % decimation == 0 {
                    result.picture!.values += column.map { $0 / Float(decimation) }
                    for b in column.indices { column[b] = 0 }
                }
            }
        }
        result.sampleCount = summary.sampleCount
        result.firstFrame = summary.firstFrame
        result.lastFrame = summary.lastFrame
        if keepRows { result.linearRows = rows }
        return result
    }

    /// Measures each event from the frames and samples around its onset; returns its features and its attack
    /// level (dB). Reads the rows and samples the first pass kept when it kept them, else streams the audio again:
    /// a window of samples a little longer than one block, and the frames each event reads computed anew.
    func featurePass(_ source: SampleSource, analyzer: FrameAnalyzer, onsets: OnsetPass, events: [DetectedEvent],
                     report: (Double) -> Void) throws(TranscribeError) -> (features: [EventFeatures], levels: [Double]) {
        let extractor = try FeatureExtractor(sampleRate: analyzer.sampleRate, frameDuration: analyzer.frameDuration,
                                             bandCount: analyzer.bandCount, settings: settings.features)
        let leveller = try EventLevel(sampleRate: analyzer.sampleRate, settings: settings.events)
        let frameCount = onsets.frameMagnitude.count
        let end = onsets.sampleCount
        let bands = analyzer.bandCount
        var features: [EventFeatures] = []
        features.reserveCapacity(events.count)
        var levels: [Double] = []
        levels.reserveCapacity(events.count)
        if let samples = (source as? HeldSampleSource)?.allSamples, let rows = onsets.linearRows {
            // Everything is in memory: no decoding, no STFT.
            samples.withUnsafeBufferPointer { samples in
                let audio = AudioWindow(samples: samples, channelCount: source.channelCount, base: 0, end: end)
                for (index, event) in events.enumerated() {
                    features.append(extractor.features(of: event, frameCount: frameCount,
                                                       linearRow: { rows[($0 * bands)..<(($0 + 1) * bands)] }, audio: audio))
                    levels.append(leveller.level(of: event, in: audio))
                    if index % 256 == 0 { report(Double(index) / Double(events.count)) }
                }
            }
            return (features, levels)
        }
        func needed(_ event: DetectedEvent) -> Range<Int> {
            let frames = extractor.frames(of: event, frameCount: frameCount)
            let fromFrames = analyzer.firstSample(ofFrame: frames.lowerBound)..<analyzer.endSample(ofFrame: max(frames.lowerBound, frames.upperBound - 1))
            let pitch = extractor.samples(of: event), level = leveller.samples(of: event)
            let fromSamples = pitch.lowerBound..<max(pitch.upperBound, level.upperBound)
            return max(0, min(fromFrames.lowerBound, fromSamples.lowerBound))..<min(end, max(fromFrames.upperBound, fromSamples.upperBound))
        }
        try source.rewind()
        let channels = source.channelCount
        var window: [Float] = []
        var base = 0
        var total = 0
        var endOfFile = false
        var rows: [Float] = []
        for index in events.indices {
            let need = needed(events[index])
            while total < need.upperBound && !endOfFile {
                let read = try source.read(maxFrames: FrameStream.blockFrames, appendingTo: &window)
                total += read
                endOfFile = read == 0
            }
            let frames = extractor.frames(of: events[index], frameCount: frameCount)
            if rows.count < frames.count * bands { rows = [Float](repeating: 0, count: frames.count * bands) }
            let (eventFeatures, level) = window.withUnsafeBufferPointer { samples -> (EventFeatures, Double) in
                let audio = AudioWindow(samples: samples, channelCount: channels, base: base, end: end)
                rows.withUnsafeMutableBufferPointer { rows in
                    onsets.firstFrame.withUnsafeBufferPointer { leading in
                        onsets.lastFrame.withUnsafeBufferPointer { trailing in
                            for (offset, frame) in frames.enumerated() {
                                analyzer.analyse(frame: frame, window: audio, leading: leading, trailing: trailing,
                                                 into: UnsafeMutableBufferPointer(rebasing: rows[(offset * bands)..<((offset + 1) * bands)]),
                                                 logarithmic: false)
                            }
                        }
                    }
                }
                return (extractor.features(of: events[index], frameCount: frameCount,
                                           linearRow: { frame in rows[((frame - frames.lowerBound) * bands)..<((frame - frames.lowerBound + 1) * bands)] },
                                           audio: audio),
                        leveller.level(of: events[index], in: audio))
            }
            features.append(eventFeatures)
            levels.append(level)
            if index % 256 == 0 { report(Double(index) / Double(events.count)) }
            // Samples before what the next event needs are done with.
            if index + 1 < events.count {
                let keepFrom = min(max(base, needed(events[index + 1]).lowerBound), base + window.count / channels)
                if keepFrom - base >= FrameStream.blockFrames {
                    window.removeFirst((keepFrom - base) * channels)
                    base = keepFrom
                }
            }
        }
        return (features, levels)
    }
}
