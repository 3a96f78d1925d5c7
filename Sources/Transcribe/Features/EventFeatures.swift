import Foundation

/// An event's attack spectrum over time: `blocks × bands` values in dB relative to its loudest value, floored,
/// stored contiguously. Blocks after the event ended belong to the next event: they are absent and never compared.
public struct AttackPatch: Sendable, Equatable {
    public let blocks: Int
    public let bands: Int
    /// Block-major dB values (0 in absent blocks).
    public var values: [Float]
    /// Whether each block lies within the event.
    public var present: [Bool]

    /// Mean absolute difference in dB over the blocks both patches have; nil when they share none.
    /// - Complexity: O(blocks × bands), vectorised.
    @inline(__always)
    public func meanAbsoluteDifference(_ other: AttackPatch) -> Float? {
        var sum = SIMD8<Float>()
        var shared = 0
        let bands = bands, vectors = bands / 8
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                guard let a = a.baseAddress, let b = b.baseAddress else { return }
                for block in 0..<min(blocks, other.blocks) where present[block] && other.present[block] {
                    shared += 1
                    // Eight bands at a time, loaded straight from the storage (no slice, no checked index).
                    let rowA = UnsafeRawPointer(a + block * bands), rowB = UnsafeRawPointer(b + block * bands)
                    for vector in 0..<vectors {
                        let x = rowA.loadUnaligned(fromByteOffset: vector &* 32, as: SIMD8<Float>.self)
                        let y = rowB.loadUnaligned(fromByteOffset: vector &* 32, as: SIMD8<Float>.self)
                        // |x − y| by clearing the sign bit: one instruction, not a compare and a blend. It differs
                        // from negating the negatives only at −0, which adds to the sum (never −0) as +0 does.
                        sum += unsafeBitCast(unsafeBitCast(x - y, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
                    }
                    for i in (block * bands + vectors * 8)..<((block + 1) * bands) { sum[0] += abs(a[i] - b[i]) }
                }
            }
        }
        return shared > 0 ? sum.sum() / Float(shared * bands) : nil
    }

    /// Mean absolute dB difference over the blocks both patches have and the bands not `masked`, after removing the
    /// mean offset between them (how loud a part is beside what else sounds is unknown); nil when they share nothing.
    public func offsetFreeDifference(_ other: AttackPatch, masked: [Bool]) -> Float? {
        // Called per onset and drum: the blocks and bands are walked in place, nothing allocated.
        let sharedBlocks = 0..<min(blocks, other.blocks)
        var sum: Float = 0, count = 0
        for block in sharedBlocks where present[block] && other.present[block] {
            for band in 0..<bands where !masked[band] {
                sum += values[block * bands + band] - other.values[block * other.bands + band]
                count += 1
            }
        }
        guard count > 0 else { return nil }
        let offset = sum / Float(count)
        var difference: Float = 0
        for block in sharedBlocks where present[block] && other.present[block] {
            for band in 0..<bands where !masked[band] {
                difference += abs(values[block * bands + band] - other.values[block * other.bands + band] - offset)
            }
        }
        return difference / Float(count)
    }

    /// The mean (in dB) of several patches; a block is present where any of them has it.
    public static func mean(of patches: [AttackPatch]) -> AttackPatch {
        let first = patches[0]
        var values = [Float](repeating: 0, count: first.values.count)
        var counts = [Float](repeating: 0, count: first.blocks)
        for patch in patches {
            for block in 0..<patch.blocks where patch.present[block] {
                counts[block] += 1
                for i in (block * patch.bands)..<((block + 1) * patch.bands) { values[i] += patch.values[i] }
            }
        }
        for block in 0..<first.blocks where counts[block] > 0 {
            for i in (block * first.bands)..<((block + 1) * first.bands) { values[i] /= counts[block] }
        }
        return AttackPatch(blocks: first.blocks, bands: first.bands, values: values, present: counts.map { $0 > 0 })
    }

    /// Linear magnitudes (10^(dB/20)), zero in absent blocks.
    public var linear: [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for block in 0..<blocks where present[block] {
            for i in (block * bands)..<((block + 1) * bands) { out[i] = pow(10, values[i] / 20) }
        }
        return out
    }
}

