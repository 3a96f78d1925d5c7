import Foundation

/// A fundamental frequency and how clearly the signal was harmonic there.
public struct PitchEstimate: Sendable, Equatable, Codable {
    /// In Hz.
    public var frequency: Double
    /// 0…1: how much more of the new energy lies on this pitch's harmonics than chance would put there.
    public var confidence: Double

    /// MIDI note number, fractional (69 = A4 = 440 Hz).
    public var midiPitch: Double { 69 + 12 * log2(frequency / 440) }
}

/// The pitch of what *starts* at an onset: harmonic summation over the spectrum's increase across the onset.
///
/// A time-domain estimator (YIN) reports the loudest periodicity of the mixture, which at a lead note over a
/// sustained bass is the bass. Subtracting the magnitude spectrum just before the onset from the one just after
/// leaves mostly the new sound; its pitch is the candidate whose harmonics (weighted 0.8ʰ⁻¹) collect the most of
/// that increase, refined by the interpolated peak of its strongest low harmonic.
public final class OnsetPitchEstimator {
    public let sampleRate: Double
    /// Lowest and highest fundamental considered, as MIDI note numbers.
    public static let lowestNote = 24.0
    public static let highestNote = 100.0
    /// Candidate spacing, in semitones (the interpolated peak of the best candidate gives the precision).
    public static let candidateStep = 0.25
    /// A candidate's fundamental must reach this share of its strongest harmonic…
    public static let fundamentalPresence: Float = 0.1
    /// …or its salience is scaled by this.
    public static let missingFundamentalPenalty: Float = 0.3
    /// Harmonics summed at most, and never above this frequency (Hz).
    public static let maximumHarmonics = 12
    public static let highestHarmonicFrequency = 8_000.0
    /// The window after the onset starts this late (past the transient), in seconds.
    public static let postOnsetDelay = 0.01
    /// Analysis window, in seconds: 4 096 samples at 44.1 kHz (93 ms), rounded up at other rates to the next
    /// length FFTW transforms fast (`RealFFT.fastSize`), so within 1 % of it at every rate and with bins about
    /// 10.8 Hz wide: the bin counts below (two bins either side of a harmonic…) mean the same in Hz everywhere.
    /// It resolves the harmonics of notes from about C2 (65 Hz) up; lower notes need a longer window than short
    /// events allow.
    public static let windowDuration = Double(referenceWindowLength) / 44_100
    /// Spectra are scaled to those of a window of this many samples (the 44.1 kHz window), so that the floors on
    /// the increase mean the same at every sample rate; at 44.1 kHz the scale is exactly 1.
    public static let referenceWindowLength = 4_096
    /// No window is shorter than this many samples.
    static let shortestWindow = 256
    /// Each harmonic counts this much less than the one below it in the salience (a note's upper harmonics are
    /// weaker and more often shared with other notes).
    static let harmonicWeightDecay: Float = 0.8
    /// A bin at the edge of a harmonic's band (half a semitone away) weighs this much less than one at its centre.
    static let bandEdgeFalloff: Float = 0.5
    /// A harmonic's energy is taken within this many bins either side of it (±21.5 Hz at the reference window),
    /// wide enough for the window's main lobe.
    static let harmonicHalfWidthBins = 2
    /// A pitch is refined, and followed after the onset, on the strongest of its first this many harmonics (the ones
    /// every pitched sound has, above the fundamental a bass or a kick may lack).
    static let refinementHarmonics = 4
    /// Windows that resolve a harmonic or two at least, and no longer than a long note.
    public static let windowDurations: ClosedRange<Double> = 0.01...1

