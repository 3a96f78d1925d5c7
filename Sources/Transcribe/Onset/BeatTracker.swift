import Foundation
import SoundSortCore

/// Settings of beat tracking, in seconds, beats per minute and octaves of tempo.
public struct BeatSettings: Sendable, Equatable {
    /// Tempi considered, in beats per minute.
    public var slowest = 55.0
    public var fastest = 220.0
    /// The log-normal tempo prior: centred here (BPM)…
    public var priorCentre = 120.0
    /// …this wide (standard deviation, in octaves).
    public var priorWidth = 0.7
    /// A period's salience is the mean autocorrelation at these multiples of it: a beat whose double and bar recur
    /// too beats one that only recurs once (4/4 assumed: bars of 4 beats, phrases of 2 bars).
    public var combMultiples = [1.0, 2, 4, 8]
    /// Candidate tempi are this far apart, in octaves (about 0.7 %; the beats refine it).
    public var tempoStep = 0.01
    /// The local tempo is measured over windows this long…
    public var windowDuration = 6.0
    /// …every this often.
    public var windowHop = 0.5
    /// The whole song's tempo salience is averaged over windows this long (long enough for the comb's 8 beats).
    public var songWindowDuration = 30.0
    /// A window with fewer onsets than this leans on the whole song's tempo in proportion.
    public var windowOnsets = 12.0
    /// The local tempo path pays this (log units) for any change above 2 %…
    public var tempoChangeCost = 4.0
    /// …and this per octave of change.
    public var tempoDriftCost = 2.0
    /// Dynamic-programming beat tracking: how much a beat interval off the local period costs (Ellis 2007's
    /// tightness; librosa uses 100, the corpus' syncopated notes need 400 to stay on the beat).
    public var tightness = 400.0
    /// A tempo segment holds at least this many beat intervals…
    public var minimumSegmentBeats = 4
    /// …and a new one costs this (squared log-interval units), so only a lasting change of tempo starts one.
    public var segmentCost = 0.05
    /// Neighbouring segments closer than this (relative) are one tempo.
    public var sameTempo = 0.04
    /// Beats fewer than this mean no beat was found.
    public var minimumBeats = 4

    public init() {}
}

/// The song's tempo map from its onset function: the tempo by onset-strength autocorrelation under a log-normal prior
/// around 120 BPM, locally (windows followed by a Viterbi path that pays for changes), then beats by dynamic
/// programming (Ellis 2007, as librosa's `beat_track` does it, with the local period), then a segmentation of the
/// beat intervals into stretches of constant tempo. The song's first beat is taken as a bar line.
public struct BeatTracker: Sendable {
    public let settings: BeatSettings
    /// Seconds per value of the onset function.
    public let frameDuration: Double

    public init(frameDuration: Double, settings: BeatSettings = BeatSettings()) {
        self.frameDuration = frameDuration
        self.settings = settings
    }

    /// What was found: the beats and the map written from them.
    public struct Result: Sendable, Equatable {
        /// Beat times, in seconds.
        public var beats: [Double]
        public var map: TempoMap
    }

    /// The tempo map of an onset function, or nil when no beat is found (too short, or too few onsets).
    /// - Parameters:
    ///   - imposedBeatsPerMinute: a tempo to use instead of the one found (the beats then give the phase).
    ///   - firstOnset: the song's first onset, in seconds: a song starts on a bar line, so when it lies half a beat
    ///     off the beats tracked (which then followed the off-beats, busier in syncopated music), the bars move by
    ///     half a beat to start on it.
    /// - Complexity: O(frames × period) for the beats, O(windows × log window) for the tempo.
    public func track(_ onsetFunction: [Float], imposedBeatsPerMinute: Double? = nil, firstOnset: Double? = nil) -> Result? {
        let envelope = onsetFunction.map { Double(max(0, $0)) }
        let n = envelope.count
        guard n > 1, let peak = envelope.max(), peak > 0 else { return nil }
        let bpms = candidateTempi()
        let curve: [Double]
        if let imposed = imposedBeatsPerMinute {
            curve = [Double](repeating: imposed, count: n)
        } else {
            curve = tempoCurve(envelope, bpms: bpms)
        }
        let beats = trackBeats(envelope, tempo: curve)
        guard beats.count >= settings.minimumBeats else { return nil }
        let map = imposedBeatsPerMinute.map { constantMap($0, firstBeat: beats[0], firstOnset: firstOnset) }
            ?? tempoMap(beats, firstOnset: firstOnset)
        return Result(beats: beats, map: map)
    }