/// What an event sounds like: its attack spectrum over time, and its pitch.
public struct EventFeatures: Sendable, Equatable {
    public var patch: AttackPatch
    public var pitch: PitchEstimate?
    /// The notes of a chord starting at the event (two or more), when the event has no single clear pitch.
    public var chord: [PitchEstimate] = []
    /// What starts at the onset, taken apart into notes and an unexplained (percussive) part.
    public var content: OnsetContent?
    /// Pitches (Hz) found at the onset, as `pitch` or among `content`'s notes, that are a drum's body rather than a
    /// note: they fall (a kick's sine, a tom) or die at once in a noise (a snare's head). The stages that take an
    /// onset apart still use them (a kick's body under a hat is a second event); a sound counts them as unpitched.
    public var drumBodies: [Double] = []
    /// How high each note found at the onset (`pitch`, `chord` and `content`'s notes, by frequency in Hz) stands out of
    /// the increase (`OnsetPitchEstimator.preparedHarmonicExtent`), when a drum hit may lie beside it: a hit is
    /// recognised in the bands above.
    public var harmonicExtents: [HarmonicExtent] = []
    /// How fast the event falls after its attack, in dB a second (`DecayMeasurer.fallRates`); nil when not read.
    public var fallRate: Double?
    /// Whether the event is a drum's hit known by one end of the spectrum alone (`QuietHits`: a quiet hat, a hat or a
    /// kick hidden at another sound's onset): its patch holds whatever sounds louder around it, so its drum's class,
    /// template and exemplar are read from the drum's other events.
    public var joinedByBandsAlone = false

    /// How high the harmonics of the note at `frequency` reach (Hz); infinity when not measured.
    func harmonicExtent(of frequency: Double) -> Double {
        harmonicExtents.first { $0.frequency == frequency }?.extent ?? .infinity
    }

    /// Whether `pitch` is a drum's body.
    public var pitchIsDrumBody: Bool { pitch.map { drumBodies.contains($0.frequency) } ?? false }

    /// Whether the event is clearly pitched.
    public func isVoiced(minimumConfidence: Double) -> Bool { (pitch?.confidence ?? 0) >= minimumConfidence }
}

/// A note's frequency and the highest frequency at which its harmonics stand out (Hz).
public struct HarmonicExtent: Sendable, Equatable {
    public var frequency: Double
    public var extent: Double
}

/// Settings of feature extraction, in seconds and dB.
public struct FeatureSettings: Sendable, Equatable {
    /// The attack patch covers this long from the onset…
    public var attackDuration = 0.15
    /// …in blocks this long (frames averaged within a block).
    public var blockDuration = 0.03
    /// Patch values are floored this far under the patch's loudest value.
    public var dynamicRange = 60.0
    /// The background subtracted from the attack is the spectrum this long before the onset (the window's
    /// half-length, so the attack itself is not in it).
    public var backgroundLead = 0.03
    /// An event whose single pitch is less clear than this is tried as a chord.
    public var clearPitchConfidence = 0.8
    /// A pitch this clear (0…1) counts when it agrees with the other events of its sound (`SoundBuilder`); from this
    /// clarity on, a low pitch is checked for a drum's body (`EventFeatures.drumBodies`).
    public var fairPitchConfidence = 0.5

    public init() {}
}

/// Computes the features of events from frames and samples near each onset; usable over a whole spectrogram in
/// memory or over windows of a stream.
public final class FeatureExtractor {
    public let settings: FeatureSettings
    let sampleRate: Double
    let bands: Int
    let leadFrames: Int
    let framesPerBlock: Int
    let blockCount: Int
    /// A pitch below this (Hz) is checked for a drum's body: kicks, toms and snare heads sit there; higher notes are
    /// spared the second window.
    static let drumBodyBelow = 400.0
    /// A pitch that moves more than this (semitones) within its first 150 ms is a drum's…
    static let maximumGlide = 1.0
    /// …and so is one whose harmonic peak falls more than this (dB) in 65 ms (about 14 dB within 130 ms) while
    /// the notes found at the onset leave at least `noisyResidual` of its new magnitude unexplained (a drum's noise).
    /// 7 dB since unmatched hits beside notes are dropped: a snare head's fall of about 8 dB must make it a drum's.
    static let maximumFall = 7.0
    static let noisyResidual = 0.3
    /// What a drum's body belongs to reaches this many times its pitch (see `harmonicExtents`).
    static let drumBodyReach = 4.0
    private let pitch: OnsetPitchEstimator