    let spectra: MagnitudeSpectrum
    var post: [Float]
    var pre: [Float]
    var increase: [Float]
    /// The increase as `prepare` left it: the analyses of one onset each start from it (`restoreIncrease`), so the
    /// two spectra are taken once per onset, not once per analysis.
    var onsetIncrease: [Float]
    /// `strongest()` of the increase as `prepare` left it, once taken: the estimate and the chord both start there.
    var onsetStrongest: (frequency: Double, salience: Float)?
    /// The local median of the increase as `prepare` left it (`OnsetContent`'s surroundings of a peak), once taken.
    var onsetSurroundings: [Float]?
    /// Set while `OnsetContent` seeks the notes of an onset: a candidate's fundamental must then also be a peak of
    /// its own (`peaks(at:in:count:)`), not only hold some of the increase.
    var fundamentalMustPeak = false
    let binHz: Double
    /// The candidate fundamentals (Hz) and, tabulated once, the bins each one's harmonics read with their weights
    /// (harmonic weight 0.8ʰ⁻¹ times closeness to the harmonic): `taps[tapStart[c]..<tapStart[c + 1]]`.
    let candidates: [Double]
    let tapStart: [Int]
    let tapBin: [Int32]
    let tapWeight: [Float]
    /// Taps of one harmonic are contiguous; `harmonicEnd` closes each harmonic's run (the maximum is per harmonic).
    let harmonicEnd: [Int32]
    /// Each harmonic's weight (0.8ʰ⁻¹, no tap weighs more) and the two `bandMaxima` entries giving the largest
    /// increase over the bins its taps read: together they bound a candidate's salience from above (`salienceBound`).
    let harmonicWeight: [Float]
    let harmonicMaximum: [(Int32, Int32)]
    var bandMaxima: RangeMaxima
    /// Each candidate's bound, rewritten by every `strongest()`.
    var bounds: [Float]

    /// - Parameter windowSeconds: analysis window: longer resolves lower notes, shorter suits short events.
    /// - Throws: `.invalidParameter` for a sample rate or window out of range.
    public init(sampleRate: Double, windowSeconds: Double = OnsetPitchEstimator.windowDuration) throws(TranscribeError) {
        try AudioFile.checkFormat(sampleRate: sampleRate, channelCount: 1)
        try SettingCheck.check("windowSeconds", windowSeconds, Self.windowDurations, " s")
        let size = RealFFT.fastSize(atLeast: max(Self.shortestWindow, Int((windowSeconds * sampleRate).rounded())))
        spectra = try MagnitudeSpectrum(size: size, referenceWindowLength: Self.referenceWindowLength)
        self.sampleRate = sampleRate
        post = [Float](repeating: 0, count: size / 2 + 1)
        pre = post
        increase = post
        onsetIncrease = post
        binHz = sampleRate / Double(size)
        var candidates: [Double] = [], tapStart = [0], tapBin: [Int32] = [], tapWeight: [Float] = [], harmonicEnd: [Int32] = []
        var harmonicWeight: [Float] = [], harmonicBand: [(low: Int32, high: Int32)] = []
        let binHz = sampleRate / Double(size), binCount = size / 2 + 1
        var note = Self.lowestNote
        while note <= Self.highestNote {
            let f0 = 440 * pow(2, (note - 69) / 12)
            candidates.append(f0)
            var weight: Float = 1
            for h in 1...Self.maximumHarmonics {
                let f = f0 * Double(h)
                guard f < min(Self.highestHarmonicFrequency, sampleRate / 2) else { break }
                let (lo, hi) = Self.band(around: f, binHz: binHz, binCount: binCount)
                let centre = Float(f / binHz), halfWidth = Float(max(1, Double(hi - lo) / 2))
                for k in lo...hi {
                    tapBin.append(Int32(k))
                    tapWeight.append(weight * (1 - Self.bandEdgeFalloff * min(1, abs(Float(k) - centre) / halfWidth)))
                }
                harmonicEnd.append(Int32(tapBin.count))
                harmonicWeight.append(weight)
                harmonicBand.append((Int32(lo), Int32(hi)))
                weight *= Self.harmonicWeightDecay
            }
            tapStart.append(harmonicEnd.count)
            note += Self.candidateStep
        }
        self.candidates = candidates
        self.tapStart = tapStart
        self.tapBin = tapBin
        self.tapWeight = tapWeight
        self.harmonicEnd = harmonicEnd
        self.harmonicWeight = harmonicWeight
        let bandMaxima = RangeMaxima(binCount: Int(harmonicBand.map(\.high).max() ?? 0) + 1,
                                     longestRun: Int(harmonicBand.map { $0.high - $0.low + 1 }.max() ?? 1))
        harmonicMaximum = harmonicBand.map { band in
            let (a, b) = bandMaxima.entries(Int(band.low), Int(band.high))
            return (Int32(a), Int32(b))
        }
        self.bandMaxima = bandMaxima
        bounds = [Float](repeating: 0, count: candidates.count)
    }

