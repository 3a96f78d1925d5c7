import Foundation

/// What starts at an onset, taken apart: the pitched notes, and how much of the new energy none of them holds
/// (a drum hit starting with them).
public struct OnsetContent: Sendable, Equatable {
    /// Notes found over whatever else started, strongest first; `confidence` is the note's share of the peaked
    /// (tonal) part of the increase.
    public var notes: [PitchEstimate]
    /// 0…1: magnitude of the increase left once every note's harmonics are cleared (`residualHalfWidthBins` either
    /// side), per share of the spectrum left, relative to the whole increase (about 1 when nothing is explained, 0
    /// when the notes explain all). Summed in magnitude, not energy, so that a hat over a loud bass still counts for
    /// what one hears of it.
    public var residualShare: Double
    /// Notes that swell in after the onset (a pad's or an organ's slow attack under a drum hit, a bass under a kick's
    /// body), found in what has risen a little later once the drums have died away; none of `notes` among them.
    public var lateNotes: [PitchEstimate] = []

    public init(notes: [PitchEstimate], residualShare: Double, lateNotes: [PitchEstimate] = []) {
        self.notes = notes
        self.residualShare = residualShare
        self.lateNotes = lateNotes
    }
}

extension OnsetPitchEstimator {
    /// A spectral peak stands out from its surroundings over this many Hz either side (the local median).
    static let surroundingsHalfWidth = 70.0
    /// A note's peaks rise this many times above their surroundings' median (about 12 dB)…
    static let notePeakProminence: Float = 4
    /// …and hold at least this share of what is left of the peaked part of the increase (in magnitude, so that a
    /// loud bass does not hide the chord above it)…
    static let noteTonalShare: Float = 0.25
    /// …and this share of all of it…
    static let noteShareOfAll: Float = 0.04
    /// …or, for the first note when a body under the resolved range (a kick's sine) was cleared, of this much: what a
    /// kick leaves in the bins above its body (its click) must not pass for a note, while a chord on the kick has a
    /// strongest note that holds this much (0.1, 0.2 and 0.3 measured on the corpus; its other notes are held to
    /// `noteShareOfAll`).
    static let noteShareBesideBody: Float = 0.2
    /// A note's harmonics must lie this many analysis bins apart at least, so that they are resolved.
    static let minimumHarmonicSpacing = 6.0
    /// What a drum hit beside the notes leaves is measured once every note's harmonics are cleared this many bins
    /// either side (±43 Hz at 44.1 kHz): a real instrument's upper partials spread and drift (a saw lead's detuned
    /// voices, a slightly wrong pitch estimate times the harmonic number) past the ±2 bins that locate a note, and
    /// their remains would read as a hit, while a hit's broadband energy is everywhere else too. (3, 4, 5 and 6
    /// measured on the corpus: 4 raised every mean; 5 and 6 split the two instruments that share pitches.)
    static let residualHalfWidthBins = 4
    /// …but at most a third of the note's harmonic spacing (and at least `harmonicHalfWidthBins`): under 97 Hz, ±4
    /// bins would leave only scattered bins between a low note's harmonics, and the share, scaled up by the little
    /// left, would rest on them (a detuned bass read as a hit). Measured, the cap also gave back organ-triads-drums'
    /// and real-kit-fast's ARI.
    func residualHalfWidth(of f0: Double) -> Int {
        min(Self.residualHalfWidthBins, max(Self.harmonicHalfWidthBins, Int(f0 / binHz / 3)))
    }
    /// A candidate under this (Hz) that holds its share of the increase but does not stand out of its surroundings
    /// is taken out and the search goes on, once per onset (a kick's body and a bass's lowest octaves lie here; 100,
    /// 130, 160 and 250 measured alike on the corpus).
    static let lowCandidateLimit = 150.0
    /// A note under `lowCandidateLimit` found again is cleared outright and the search goes on, at most this many
    /// times per onset.
    static let lowRepeatClears = 2
    /// At most this many notes are taken from one onset.
    static let maximumOnsetNotes = 6
    /// Notes that swell in are sought in a window starting this long after the onset (s): a drum hit has mostly died
    /// away by then while a pad or an organ has risen (0.12, 0.15 and 0.2 measured on the corpus: alike, the earliest
    /// a little better, and it leaves room before the next onset at more tempos).
    static let lateNoteDelay = 0.12
    /// A note that swells in holds at least this share of the magnitude of all that sounds in that window (0.02 and
    /// 0.05 let a drum's ring pass for notes in the soundfont kits)…
    static let lateNoteShare: Float = 0.1
    /// …and its harmonics there stand at least this many times above where they were before the onset (6 dB): a
    /// note held from before whose partials beat or waver does not pass for a new one.
    static let lateNoteRise: Float = 2
    /// …and it lies neither on a harmonic (up to this one) of a note found at the onset or of a stronger note that
    /// swelled in, nor within this many semitones of a drum's body (a tom's falling pitch).
    static let lateNoteHarmonics = 8
    /// Semitones from a drum's body within which no note swells in (see `lateNoteHarmonics`).
    static let lateNoteBodyDistance = 4.0