    // MARK: - Tempo

    /// Candidate tempi, log-spaced from `slowest` to `fastest`.
    func candidateTempi() -> [Double] {
        let count = Int((log2(settings.fastest / settings.slowest) / settings.tempoStep).rounded(.down)) + 1
        return (0..<count).map { settings.slowest * pow(2, Double($0) * settings.tempoStep) }
    }

    /// How strongly each candidate tempo recurs in `values` (a stretch of the onset function), times the prior.
    func salience(_ values: ArraySlice<Double>, bpms: [Double], autocorrelation: Autocorrelation) -> [Double] {
        let n = values.count
        let mean = values.reduce(0, +) / Double(max(n, 1))
        let centred = values.map { $0 - mean }
        let longestLag = min(n / 2, Int((60 / settings.slowest / frameDuration * (settings.combMultiples.max() ?? 1)).rounded(.up)) + 2)
        guard longestLag >= 2 else { return [Double](repeating: 0, count: bpms.count) }
        guard let sums = try? autocorrelation.sums(centred, maxLag: longestLag) else { return [Double](repeating: 0, count: bpms.count) }
        let correlation = sums.enumerated().map { $1 / Double(n - $0) }
        let zero = correlation[0]
        guard zero > 0 else { return [Double](repeating: 0, count: bpms.count) }
        func at(_ lag: Double) -> Double {
            let i = Int(lag), f = lag - Double(i)
            return (correlation[i] * (1 - f) + correlation[min(i + 1, longestLag)] * f) / zero
        }
        return bpms.map { bpm in
            let lag = 60 / bpm / frameDuration
            var sum = 0.0, count = 0.0
            for k in settings.combMultiples where lag * k < Double(n) / 2 && lag * k < Double(longestLag) {
                sum += at(lag * k)
                count += 1
            }
            let comb = count > 0 ? max(0, sum / count) : 0
            let octaves = log2(bpm / settings.priorCentre) / settings.priorWidth
            return comb * exp(-0.5 * octaves * octaves)
        }
    }