    /// Samples (absolute) an estimate at `onset` reads, the later windows of `persistence` and `preparedLateNotes`
    /// included.
    public func samples(around onset: Int) -> Range<Int> {
        let latest = max(Int(Self.postOnsetDelay * sampleRate) + glideLagSamples, Int(Self.lateNoteDelay * sampleRate))
        return (onset - spectra.size)..<(onset + latest + spectra.size)
    }

    /// Estimates the pitch of the sound starting at absolute sample `onset`.
    /// - Parameters:
    ///   - samples: a window holding `samples(around: onset)` within the file; its first element is sample `base`.
    ///   - end: the file's length in samples (samples outside `0..<end` are silence).
    public func estimate(_ samples: UnsafeBufferPointer<Float>, base: Int, end: Int, onset: Int) -> PitchEstimate? {
        estimate(AudioWindow(mono: samples, base: base, end: end), onset: onset)
    }

    /// Estimates the pitch of the sound starting at absolute frame `onset` of a window of every channel.
    /// - Parameter audio: a window holding `samples(around: onset)` within the file.
    public func estimate(_ audio: AudioWindow, onset: Int) -> PitchEstimate? {
        prepare(audio, onset: onset) ? preparedEstimate() : nil
    }

    /// `estimate` of the onset last `prepare`d.
    func preparedEstimate() -> PitchEstimate {
        restoreIncrease()
        let (f0, _) = strongestAtOnset()
        return PitchEstimate(frequency: f0, confidence: harmonicity(f0, total: increase.reduce(0) { $0 + $1 * $1 }))
    }

    /// A chord's further notes need at least this share of the first note's salience.
    public static let chordSalienceShare: Float = 0.5
    /// Together a chord's notes must hold at least this share of the increase's energy on their harmonics, above what
    /// as many cleared bins would hold by chance.
    public static let chordExplainedShare: Float = 0.9
    /// At most this many notes in a chord.
    public static let maximumChordNotes = 4

    /// The notes of a chord starting at `onset`, strongest first, or nil when the increase is not a chord: each
    /// note's harmonics are removed before the next is sought, and the notes together must explain the increase.
    public func chord(_ samples: UnsafeBufferPointer<Float>, base: Int, end: Int, onset: Int) -> [PitchEstimate]? {
        chord(AudioWindow(mono: samples, base: base, end: end), onset: onset)
    }

    /// The notes of a chord starting at absolute frame `onset` of a window of every channel (see above).
    public func chord(_ audio: AudioWindow, onset: Int) -> [PitchEstimate]? {
        prepare(audio, onset: onset) ? preparedChord() : nil
    }

    /// `chord` of the onset last `prepare`d.
    func preparedChord() -> [PitchEstimate]? {
        restoreIncrease()
        let total = increase.reduce(0) { $0 + $1 * $1 }
        var notes: [PitchEstimate] = []
        var firstSalience: Float = 0
        while notes.count < Self.maximumChordNotes {
            // The first note is the estimate's pitch: the increase is still as `prepare` left it.
            let (f0, salience) = notes.isEmpty ? strongestAtOnset() : strongest()
            let pitch = PitchEstimate(frequency: f0, confidence: 0)
            if notes.isEmpty { firstSalience = salience }
            guard salience >= Self.chordSalienceShare * firstSalience, salience > 0,
                  !notes.contains(where: { abs($0.midiPitch - pitch.midiPitch) < 1 }) else { break }
            notes.append(pitch)
            removeHarmonics(of: f0)
        }
        let left = increase.reduce(0) { $0 + $1 * $1 }
        // Above chance: harmonics of low notes clear most bins, so noise would look explained.
        let cleared = Float(increase.count { $0 == 0 }) / Float(increase.count)
        let explained = cleared < 1 ? (1 - left / total - cleared) / (1 - cleared) : 0
        guard notes.count >= 2, explained >= Self.chordExplainedShare else { return nil }
        return notes.map { PitchEstimate(frequency: $0.frequency, confidence: Double(explained)) }
    }