    /// Takes apart the increase across `onset`: notes found on its peaked part (the increase above its local
    /// median, where a drum's broadband energy does not reach), strongest first, each one's harmonics cleared
    /// before the next is sought, and kept when their harmonics rose across the onset; then the share of energy no
    /// note explains.
    /// - Parameters: as `estimate(_:base:end:onset:)`.
    public func content(_ samples: UnsafeBufferPointer<Float>, base: Int, end: Int, onset: Int) -> OnsetContent? {
        content(AudioWindow(mono: samples, base: base, end: end), onset: onset)
    }

    /// The same over a window of every channel.
    public func content(_ audio: AudioWindow, onset: Int) -> OnsetContent? {
        prepare(audio, onset: onset) ? preparedContent() : nil
    }

    /// `content` of the onset last `prepare`d.
    func preparedContent() -> OnsetContent {
        restoreIncrease()
        let total = increase.reduce(0, +)
        let found = findNotes(surroundings: preparedSurroundings(), fundamentalMustPeak: true)
        guard !found.notes.isEmpty else { return OnsetContent(notes: [], residualShare: 1) }
        let left = found.residual.reduce(0, +)
        let kept = Float(found.residual.count { $0 != 0 }) / Float(max(1, found.residual.count))
        let share = total > 0 && kept > 0 ? min(1, Double(left / total / kept)) : 0
        // A note whose harmonics stand no higher after the onset than before it did not start there: what the search
        // took for it is a few bins a new hit raised inside a louder sound dying away (a hat 0.1 s after a clap, whose
        // "notes" stood 11 to 14 times higher in the clap). Its harmonics stay cleared from the residual: a hit is
        // measured in what it added, not in what was ringing before it.
        let started = found.notes.filter { harmonicPeaks(of: $0.note.frequency, in: post) >= harmonicPeaks(of: $0.note.frequency, in: pre) }
        return OnsetContent(notes: started.map(\.note), residualShare: share)
    }

