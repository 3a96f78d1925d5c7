import Foundation

/// A log-mel spectrogram reduced for drawing: `bands` rows, one column per `frameDuration`.
public struct SpectrogramPicture: Sendable, Equatable {
    /// Column-major: `values[column × bands + band]`, log10(1 + magnitude).
    public var values: [Float]
    public var bands: Int
    /// Seconds per column.
    public var frameDuration: Double
}

/// What the first pass keeps of the audio: a few numbers per frame, never the spectrogram.
struct OnsetPass {
    var onsetFunction: [Float] = []
    var frameMagnitude: [Float] = []
    /// Frames in the file.
    var sampleCount = 0
    /// The file's first and last frame (one value per channel): they stand for the samples before and after it.
    var firstFrame: [Float] = []
    var lastFrame: [Float] = []
    var picture: SpectrogramPicture?
    /// Each frame's level in octave bands (note lengths, drum classes).
    var envelope: BandEnvelope
}

extension Transcriber {
    /// Samples decoded at a time.
    static let blockFrames = 65_536
    /// At most this many columns are kept for a picture's spectrogram.
    static let pictureColumns = 8_000
    static let pictureBands = 64

    /// Streams the audio (every channel) once: the onset function, each frame's loudness and, if asked, a reduced spectrogram.
    /// - Complexity: one FFT per hop; memory O(frames) numbers, not O(samples).
    func onsetPass(_ source: SampleSource, analyzer: FrameAnalyzer, expectedFrames: Int, keepPicture: Bool,
                   report: (Double) -> Void) throws(TranscribeError) -> OnsetPass {
        var result = OnsetPass(envelope: BandEnvelope(frameDuration: analyzer.frameDuration))
        var powers = [Float](repeating: 0, count: BandEnvelope.bandCount)
        var flux = try FluxTracker(bandCount: analyzer.bandCount, frameDuration: analyzer.frameDuration, settings: settings.onsets)
        let channels = source.channelCount
        var window: [Float] = []
        var base = 0
        var total = 0
        var nextFrame = 0
        result.firstFrame = [Float](repeating: 0, count: channels)
        result.lastFrame = result.firstFrame
        var row = [Float](repeating: 0, count: analyzer.bandCount)
        let decimation = max(1, (expectedFrames + Self.pictureColumns - 1) / Self.pictureColumns)
        let bandGroup = max(1, analyzer.bandCount / Self.pictureBands)
        var column = [Float](repeating: 0, count: analyzer.bandCount / bandGroup)
        if keepPicture {
            result.picture = SpectrogramPicture(values: [], bands: column.count, frameDuration: analyzer.frameDuration * Double(decimation))
        }
        var endOfFile = false
        while !endOfFile {
            let read = try source.read(maxFrames: Self.blockFrames, appendingTo: &window)
            if total == 0, read > 0 { result.firstFrame = Array(window[0..<channels]) }
            total += read
            endOfFile = read == 0
            if read > 0 { result.lastFrame = Array(window[(window.count - channels)...]) }
            let lastFrame = endOfFile ? Spectrogram.frameCount(samples: total, hop: analyzer.hop) : Int.max
            let leadingValues = result.firstFrame, trailingValues = result.lastFrame
            window.withUnsafeBufferPointer { samples in
                row.withUnsafeMutableBufferPointer { row in
                    leadingValues.withUnsafeBufferPointer { leading in
                        trailingValues.withUnsafeBufferPointer { trailing in
                            let audio = AudioWindow(samples: samples, channelCount: channels, base: base, end: endOfFile ? total : Int.max)
                            while nextFrame < lastFrame && (endOfFile || analyzer.endSample(ofFrame: nextFrame) <= total) {
                                let magnitude = analyzer.analyse(frame: nextFrame, window: audio, leading: leading, trailing: trailing, into: row)
                                powers.withUnsafeMutableBufferPointer { analyzer.octavePowers(into: $0) }
                                powers.withUnsafeBufferPointer { result.envelope.append(powers: $0) }
                                result.onsetFunction.append(flux.push(UnsafeBufferPointer(row)))
                                result.frameMagnitude.append(magnitude)
                                if keepPicture {
                                    for b in 0..<column.count { column[b] += row[b * bandGroup..<(b + 1) * bandGroup].reduce(0, +) / Float(bandGroup) }
                                    if (nextFrame + 1) % decimation == 0 {
                                        result.picture!.values += column.map { $0 / Float(decimation) }
                                        for b in column.indices { column[b] = 0 }
                                    }
                                }
                                nextFrame += 1
                            }
                        }
                    }
                }
            }
            report(min(1, Double(nextFrame) / Double(max(expectedFrames, 1))))
            // Keep only the samples frames still to come will read.
            let keepFrom = min(max(base, analyzer.firstSample(ofFrame: nextFrame)), base + window.count / channels)
            if keepFrom - base >= Self.blockFrames {
                window.removeFirst((keepFrom - base) * channels)
                base = keepFrom
            }
        }
        result.sampleCount = total
        return result
    }

    /// Streams the audio again and measures each event from the frames and samples around its onset; sets each
    /// event's level. Memory: a window of samples a little longer than one block.
    func featurePass(_ source: SampleSource, analyzer: FrameAnalyzer, onsets: OnsetPass, events: inout [DetectedEvent],
                     report: (Double) -> Void) throws(TranscribeError) -> [EventFeatures] {
        let extractor = try FeatureExtractor(sampleRate: analyzer.sampleRate, frameDuration: analyzer.frameDuration,
                                             bandCount: analyzer.bandCount, settings: settings.features, events: settings.events)
        let frameCount = onsets.frameMagnitude.count
        let end = onsets.sampleCount
        func needed(_ event: DetectedEvent) -> Range<Int> {
            let frames = extractor.frames(of: event, frameCount: frameCount)
            let fromFrames = analyzer.firstSample(ofFrame: frames.lowerBound)..<analyzer.endSample(ofFrame: max(frames.lowerBound, frames.upperBound - 1))
            let fromSamples = extractor.samples(of: event)
            return max(0, min(fromFrames.lowerBound, fromSamples.lowerBound))..<min(end, max(fromFrames.upperBound, fromSamples.upperBound))
        }
        try source.rewind()
        let channels = source.channelCount
        var features: [EventFeatures] = []
        features.reserveCapacity(events.count)
        var window: [Float] = []
        var base = 0
        var total = 0
        var endOfFile = false
        var rows: [Float] = []
        let bands = analyzer.bandCount
        for index in events.indices {
            let need = needed(events[index])
            while total < need.upperBound && !endOfFile {
                let read = try source.read(maxFrames: Self.blockFrames, appendingTo: &window)
                total += read
                endOfFile = read == 0
            }
            let frames = extractor.frames(of: events[index], frameCount: frameCount)
            rows = [Float](repeating: 0, count: frames.count * bands)
            let (eventFeatures, level) = window.withUnsafeBufferPointer { samples in
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
                return extractor.features(of: events[index], frameCount: frameCount,
                                          linearRow: { frame in rows[((frame - frames.lowerBound) * bands)..<((frame - frames.lowerBound + 1) * bands)] },
                                          audio: audio)
            }
            features.append(eventFeatures)
            events[index].level = level
            if index % 256 == 0 { report(Double(index) / Double(events.count)) }
            // Samples before what the next event needs are done with.
            if index + 1 < events.count {
                let keepFrom = min(max(base, needed(events[index + 1]).lowerBound), base + window.count / channels)
                if keepFrom - base >= Self.blockFrames {
                    window.removeFirst((keepFrom - base) * channels)
                    base = keepFrom
                }
            }
        }
        return features
    }
}