    /// The local tempo at every frame: each window's salience (leaning on the whole song's where the window has few
    /// onsets), followed by the Viterbi path that pays `tempoChangeCost` for a change and `tempoDriftCost` per octave.
    func tempoCurve(_ envelope: [Double], bpms: [Double]) -> [Double] {
        let n = envelope.count
        let autocorrelation = Autocorrelation()
        let song = songSalience(envelope, bpms: bpms, autocorrelation: autocorrelation)
        let window = Int(settings.windowDuration / frameDuration), hop = max(1, Int(settings.windowHop / frameDuration))
        guard n > window else {
            let best = bpms[song.indices.max { (song[$0], $1) < (song[$1], $0) } ?? 0]
            return [Double](repeating: best, count: n)
        }
        var starts = Array(stride(from: 0, through: n - window, by: hop))
        if starts.last != n - window { starts.append(n - window) }
        let threshold = Self.onsetThreshold(envelope)
        let floor = 1e-3
        let songLog = normalised(song).map { log($0 + floor) }
        let observations: [[Double]] = starts.map { start in
            let slice = envelope[start..<(start + window)]
            let weight = min(1, Double(Self.countOnsets(slice, threshold: threshold)) / settings.windowOnsets)
            return zip(normalised(salience(slice, bpms: bpms, autocorrelation: autocorrelation)), songLog).map { weight * log($0 + floor) + (1 - weight) * $1 }
        }
        let sameTempo = log2(1.02)
        // Viterbi over the candidate tempi. A change within 2 % pays the drift alone; any other pays the change too,
        // and the best such source for every target is an L1 distance transform (two passes), so a step is O(tempi).
        let near = Int((sameTempo / settings.tempoStep).rounded(.down))
        let drift = settings.tempoDriftCost * settings.tempoStep  // Per candidate step.
        var score = observations[0]
        var back: [[Int]] = []
        back.reserveCapacity(starts.count)
        var far = [Double](repeating: 0, count: bpms.count), farFrom = [Int](repeating: 0, count: bpms.count)
        for step in 1..<starts.count {
            // far[to] = max over sources of score − drift × distance (forward, then backward).
            for to in bpms.indices {
                (far[to], farFrom[to]) = (score[to], to)
                if to > 0, far[to - 1] - drift > far[to] { (far[to], farFrom[to]) = (far[to - 1] - drift, farFrom[to - 1]) }
            }
            for to in bpms.indices.reversed() where to + 1 < bpms.count && far[to + 1] - drift > far[to] {
                (far[to], farFrom[to]) = (far[to + 1] - drift, farFrom[to + 1])
            }
            var next = [Double](repeating: 0, count: bpms.count)
            var from = [Int](repeating: 0, count: bpms.count)
            for to in bpms.indices {
                var best = far[to] - settings.tempoChangeCost, bestFrom = farFrom[to]
                for source in max(0, to - near)...min(bpms.count - 1, to + near) {
                    let value = score[source] - drift * Double(abs(source - to))
                    if value > best || (value == best && source < bestFrom) { (best, bestFrom) = (value, source) }
                }
                next[to] = best + observations[step][to]
                from[to] = bestFrom
            }
            back.append(from)
            score = next
        }
        var state = score.indices.max { (score[$0], $1) < (score[$1], $0) } ?? 0
        var path = [Int](repeating: 0, count: starts.count)
        for step in stride(from: starts.count - 1, through: 0, by: -1) {
            path[step] = state
            if step > 0 { state = back[step - 1][state] }
        }
        // Each frame takes the tempo of the window centred nearest it (linear between centres).
        let centres = starts.map { Double($0 + window / 2) }
        var curve = [Double](repeating: 0, count: n)
        var k = 0
        for t in 0..<n {
            while k + 1 < centres.count && centres[k + 1] <= Double(t) { k += 1 }
            if Double(t) <= centres[0] { curve[t] = bpms[path[0]]; continue }
            if k + 1 >= centres.count { curve[t] = bpms[path[k]]; continue }
            let f = (Double(t) - centres[k]) / (centres[k + 1] - centres[k])
            curve[t] = bpms[path[k]] * (1 - f) + bpms[path[k + 1]] * f
        }
        return curve
    }

    /// The whole song's salience: the mean over windows of `songWindowDuration` (half overlapping).
    func songSalience(_ envelope: [Double], bpms: [Double], autocorrelation: Autocorrelation) -> [Double] {
        let window = Int(settings.songWindowDuration / frameDuration)
        guard envelope.count > window else { return salience(envelope[...], bpms: bpms, autocorrelation: autocorrelation) }
        var total = [Double](repeating: 0, count: bpms.count)
        var count = 0.0
        for start in stride(from: 0, through: envelope.count - window, by: window / 2) {
            for (i, value) in normalised(salience(envelope[start..<(start + window)], bpms: bpms, autocorrelation: autocorrelation)).enumerated() { total[i] += value }
            count += 1
        }
        return total.map { $0 / count }
    }

    private func normalised(_ values: [Double]) -> [Double] {
        let top = values.max() ?? 0
        return top > 0 ? values.map { $0 / top } : values
    }

    /// An onset counted in a window rises above this share of the song's loudest onsets (its 99.9th percentile).
    static let onsetShare = 0.1