    /// Computes the spectral increase across `onset` (kept in `onsetIncrease` too); false when there is nothing to
    /// analyse. The `prepared…` analyses then read it without taking the spectra again.
    func prepare(_ audio: AudioWindow, onset: Int) -> Bool {
        onsetStrongest = nil
        onsetSurroundings = nil
        let size = spectra.size
        let postStart = onset + Int(Self.postOnsetDelay * sampleRate)
        guard postStart + size / 2 < audio.end else { return false }
        magnitude(audio, start: postStart, into: &post)
        magnitude(audio, start: onset - size, into: &pre)
        var total: Float = 0
        // Through buffer pointers: a class's array properties are checked for exclusive access at every element.
        increase.withUnsafeMutableBufferPointer { increase in
            post.withUnsafeBufferPointer { post in
                pre.withUnsafeBufferPointer { pre in
                    for k in increase.indices {
                        increase[k] = max(0, post[k] - pre[k])
                        total += increase[k] * increase[k]
                    }
                }
            }
        }
        onsetIncrease.withUnsafeMutableBufferPointer { saved in _ = saved.update(fromContentsOf: increase) }
        return total > 1e-6
    }

    /// `strongest()` of the increase as `prepare` left it (the increase must be so: right after `restoreIncrease`),
    /// taken once per onset.
    func strongestAtOnset() -> (frequency: Double, salience: Float) {
        if let known = onsetStrongest { return known }
        let found = strongest()
        onsetStrongest = found
        return found
    }

    /// Puts back the increase `prepare` computed (an analysis clears harmonics from it as it goes).
    func restoreIncrease() {
        increase.withUnsafeMutableBufferPointer { increase in _ = increase.update(fromContentsOf: onsetIncrease) }
    }

    /// The candidate of greatest salience (the first of equals), refined, and its salience.
    ///
    /// The candidate of greatest upper bound is measured first, then, in order, only those whose bound could still
    /// reach the best salience so far: the same answer as measuring every candidate, for a fraction of the reads.
    func strongest() -> (frequency: Double, salience: Float) {
        increase.withUnsafeBufferPointer { bandMaxima.build($0) }
        // The bounds are moved out of the instance while in use: an array property of a class is checked for
        // exclusive access at every element.
        var bounds: [Float] = []
        swap(&bounds, &self.bounds)
        defer { swap(&bounds, &self.bounds) }
        bounds.withUnsafeMutableBufferPointer { fillSalienceBounds($0) }
        var first = 0
        for candidate in bounds.indices where bounds[candidate] > bounds[first] { first = candidate }
        let best = increase.withUnsafeBufferPointer { increase in
            var best = (salience: salience(first, of: increase), candidate: first)
            for candidate in candidates.indices where candidate != first {
                // An earlier candidate wins a tie, a later one must be greater.
                let couldWin = candidate < best.candidate ? bounds[candidate] >= best.salience : bounds[candidate] > best.salience
                guard couldWin else { continue }
                let s = salience(candidate, of: increase)
                if s > best.salience || (s == best.salience && candidate < best.candidate) { best = (s, candidate) }
            }
            return best
        }
        return (refine(candidates[best.candidate]), best.salience)
    }