    /// Notes that rise after the onset last `prepare`d: sought, as `preparedContent` seeks them, in the increase of a
    /// window `lateNoteDelay` after the onset over the spectrum before it, once the harmonics of `known` (every note
    /// found at the onset) are cleared from it; the first must hold `lateNoteShare` of all that sounds then, and each
    /// must have risen `lateNoteRise` times and be no harmonic of a known or stronger note nor a drum's body. The
    /// caller makes sure no other onset falls before that window ends. It overwrites `post` and the increase
    /// (`restoreIncrease` puts it back).
    /// - Parameters:
    ///   - audio: a window holding `samples(around: onset)`.
    ///   - bodies: pitches (Hz) found at the onset that are a drum's body.
    func preparedLateNotes(_ audio: AudioWindow, onset: Int, besides known: [PitchEstimate],
                           bodies: [Double]) -> [PitchEstimate] {
        let start = onset + Int(Self.lateNoteDelay * sampleRate)
        guard start + spectra.size <= audio.end else { return [] }
        magnitude(audio, start: start, into: &post)
        var sounding: Float = 0
        for k in increase.indices {
            increase[k] = max(0, post[k] - pre[k])
            sounding += post[k]
        }
        // Cleared outright, not by smoothness: what is left of a known note's partials a moment later (its estimate's
        // small error grows with the harmonic number) must not pass for notes.
        for note in known { removeHarmonics(of: note.frequency) }
        func onHarmonic(of note: PitchEstimate, _ f0: Double) -> Bool {
            (1...Self.lateNoteHarmonics).contains { abs(12 * log2(f0 / (note.frequency * Double($0)))) < 0.5 }
        }
        var late: [PitchEstimate] = []
        for found in findNotes().notes {
            let f0 = found.note.frequency
            // The first note must be a noticeable part of what sounds; the notes of its chord then follow the search's
            // own rules.
            guard late.isEmpty ? found.held >= Self.lateNoteShare * sounding : true,
                  !(known + late).contains(where: { onHarmonic(of: $0, f0) }),
                  !bodies.contains(where: { abs(12 * log2(f0 / $0)) < Self.lateNoteBodyDistance }),
                  harmonicPeaks(of: f0, in: post) >= Self.lateNoteRise * harmonicPeaks(of: f0, in: pre)
            else { continue }
            late.append(found.note)
        }
        return late
    }

    /// The sum over the harmonics of `f0` (up to the harmonic limit) of the largest magnitude within
    /// `harmonicHalfWidthBins` of each.
    private func harmonicPeaks(of f0: Double, in spectrum: [Float]) -> Float {
        var sum: Float = 0
        var h = 1.0
        while f0 * h < min(Self.highestHarmonicFrequency, sampleRate / 2) {
            let centre = Int((f0 * h / binHz).rounded())
            var peak: Float = 0
            let width = Self.harmonicHalfWidthBins
            for k in max(0, centre - width)...min(spectrum.count - 1, centre + width) { peak = max(peak, spectrum[k]) }
            sum += peak
            h += 1
        }
        return sum
    }