    static func onsetThreshold(_ envelope: [Double]) -> Double {
        let sorted = envelope.sorted()
        return onsetShare * sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * 0.999))]
    }

    static func countOnsets(_ values: ArraySlice<Double>, threshold: Double) -> Int {
        var count = 0
        var i = values.startIndex + 1
        while i < values.endIndex - 1 {
            if values[i] > threshold && values[i] >= values[i - 1] && values[i] > values[i + 1] { count += 1 }
            i += 1
        }
        return count
    }

    // MARK: - Beats

    /// Beat times (seconds) by dynamic programming: each frame's best score is its onset strength plus the best
    /// earlier beat's score, less `tightness` × (log of the interval over the local period)²; the beats are traced
    /// back from the last strong one, and weak beats at either end are dropped.
    func trackBeats(_ envelope: [Double], tempo: [Double]) -> [Double] {
        let n = envelope.count
        let mean = envelope.reduce(0, +) / Double(n)
        let deviation = (envelope.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        guard deviation > 0 else { return [] }
        let periods = tempo.map { 60 / $0 / frameDuration }
        let typical = periods.sorted()[n / 2]
        // Onset strength smoothed by a Gaussian of a 32nd of the period (librosa's local score).
        let radius = Int(typical.rounded())
        let kernel = (-radius...radius).map { exp(-0.5 * pow(Double($0) * 32 / typical, 2)) }
        var local = [Double](repeating: 0, count: n)
        for t in 0..<n {
            var sum = 0.0
            for (j, w) in kernel.enumerated() {
                let u = t + j - radius
                if u >= 0 && u < n { sum += w * envelope[u] / deviation }
            }
            local[t] = sum
        }
        var cumulative = [Double](repeating: 0, count: n)
        var previous = [Int](repeating: -1, count: n)
        // log of every interval (frames) a beat may span.
        let longest = Int(2 * (periods.max() ?? 1)) + 2
        let logInterval = (0...longest).map { $0 > 0 ? log(Double($0)) : 0 }
        for t in 0..<n {
            let p = periods[t], logPeriod = log(p)
            let latest = Int(Double(t) - p / 2), earliest = max(0, Int(Double(t) - 2 * p))
            guard latest >= 0, earliest <= latest else { cumulative[t] = local[t]; continue }
            var best = -Double.infinity, bestFrame = -1
            for candidate in earliest...latest {
                let ratio = logInterval[t - candidate] - logPeriod
                let value = cumulative[candidate] - settings.tightness * ratio * ratio
                if value > best { (best, bestFrame) = (value, candidate) }
            }
            cumulative[t] = local[t] + best
            previous[t] = bestFrame
        }
        // The last beat: the last local maximum of the cumulative score above half the median of such maxima.
        let maxima = (1..<max(1, n - 1)).filter { cumulative[$0] >= cumulative[$0 - 1] && cumulative[$0] >= cumulative[$0 + 1] }
        guard !maxima.isEmpty else { return [] }
        let median = maxima.map { cumulative[$0] }.sorted()[maxima.count / 2]
        var frame = maxima.last { cumulative[$0] > 0.5 * median } ?? maxima[maxima.count - 1]
        var frames = [frame]
        while previous[frame] >= 0 {
            frame = previous[frame]
            frames.append(frame)
        }
        frames.reverse()
        // Beats in silence at either end (weaker than half the smoothed strength's RMS) are dropped.
        let rms = (local.reduce(0) { $0 + $1 * $1 } / Double(n)).squareRoot()
        while frames.count > 2, local[frames[0]] < 0.5 * rms { frames.removeFirst() }
        while frames.count > 2, local[frames[frames.count - 1]] < 0.5 * rms { frames.removeLast() }
        return frames.map { Double($0) * frameDuration }
    }

    // MARK: - Map

    /// Stretches of constant tempo: the partition of the beat intervals (in log) that minimises the squared
    /// deviation from each stretch's mean plus `segmentCost` per stretch, each at least `minimumSegmentBeats` long;
    /// neighbours within `sameTempo` are joined. Returns the first beat index of each stretch and its period
    /// (seconds, by least squares over its beats).
    func segments(_ beats: [Double]) -> [(first: Int, last: Int, period: Double)] {
        let intervals = zip(beats.dropFirst(), beats).map { log($0 - $1) }
        let n = intervals.count
        var sums = [0.0], squares = [0.0]
        for x in intervals {
            sums.append(sums.last! + x)
            squares.append(squares.last! + x * x)
        }
        func cost(_ a: Int, _ b: Int) -> Double {
            let s = sums[b] - sums[a]
            return squares[b] - squares[a] - s * s / Double(b - a)
        }
        var best = [Double](repeating: .infinity, count: n + 1)
        var start = [Int](repeating: 0, count: n + 1)
        best[0] = 0
        let shortest = settings.minimumSegmentBeats
        for b in 1...n {
            for a in 0..<b where b - a >= shortest || (a == 0 && b == n) {
                let value = best[a] + cost(a, b) + settings.segmentCost
                if value < best[b] { (best[b], start[b]) = (value, a) }
            }
        }
        if !best[n].isFinite { return [(0, n, slope(beats, 0, n))] }
        var cuts: [(Int, Int)] = []
        var b = n
        while b > 0 {
            cuts.append((start[b], b))
            b = start[b]
        }
        var result: [(first: Int, last: Int, period: Double)] = []
        for (a, b) in cuts.reversed() {
            let period = slope(beats, a, b)
            if let previous = result.last, abs(previous.period / period - 1) < settings.sameTempo {
                result[result.count - 1] = (previous.first, b, slope(beats, previous.first, b))
            } else {
                result.append((a, b, period))
            }
        }
        return result
    }

    /// The least-squares beat period over beats `a…b`.
    private func slope(_ beats: [Double], _ a: Int, _ b: Int) -> Double {
        let count = Double(b - a + 1)
        guard count > 1 else { return 0.5 }
        let meanIndex = Double(a + b) / 2
        let meanTime = beats[a...b].reduce(0, +) / count
        var numerator = 0.0, denominator = 0.0
        for i in a...b {
            numerator += (Double(i) - meanIndex) * (beats[i] - meanTime)
            denominator += (Double(i) - meanIndex) * (Double(i) - meanIndex)
        }
        return numerator / denominator
    }

    /// The pickup before the first bar line, in beats, to the nearest sixteenth, and the bar line's offset from the
    /// first beat tracked (0, or half a beat when the first onset lies half a beat before it).
    private func barStart(firstBeat: Double, period: Double, firstOnset: Double?) -> (pickup: Double, offBeat: Double) {
        var offBeat = 0.0
        if let firstOnset {
            let beats = (firstBeat - firstOnset) / period
            let fraction = beats - beats.rounded(.down)
            if abs(fraction - 0.5) <= Self.offBeatTolerance && firstBeat - period / 2 >= -period * Self.offBeatTolerance { offBeat = 0.5 }
        }
        return (max(0, ((firstBeat / period - offBeat) * 4).rounded() / 4), offBeat)
    }

    /// The first onset counts as half a beat off the beats when within this (beats) of it.
    static let offBeatTolerance = 0.125

    /// The map of tracked beats: one segment from time 0 to the second stretch's first beat at the tempo that puts
    /// it on its own beat number, then one per stretch, so that every stretch starts on its beat after the pickup.
    func tempoMap(_ beats: [Double], firstOnset: Double?) -> TempoMap {
        let stretches = segments(beats)
        let (pickup, offBeat) = barStart(firstBeat: beats[0], period: stretches[0].period, firstOnset: firstOnset)
        guard stretches.count > 1 else {
            return TempoMap.constant(beatsPerMinute: 60 / stretches[0].period, pickupBeats: pickup)
        }
        var result: [TempoMap.Segment] = []
        // Stretch i starts at its first beat's time, on beat pickup + offBeat + that beat's index.
        let starts = [(time: 0.0, beat: 0.0)]
            + stretches.dropFirst().map { (time: beats[$0.first], beat: pickup + offBeat + Double($0.first)) }
        for (i, begin) in starts.enumerated() {
            let bpm: Double
            if i + 1 < starts.count {
                bpm = 60 * (starts[i + 1].beat - begin.beat) / (starts[i + 1].time - begin.time)
            } else {
                bpm = 60 / stretches[i].period
            }
            result.append(TempoMap.Segment(time: begin.time, beat: begin.beat, beatsPerMinute: bpm))
        }
        return TempoMap(segments: result, pickupBeats: pickup)
    }

    /// An imposed tempo, its bars starting on the first beat tracked at that tempo (or half a beat before it).
    func constantMap(_ beatsPerMinute: Double, firstBeat: Double, firstOnset: Double?) -> TempoMap {
        TempoMap.constant(beatsPerMinute: beatsPerMinute,
                          pickupBeats: barStart(firstBeat: firstBeat, period: 60 / beatsPerMinute, firstOnset: firstOnset).pickup)
    }
}