    /// Writes each candidate's upper bound on `salience(candidate)` into `bounds`: each harmonic's weight times the
    /// largest increase in its band (a tap's weight never exceeds its harmonic's, rounding is monotone, and the sum
    /// is taken in the same order). Needs `bandMaxima` built over the current increase.
    func fillSalienceBounds(_ bounds: UnsafeMutableBufferPointer<Float>) {
        bandMaxima.withEntries { maxima in
            harmonicMaximum.withUnsafeBufferPointer { entries in
                harmonicWeight.withUnsafeBufferPointer { weights in
                    tapStart.withUnsafeBufferPointer { tapStart in
                        for candidate in 0..<(tapStart.count - 1) {
                            var sum: Float = 0
                            for harmonic in tapStart[candidate]..<tapStart[candidate + 1] {
                                let (a, b) = entries[harmonic]
                                sum += weights[harmonic] * max(maxima[Int(a)], maxima[Int(b)])
                            }
                            bounds[candidate] = sum
                        }
                    }
                }
            }
        }
    }

    /// Clears the increase within `halfWidth` bins (two by default) of each harmonic of `f0`.
    func removeHarmonics(of f0: Double, halfWidth: Int = OnsetPitchEstimator.harmonicHalfWidthBins) {
        // One access to the increase, not one per bin (a class's array property is checked at every access).
        increase.withUnsafeMutableBufferPointer { increase in
            var h = 1.0
            while f0 * h < sampleRate / 2 {
                let centre = Int((f0 * h / binHz).rounded())
                for k in max(0, centre - halfWidth)...min(increase.count - 1, centre + halfWidth) { increase[k] = 0 }
                h += 1
            }
        }
    }

    /// Sum over the candidate's harmonics of the largest weighted increase within half a semitone of each: each bin
    /// is weighed by the harmonic's weight and its closeness, so the salience peaks at the pitch.
    func salience(_ candidate: Int, of increase: UnsafeBufferPointer<Float>) -> Float {
        var sum: Float = 0
        var fundamental: Float = -1
        var strongest: Float = 0
        var tap = candidate == 0 ? 0 : Int(harmonicEnd[tapStart[candidate] - 1])
        let binCount = increase.count
        guard let increase = increase.baseAddress else { return 0 }
        tapBin.withUnsafeBufferPointer { bins in
            tapWeight.withUnsafeBufferPointer { weights in
                guard let weights = weights.baseAddress else { return }
                for harmonic in tapStart[candidate]..<tapStart[candidate + 1] {
                    let end = Int(harmonicEnd[harmonic])
                    // A harmonic's taps read consecutive bins from its first. Two running maxima, even and odd taps,
                    // so that each compare need not wait for the last (a maximum is the same in any order).
                    let count = end &- tap  // At least one: every harmonic reads a bin.
                    let values = increase + Int(bins[tap]), tapWeights = weights + tap
                    var peak: Float = 0, oddPeak: Float = 0
                    var j = 0
                    while j &+ 1 < count {
                        peak = max(peak, values[j] * tapWeights[j])
                        oddPeak = max(oddPeak, values[j &+ 1] * tapWeights[j &+ 1])
                        j &+= 2
                    }
                    if j < count { peak = max(peak, values[j] * tapWeights[j]) }
                    peak = max(peak, oddPeak)
                    tap = end
                    sum += peak
                    if fundamental < 0 { fundamental = peak }
                    strongest = max(strongest, peak)
                }
            }
        }
        // A candidate whose own fundamental did not start (an octave under a note, or the common root under a
        // chord) only collects other notes' harmonics.
        let present = fundamental >= Self.fundamentalPresence * strongest
            && (!fundamentalMustPeak || Self.peaks(at: candidates[candidate] / binHz, in: increase, count: binCount))
        return present ? sum : sum * Self.missingFundamentalPenalty
    }

    /// Whether `increase` peaks at the fractional bin `position`: the larger of the two bins around it is no smaller
    /// than either of its neighbours. Within half a semitone of a low candidate lies the skirt of a note or of a
    /// drum's body a bin or two away (an A2 bass under the C3 that C4, E4 and G4 have in common), which is no
    /// fundamental of its own.
    static func peaks(at position: Double, in increase: UnsafePointer<Float>, count: Int) -> Bool {
        let below = Int(position)
        guard below >= 1, below + 2 < count else { return true }
        let top = increase[below + 1] > increase[below] ? below + 1 : below
        return increase[top] >= increase[top - 1] && increase[top] >= increase[top + 1]
    }