    /// The note search of `preparedContent` over the increase as it stands: notes on its peaked part, strongest
    /// first, each one's harmonics cleared before the next is sought, with the magnitude each held; and what is left
    /// of the increase once every note's harmonics are cleared.
    /// - Parameter fundamentalMustPeak: whether a note's fundamental must be a peak of its own
    ///   (`OnsetPitchEstimator.fundamentalMustPeak`); not in the later window, whose known notes' harmonics are cleared
    ///   outright and can take a new note's fundamental with them.
    private func findNotes(surroundings known: [Float]? = nil,
                           fundamentalMustPeak: Bool = false) -> (notes: [(note: PitchEstimate, held: Float)], residual: [Float]) {
        let whole = increase
        var peaked = [Float](repeating: 0, count: whole.count)
        let lastBin = surroundedBins
        let surroundings = known ?? localMedians(whole)
        for k in 0...lastBin { peaked[k] = max(0, whole[k] - surroundings[k]) }
        let peakedTotal = peaked.reduce(0, +)
        guard peakedTotal > 0 else { return ([], whole) }

        var notes: [(note: PitchEstimate, held: Float)] = []
        var residual = whole
        increase = peaked
        self.fundamentalMustPeak = fundamentalMustPeak
        defer {
            increase = whole
            self.fundamentalMustPeak = false
        }
        var unresolvedCleared = false
        var lowCandidateSkipped = false
        var lowRepeatsCleared = 0
        while notes.count < Self.maximumOnsetNotes {
            let (f0, salience) = strongest()
            guard salience > 0 else { break }
            if f0 < Self.minimumHarmonicSpacing * binHz, notes.isEmpty, !unresolvedCleared {
                // A kick's body under the resolved range wins the salience and would end the search before the notes
                // above it (a chord on the downbeat): clear it once and go on. (Found after notes, it ends the search
                // as before: what is left then is too weak to tell notes from the body's leftovers.)
                unresolvedCleared = true
                for k in 0...min(increase.count - 1, Int(Self.minimumHarmonicSpacing) + Self.harmonicHalfWidthBins) { increase[k] = 0 }
                continue
            }
            let repeated = notes.contains { abs($0.note.midiPitch - 69 - 12 * log2(f0 / 440)) < 1 }
            if repeated, f0 >= Self.minimumHarmonicSpacing * binHz, f0 < Self.lowCandidateLimit, lowRepeatsCleared < Self.lowRepeatClears {
                // A low note found again is what the smooth subtraction left of it (a square wave's odd harmonics,
                // whose empty even neighbours hold the smooth level down): cleared outright, it does not end the
                // search for the notes above.
                lowRepeatsCleared += 1
                removeHarmonics(of: f0, halfWidth: Self.harmonicHalfWidthBins + 1)
                continue
            }
            guard f0 >= Self.minimumHarmonicSpacing * binHz, !repeated else { break }
            let left = increase.reduce(0, +)
            let (held, prominent) = harmonicEnergy(of: f0, peaked: increase, whole: whole, surroundings: surroundings)
            if !prominent, f0 < Self.lowCandidateLimit, !lowCandidateSkipped, held >= Self.noteTonalShare * left {
                // Low, strong, yet standing out of nothing: a drum's body or a bass's beating voices fill its
                // surroundings. Taken out once, it does not end the search for the notes above.
                lowCandidateSkipped = true
                subtractSmoothHarmonics(of: f0)
                continue
            }
            let shareOfAll = unresolvedCleared && notes.isEmpty ? Self.noteShareBesideBody : Self.noteShareOfAll
            guard held >= Self.noteTonalShare * left, held >= shareOfAll * peakedTotal, prominent else { break }
            notes.append((PitchEstimate(frequency: f0, confidence: Double(held / peakedTotal)), held))
            subtractSmoothHarmonics(of: f0)
            swap(&increase, &residual)
            removeHarmonics(of: f0, halfWidth: residualHalfWidth(of: f0))
            swap(&increase, &residual)
        }
        return (notes, residual)
    }

    /// Notes are sought on harmonics below the harmonic limit only, so the surroundings of a peak are needed up to
    /// this bin only.
    private var surroundedBins: Int {
        min(increase.count - 1, Int(min(Self.highestHarmonicFrequency, sampleRate / 2) / binHz) + surroundingsRadius)
    }

    private var surroundingsRadius: Int { max(2, Int(Self.surroundingsHalfWidth / binHz)) }

    /// The surroundings of each peak of `values` (its local median within `surroundingsHalfWidth`) up to
    /// `surroundedBins`.
    private func localMedians(_ values: [Float]) -> [Float] {
        Self.localMedians(values, radius: surroundingsRadius, through: surroundedBins)
    }

    /// The surroundings of the increase as `prepare` left it, taken once per onset.
    private func preparedSurroundings() -> [Float] {
        if let known = onsetSurroundings { return known }
        let found = localMedians(onsetIncrease)
        onsetSurroundings = found
        return found
    }

    /// A note's harmonics are followed up the increase until this many in a row do not stand out.
    static let extentGap = 3