    /// - Parameters:
    ///   - sampleRate: of the audio, in Hz.
    ///   - frameDuration: seconds between spectrogram frames.
    ///   - bandCount: mel bands per frame.
    /// - Throws: `.invalidParameter` naming a setting or argument out of range.
    public init(sampleRate: Double, frameDuration: Double, bandCount: Int, settings: FeatureSettings = FeatureSettings()) throws(TranscribeError) {
        try AudioFile.checkFormat(sampleRate: sampleRate, channelCount: 1)
        try SettingCheck.checkFrameDuration(frameDuration)
        try SettingCheck.check("bandCount", bandCount, SpectrogramSettings.melBandCounts)
        try settings.validate()
        self.settings = settings
        self.sampleRate = sampleRate
        bands = bandCount
        leadFrames = max(1, Int((settings.backgroundLead / frameDuration).rounded()))
        framesPerBlock = max(1, Int((settings.blockDuration / frameDuration).rounded()))
        blockCount = max(1, Int((settings.attackDuration / settings.blockDuration).rounded()))
        pitch = try OnsetPitchEstimator(sampleRate: sampleRate)
    }

    /// Frames an event's features read: from the background frame to the end of the attack patch.
    func frames(of event: DetectedEvent, frameCount: Int) -> Range<Int> {
        max(0, event.startFrame - leadFrames)..<min(frameCount, event.startFrame + blockCount * framesPerBlock)
    }

    /// Samples (absolute) an event's pitch reads.
    func samples(of event: DetectedEvent) -> Range<Int> { pitch.samples(around: onsetSample(event)) }

    private func onsetSample(_ event: DetectedEvent) -> Int { Int(event.onset * sampleRate) }