    /// The frequency of the strongest of the first `refinementHarmonics` harmonics, from its interpolated peak, divided
    /// by its number.
    func refine(_ f0: Double) -> Double {
        var best = (value: Float(-1), estimate: f0)
        for h in 1...Self.refinementHarmonics {
            let f = f0 * Double(h)
            guard f < sampleRate / 2 else { break }
            let (lo, hi) = band(around: f)
            guard let k = (lo...hi).max(by: { increase[$0] < increase[$1] }), increase[k] > best.value else { continue }
            var position = Double(k)
            if k > 0 && k < increase.count - 1 {
                position += Self.peakOffset(Double(increase[k - 1]), Double(increase[k]), Double(increase[k + 1]))
            }
            best = (increase[k], position * binHz / Double(h))
        }
        // Keep the refinement only if it stays within a semitone of the candidate (the same peak).
        return abs(12 * log2(best.estimate / f0)) <= 1 ? best.estimate : f0
    }

    /// Where, in bins from the middle one, the parabola through three neighbouring values peaks: only a local maximum
    /// is interpolated, so the offset stays within half a bin (at the edge of a searched range a larger neighbour
    /// outside it would put the parabola's peak anywhere, even below bin 0); 0 otherwise.
    static func peakOffset(_ below: Double, _ middle: Double, _ above: Double) -> Double {
        let denominator = below - 2 * middle + above
        guard denominator < 0, middle >= below, middle >= above else { return 0 }
        return 0.5 * (below - above) / denominator
    }

    /// Share of the increase's energy within two bins of the harmonics, above what a flat spectrum would give there.
    func harmonicity(_ f0: Double, total: Float) -> Double {
        let limit = min(Self.highestHarmonicFrequency, sampleRate / 2)
        let lastBin = min(increase.count - 1, Int(limit / binHz))
        let firstBin = max(0, Int(f0 / 2 / binHz))
        var inRange: Float = 0
        for k in firstBin...max(firstBin, lastBin) { inRange += increase[k] * increase[k] }
        guard inRange > 0 else { return 0 }
        var near: Float = 0
        var covered = 0
        var nextFree = 0  // Harmonics rise, so a bin already counted is below this.
        var h = 1.0
        while f0 * h < limit {
            let centre = Int((f0 * h / binHz).rounded())
            let low = max(nextFree, centre - Self.harmonicHalfWidthBins, 0), high = min(increase.count - 1, centre + Self.harmonicHalfWidthBins)
            if low <= high {
                for k in low...high { near += increase[k] * increase[k] }
                covered += high - low + 1
                nextFree = high + 1
            }
            h += 1
        }
        let share = Double(near / inRange)
        let chance = min(1, Double(covered) / Double(max(1, lastBin - firstBin + 1)))
        guard chance < 1 else { return 0 }
        return max(0, (share - chance) / (1 - chance))
    }

    private func band(around frequency: Double) -> (Int, Int) {
        Self.band(around: frequency, binHz: binHz, binCount: increase.count)
    }

    /// Bins within half a semitone (at least one bin) of `frequency`.
    private static func band(around frequency: Double, binHz: Double, binCount: Int) -> (Int, Int) {
        let centre = frequency / binHz
        let width = max(1, centre * (pow(2, 1.0 / 24) - 1))
        return (max(0, Int((centre - width).rounded(.down))), min(binCount - 1, Int((centre + width).rounded(.up))))
    }

    /// Hann-windowed magnitude spectrum of `size` frames from absolute frame `start` (zeros outside the file), the
    /// channels combined by power (√ of the mean over channels of |X|²), so that no phase relation cancels a sound.
    func magnitude(_ audio: AudioWindow, start: Int, into spectrum: inout [Float]) {
        spectrum.withUnsafeMutableBufferPointer { spectra.compute(audio, start: start, into: $0) }
    }
}