    /// How high the harmonics of `f0` stand out of the increase across the onset last `prepare`d (Hz): the last
    /// harmonic whose peak (within `harmonicHalfWidthBins`) rises `notePeakProminence` times above its surroundings,
    /// sought up the harmonics until `extentGap` in a row do not; infinity when they stand out up to the harmonic
    /// limit (the note may go on above it, where nothing is measured). What lies above a note's extent is another
    /// sound's (a hat's over a bass note whose partials, 41 Hz apart, fall in every band).
    func preparedHarmonicExtent(of f0: Double) -> Double {
        let surroundings = preparedSurroundings()
        let limit = min(Self.highestHarmonicFrequency, sampleRate / 2)
        var last = f0, missing = 0, h = 1.0
        while f0 * h < limit, missing < Self.extentGap {
            let centre = Int((f0 * h / binHz).rounded())
            let width = Self.harmonicHalfWidthBins
            let stands = (max(0, centre - width)...min(onsetIncrease.count - 1, centre + width)).contains {
                onsetIncrease[$0] >= Self.notePeakProminence * max(surroundings[$0], 1e-12)
            }
            if stands { last = f0 * h; missing = 0 } else { missing += 1 }
            h += 1
        }
        return missing < Self.extentGap ? .infinity : last
    }

    /// The median of `values` within `radius` bins of each bin up to `last` (fewer values at the edges; of an even
    /// count, the upper middle one), 0 beyond `last`. A sorted window slides along, one value in and one out per
    /// bin, instead of sorting every neighbourhood anew: the same medians.
    static func localMedians(_ values: [Float], radius: Int, through last: Int) -> [Float] {
        var medians = [Float](repeating: 0, count: values.count)
        var window: [Float] = []  // Ascending.
        window.reserveCapacity(2 * radius + 1)
        func insert(_ value: Float) { window.insert(value, at: window.firstIndex { $0 > value } ?? window.count) }
        for j in 0...min(values.count - 1, radius) { insert(values[j]) }
        for k in 0...last {
            if k > 0 {
                if k - radius - 1 >= 0, let leaving = window.firstIndex(of: values[k - radius - 1]) { window.remove(at: leaving) }
                if k + radius < values.count { insert(values[k + radius]) }
            }
            medians[k] = window[window.count / 2]
        }
        return medians
    }

    /// Takes a note's harmonics out of the increase by spectral smoothness (Klapuri): each harmonic loses at most
    /// the mean of its own and its neighbours' peaks, so a partial another note shares keeps what exceeds the
    /// note's smooth envelope.
    func subtractSmoothHarmonics(of f0: Double) {
        var centres: [Int] = [], peaks: [Float] = []
        var h = 1.0
        while f0 * h < sampleRate / 2 {
            let centre = Int((f0 * h / binHz).rounded())
            guard centre + 2 < increase.count else { break }
            centres.append(centre)
            peaks.append((max(0, centre - 2)...(centre + 2)).map { increase[$0] }.max() ?? 0)
            h += 1
        }
        for i in centres.indices where peaks[i] > 0 {
            let neighbours = peaks[max(0, i - 1)...min(peaks.count - 1, i + 1)]
            let smooth = neighbours.reduce(0, +) / Float(neighbours.count)
            let keep = 1 - min(peaks[i], smooth) / peaks[i]
            for k in max(0, centres[i] - 2)...(centres[i] + 2) { increase[k] *= keep }
        }
    }

    /// Magnitude of `peaked` within two bins of the harmonics of `f0` (up to the harmonic limit), and whether its
    /// strongest harmonic stands `notePeakProminence` times above its surroundings.
    private func harmonicEnergy(of f0: Double, peaked: [Float], whole: [Float], surroundings: [Float]) -> (Float, Bool) {
        var energy: Float = 0
        var strongest = (value: Float(0), prominence: Float(0))
        var h = 1.0
        while f0 * h < min(Self.highestHarmonicFrequency, sampleRate / 2) {
            let centre = Int((f0 * h / binHz).rounded())
            for k in max(0, centre - 2)...min(peaked.count - 1, centre + 2) {
                energy += peaked[k]
                if whole[k] > strongest.value { strongest = (whole[k], whole[k] / max(surroundings[k], 1e-12)) }
            }
            h += 1
        }
        return (energy, strongest.prominence >= Self.notePeakProminence)
    }
}