    /// The features of `event` (its level is `EventLevel`'s).
    /// - Parameters:
    ///   - linearRow: the mel magnitudes (linear) of a frame within `frames(of:frameCount:)`.
    ///   - audio: a window of every channel holding `samples(of:)` that lies within the file.
    public func features(of event: DetectedEvent, frameCount: Int, linearRow: (Int) -> ArraySlice<Float>,
                         audio: AudioWindow) -> EventFeatures {
        let floor = Float(-settings.dynamicRange)
        // The background: linear band magnitudes just before the onset, removed from every block.
        var background = [Float](repeating: 0, count: bands)
        let backgroundFrame = event.startFrame - leadFrames
        if backgroundFrame >= 0 {
            for (b, v) in linearRow(backgroundFrame).enumerated() { background[b] = v }
        }
        var values = [Float](repeating: 0, count: blockCount * bands)
        var present = [Bool](repeating: false, count: blockCount)
        var loudest: Float = -.infinity
        for block in 0..<blockCount {
            let first = event.startFrame + block * framesPerBlock
            let last = min(first + framesPerBlock, event.endFrame, frameCount)
            guard first < last || block == 0, first < frameCount else { continue }
            present[block] = true
            let frames = max(first + 1, last)
            let offset = block * bands
            values.withUnsafeMutableBufferPointer { values in
                for frame in first..<frames {
                    linearRow(frame).withUnsafeBufferPointer { row in
                        for b in 0..<min(bands, row.count) { values[offset + b] += row[b] }
                    }
                }
            }
            // Mean linear magnitude minus the background, then dB.
            let count = Float(frames - first)
            for b in 0..<bands {
                values[offset + b] = 20 * log10(1 + max(0, values[offset + b] / count - background[b]))
                loudest = max(loudest, values[offset + b])
            }
        }
        for block in 0..<blockCount where present[block] {
            for i in (block * bands)..<((block + 1) * bands) { values[i] = max(floor, values[i] - loudest) }
        }
        let patch = AttackPatch(blocks: blockCount, bands: bands, values: values, present: present)
        let onset = onsetSample(event)
        // The onset's two spectra are taken once for the four analyses below.
        let prepared = pitch.prepare(audio, onset: onset)
        let single = prepared ? pitch.preparedEstimate() : nil
        var chord: [PitchEstimate] = []
        if (single?.confidence ?? 0) < settings.clearPitchConfidence {
            chord = (prepared ? pitch.preparedChord() : nil) ?? []
        }
        let content = prepared ? pitch.preparedContent() : nil
        // A pitch that falls (a kick's sine, a tom) is a drum's, no note's; so is one that dies at once in a noise (a
        // snare's head under its wires; a marimba's note dies as fast, but alone).
        let noisy = (content?.residualShare ?? 1) >= Self.noisyResidual
        var candidates: [Double] = []
        for candidate in [single].compactMap({ $0 }).filter({ $0.confidence >= settings.fairPitchConfidence }) + (content?.notes ?? [])
        where candidate.frequency < Self.drumBodyBelow && !candidates.contains(candidate.frequency) {
            candidates.append(candidate.frequency)
        }
        let persistence = prepared && !candidates.isEmpty ? pitch.preparedPersistence(audio, onset: onset, of: candidates)
                                                          : candidates.map { _ in nil }
        // Where nothing else starts before it, a window `lateNoteDelay` after the onset tells a pitch that falls in a
        // noise and goes on dying (a snare's head: 20 dB down by then) from a note whose attack overshoots and holds (a
        // string section's bow: 9 dB down at 65 ms, 4 dB at 120 ms).
        let roomAfter = prepared && event.end - event.onset >= OnsetPitchEstimator.lateNoteDelay + OnsetPitchEstimator.windowDuration
        let fallingInNoise = persistence.map { after in after.map { noisy && $0.fall < -Self.maximumFall } ?? false }
        let laterFalls = roomAfter && fallingInNoise.contains(true)
            ? pitch.preparedFall(audio, onset: onset, of: candidates, after: OnsetPitchEstimator.lateNoteDelay)
            : candidates.map { _ in nil }
        let drumBodies = candidates.indices.compactMap { i -> Double? in
            guard let after = persistence[i] else { return nil }
            // Under the resolved range (a kick's sine at 40 Hz) a fall and a rise say nothing of a note.
            let resolved = candidates[i] >= OnsetPitchEstimator.minimumHarmonicSpacing * pitch.binHz
            let holds = resolved && laterFalls[i].map { $0 >= -Self.maximumFall } ?? false
            return abs(after.glide) > Self.maximumGlide || (fallingInNoise[i] && !holds) ? candidates[i] : nil
        }
        var withLate = content
        if roomAfter {
            // Nothing else starts before the later window ends, so what swells into it started here.
            var known: [PitchEstimate] = chord + (content?.notes ?? [])
            if let single, single.confidence >= settings.fairPitchConfidence { known.append(single) }
            withLate?.lateNotes = pitch.preparedLateNotes(audio, onset: onset, besides: known, bodies: drumBodies)
        }
        var features = EventFeatures(patch: patch, pitch: single, chord: chord, content: withLate, drumBodies: drumBodies)
        if prepared, (content?.residualShare ?? 0) >= SimultaneousSounds.residualForHit {
            // Only an event that may hold a hit beside its notes needs to know where they end. A drum's body is
            // the end of its own fall (a kick's sine starts two octaves higher): the rest of the drum lies below
            // `drumBodyReach` times it, and a hit above that is another drum's.
            for note in [single].compactMap({ $0 }) + chord + (content?.notes ?? []) {
                let extent = drumBodies.contains(note.frequency) ? Self.drumBodyReach * note.frequency
                                                                 : pitch.preparedHarmonicExtent(of: note.frequency)
                features.harmonicExtents.append(HarmonicExtent(frequency: note.frequency, extent: extent))
            }
        }
        return features
    }

    /// Features of every event of an in-memory spectrogram and signal; sets each event's `level`.
    public static func features(of events: inout [DetectedEvent], spectrogram: Spectrogram, samples: [Float],
                                settings: FeatureSettings = FeatureSettings()) throws(TranscribeError) -> [EventFeatures] {
        let extractor = try FeatureExtractor(sampleRate: spectrogram.sampleRate, frameDuration: spectrogram.frameDuration,
                                             bandCount: spectrogram.bandCount, settings: settings)
        let leveller = try EventLevel(sampleRate: spectrogram.sampleRate)
        return samples.withUnsafeBufferPointer { signal in
            events.indices.map { index in
                let audio = AudioWindow(mono: signal, end: signal.count)
                events[index].level = leveller.level(of: events[index], in: audio)
                return extractor.features(of: events[index], frameCount: spectrogram.frameCount,
                                          linearRow: { ArraySlice(spectrogram.row($0).map { pow(10, $0) - 1 }) }, audio: audio)
            }
        }
    }
}
