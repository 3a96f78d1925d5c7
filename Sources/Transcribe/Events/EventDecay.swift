import Foundation

/// What the octave-band envelope tells of one event: how its own bands rose at the onset, and how long they took
/// to die away.
public struct EventDecay: Sendable, Equatable {
    /// Seconds from the onset to where the event has died away (see `DecayMeasurer`).
    public var length: Double
    /// Seconds from the attack's peak to `DecayMeasurer.classDecay` dB under it; when the event was cut before it got
    /// there (`decayed` false), or got there only after another onset, extrapolated from how far it fell until then.
    public var decayTime: Double
    public var decayed: Bool
    /// Power rise of each octave band (`BandEnvelope`) from the background before the onset to the attack, linear.
    public var rise: [Float]
}

/// Measures each event's length from its own decay rather than from the next onset: a hat hit is short even when
/// the next onset is a beat later, and a held note is held across other sounds' onsets.
///
/// An event's own bands are the octave bands holding its first harmonics when it is pitched (so that notes starting
/// together each follow their own), else those its attack raised within `ownBandRange` of the strongest. Their power
/// above what sounded just before the onset is followed from the attack's peak until it falls `decayBelowPeak` under
/// it, or back to within `backgroundMargin` of the background, or until another onset raises it again by
/// `reattackRise` (a new sound in the same bands), capped by the next event of the same sound and by `longestNote`.
struct DecayMeasurer {
    /// An event has died away this far under its peak, in dB (the design's event end).
    static let decayBelowPeak: Float = 40
    /// The decay time drum classes read: to this far under the peak, in dB (a closed hat gets there in tens of
    /// milliseconds, an open hat in a few hundred, a crash in seconds).
    static let classDecay: Float = 20
    /// The attack's peak is sought this long from the onset, in seconds.
    static let peakSpan = 0.05
    /// The background is the level this long before the onset, in seconds (the analysis window's half-length, so the
    /// attack is not in it).
    static let backgroundLead = 0.03
    /// Back within this of the background's power, in dB, the event has ended (what sounded before goes on).
    static let backgroundMargin: Float = 1
    /// Another onset that raises the own bands by this much, in dB, is a new sound there: the event ends at it.
    static let reattackRise: Float = 6
    /// The rise is measured over this long after that onset, in seconds.
    static let riseSpan = 0.03
    /// Bands within this of the strongest rise, in dB, are an unpitched event's own.
    static let ownBandRange: Float = 12
    /// A pitched event's own bands hold its first this many harmonics.
    static let ownHarmonics = 4
    /// A cut event's decay is extrapolated from a fall of at least this, in dB; one that fell less rings on.
    static let measurableFall: Float = 3
    /// No note is longer than this, in seconds.
    static let longestNote = 8.0

    let envelope: BandEnvelope

    /// Events starting within this of another event (seconds) share their onset's rise: what each of them added is
    /// found by taking out the sounds of the others, as heard alone.
    static let aloneSpan = 0.03

    /// Each event's length and decay, followed in the bands of its own rise.
    /// - Parameters:
    ///   - events: the events, sorted by onset.
    ///   - pitches: each event's fundamental in Hz, when it is clearly pitched.
    ///   - labels: each event's sound.
    /// - Complexity: O(bands × frames each event lasts).
    func measure(events: [DetectedEvent], pitches: [Double?], labels: [Int]) -> [EventDecay] {
        let own = Self.ownRises(rises(events), events: events, labels: labels)
        return measure(events: events, rises: own, pitches: pitches, labels: labels)
    }

    /// The power rise of each band from the background before each event's onset to its attack.
    func rises(_ events: [DetectedEvent]) -> [[Float]] {
        let frameCount = envelope.frameCount
        func frames(_ seconds: Double) -> Int { max(1, Int((seconds / envelope.frameDuration).rounded())) }
        let (peakFrames, leadFrames) = (frames(Self.peakSpan), frames(Self.backgroundLead))
        return events.map { event in
            guard frameCount > 0 else { return [Float](repeating: 0, count: BandEnvelope.bandCount) }
            let start = min(event.startFrame, frameCount - 1)
            return (0..<BandEnvelope.bandCount).map { b in
                let background = start >= leadFrames ? envelope.power(frame: start - leadFrames, band: b) : 0
                var attack: Float = 0
                for t in start..<min(start + peakFrames, frameCount) { attack = max(attack, envelope.power(frame: t, band: b)) }
                return max(0, attack - background)
            }
        }
    }

    /// For each event, whether no other event starts within `aloneSpan` of it (events sorted by onset).
    static func alone(_ events: [DetectedEvent]) -> [Bool] {
        events.indices.map { index in
            let onset = events[index].onset
            let before = index > 0 && onset - events[index - 1].onset < aloneSpan
            let after = index + 1 < events.count && events[index + 1].onset - onset < aloneSpan
            return !before && !after
        }
    }

    /// What each event added at its onset: its rise, less the sounds that started with it as each sounds alone (the
    /// mean normalised rise of its events with no other event near). Each such sound is scaled to the most its main
    /// bands (at least half its strongest) allow, so a kick under a hat keeps its low bands and loses the hat's.
    /// An event whose rise would be all taken keeps it whole.
    static func ownRises(_ rises: [[Float]], events: [DetectedEvent], labels: [Int]) -> [[Float]] {
        let alone = alone(events)
        var sums: [Int: [Float]] = [:], counts: [Int: Int] = [:]
        for index in events.indices where alone[index] {
            let total = rises[index].reduce(0, +)
            guard total > 0 else { continue }
            sums[labels[index], default: [Float](repeating: 0, count: BandEnvelope.bandCount)] =
                zip(sums[labels[index]] ?? [Float](repeating: 0, count: BandEnvelope.bandCount), rises[index]).map { $0 + $1 / total }
            counts[labels[index], default: 0] += 1
        }
        let templates = sums.mapValues { $0 }.reduce(into: [Int: [Float]]()) { result, entry in
            result[entry.key] = entry.value.map { $0 / Float(counts[entry.key]!) }
        }
        return events.indices.map { index in
            guard !alone[index] else { return rises[index] }
            var partners = Set<Int>()
            var j = index - 1
            while j >= 0, events[index].onset - events[j].onset < aloneSpan { partners.insert(labels[j]); j -= 1 }
            j = index + 1
            while j < events.count, events[j].onset - events[index].onset < aloneSpan { partners.insert(labels[j]); j += 1 }
            partners.remove(labels[index])
            var own = rises[index]
            for partner in partners.sorted() {
                guard let template = templates[partner], let strongest = template.max(), strongest > 0 else { continue }
                let scale = template.indices.filter { template[$0] >= strongest / 2 }.map { rises[index][$0] / template[$0] }.min() ?? 0
                for b in own.indices { own[b] = max(0, own[b] - scale * template[b]) }
            }
            let total = rises[index].reduce(0, +)
            return own.reduce(0, +) > Self.minimumOwnShare * total ? own : rises[index]
        }
    }

    /// An event keeps its whole rise when less than this share of it would be left as its own.
    static let minimumOwnShare: Float = 0.05

    /// Each event's length and decay, followed in the bands of `rises`.
    func measure(events: [DetectedEvent], rises: [[Float]], pitches: [Double?], labels: [Int]) -> [EventDecay] {
        let frameCount = envelope.frameCount
        let bands = BandEnvelope.bandCount
        func frames(_ seconds: Double) -> Int { max(1, Int((seconds / envelope.frameDuration).rounded())) }
        let (peakFrames, leadFrames, riseFrames, longest) = (frames(Self.peakSpan), frames(Self.backgroundLead), frames(Self.riseSpan),
                                                             frames(Self.longestNote))
        var isOnset = [Bool](repeating: false, count: frameCount + 1)
        for event in events where event.startFrame < frameCount { isOnset[event.startFrame] = true }
        // The next onset of the same sound, for each event.
        var nextOfSound = [Int](repeating: frameCount, count: events.count)
        var seen: [Int: Int] = [:]
        for index in events.indices.reversed() {
            if let next = seen[labels[index]] {
                nextOfSound[index] = events[next].startFrame > events[index].startFrame ? events[next].startFrame : nextOfSound[next]
            }
            seen[labels[index]] = index
        }
        let decayFactor = pow(10, -Self.decayBelowPeak / 10), classFactor = pow(10, -Self.classDecay / 10)
        let margin = pow(10, Self.backgroundMargin / 10) - 1, reattack = pow(10, Self.reattackRise / 10)
        var background = [Float](repeating: 0, count: bands)
        return events.indices.map { index in
            let rise = rises[index]
            let start = min(events[index].startFrame, max(frameCount - 1, 0))
            guard frameCount > 0 else { return EventDecay(length: envelope.frameDuration, decayTime: 0, decayed: true, rise: rise) }
            let cap = max(start + 1, min(nextOfSound[index], start + longest, frameCount))
            for b in 0..<bands { background[b] = start >= leadFrames ? envelope.power(frame: start - leadFrames, band: b) : 0 }
            let own = ownBands(rise: rise, pitch: pitches[index])
            let ownBackground = own.reduce(Float(0)) { $0 + background[$1] }
            func level(_ t: Int) -> Float { own.reduce(Float(0)) { $0 + max(0, envelope.power(frame: t, band: $1) - background[$1]) } }
            var peak: Float = 0, peakFrame = start
            for t in start..<min(start + peakFrames, cap) {
                let value = level(t)
                if value > peak { (peak, peakFrame) = (value, t) }
            }
            var end = cap, decayFrame: Int?, died = false
            var nextOnset: Int?
            var t = peakFrame + 1
            while t < cap {
                let value = level(t)
                if decayFrame == nil, value <= peak * classFactor { decayFrame = t }
                if nextOnset == nil, isOnset[t], t > start { nextOnset = t }
                if value <= peak * decayFactor || value <= ownBackground * margin { end = t; died = true; break }
                if isOnset[t], t > start {
                    var after: Float = 0
                    for u in t..<min(t + riseFrames, frameCount) { after = max(after, level(u)) }
                    if after >= level(t - 1) * reattack { end = t; break }
                }
                t += 1
            }
            // The time to `classDecay` dB under the peak at the rate it fell until `last`; nil when it fell too little
            // to tell.
            func extrapolated(until last: Int) -> Double? {
                let fall = 10 * log10(Double(peak) / Double(max(level(last), peak * decayFactor)))
                guard fall >= Double(Self.measurableFall), last > peakFrame else { return nil }
                return min(Self.longestNote, Double(last - peakFrame) * envelope.frameDuration * Double(Self.classDecay) / fall)
            }
            var decayed = decayFrame != nil || died
            var decayTime = Double((decayFrame ?? end) - peakFrame) * envelope.frameDuration
            // Past another onset the own bands hold what started there too (the next, quieter hat of a 16th pattern
            // rises too little to cut the event, yet keeps its bands up): the fall until then tells.
            if let next = nextOnset, (decayFrame ?? end) > next, let untilNext = extrapolated(until: next - 1) {
                decayTime = untilNext
                decayed = true
            }
            if !decayed {
                // Cut before it got there: extrapolate the fall so far (a ride cut by the next stroke still falls slowly).
                decayTime = extrapolated(until: max(end - 1, peakFrame)) ?? Self.longestNote
            }
            return EventDecay(length: Double(max(end - start, 1)) * envelope.frameDuration, decayTime: max(0, decayTime),
                              decayed: decayed, rise: rise)
        }
    }

    /// The fall rate is read over this long after the attack's peak, in seconds (less where another onset comes
    /// sooner)…
    static let fallSpan = 0.06
    /// …and over at least this many frames, else it is not read.
    static let fallFrames = 2

    /// How fast each event's own bands (within `ownBandRange` of its strongest rise) fall after the attack's peak, in
    /// dB a second: over `fallSpan`, or until the next onset when that comes sooner; nil when under `fallFrames`
    /// remain. What sounded before is not taken out: a hit over its own ringing (a ride's stroke, a 16th hat) falls
    /// back to that ringing as fast as it falls alone, while the level it would have to fall to varies with the
    /// spacing of the hits, so a time to fall that far would not tell a closed hat from an open one.
    /// - Parameter events: in any order; the next onset is sought among all of them.
    func fallRates(_ events: [DetectedEvent]) -> [Double?] {
        let frameCount = envelope.frameCount
        guard frameCount > 0 else { return events.map { _ in nil } }
        func frames(_ seconds: Double) -> Int { max(1, Int((seconds / envelope.frameDuration).rounded())) }
        let (peakFrames, span) = (frames(Self.peakSpan), frames(Self.fallSpan))
        let starts = events.map(\.startFrame).sorted()
        let all = rises(events)
        return events.indices.map { index in
            let rise = all[index]
            guard let strongest = rise.max(), strongest > 0 else { return nil }
            let limit = strongest * pow(10, -Self.ownBandRange / 10)
            let own = rise.indices.filter { rise[$0] >= limit }
            func level(_ t: Int) -> Float { own.reduce(Float(0)) { $0 + envelope.power(frame: t, band: $1) } }
            let start = events[index].startFrame
            guard start >= 0, start < frameCount else { return nil }
            // The first onset after this one.
            let later = starts.partitioningIndex { $0 > start }
            let next = later < starts.count ? starts[later] : frameCount
            // The attack's peak, before the next onset.
            var peak: Float = 0, peakFrame = start
            for t in start..<max(start + 1, min(start + peakFrames, next, frameCount)) {
                let value = level(t)
                if value > peak { (peak, peakFrame) = (value, t) }
            }
            let end = min(peakFrame + span, next - 1, frameCount - 1)
            guard end - peakFrame >= Self.fallFrames, peak > 0 else { return nil }
            // At least 1 dB: a sound that holds or swells still has a rate to compare.
            let fall = max(1, 10 * log10(Double(peak) / Double(max(level(end), peak * 1e-6))))
            return fall / (Double(end - peakFrame) * envelope.frameDuration)
        }
    }

    /// The bands an event is followed in.
    private func ownBands(rise: [Float], pitch: Double?) -> [Int] {
        if let pitch {
            let harmonics = Set((1...Self.ownHarmonics).map { BandEnvelope.band(of: pitch * Double($0)) })
            let risen = harmonics.filter { rise[$0] > 0 }
            return (risen.isEmpty ? harmonics : risen).sorted()
        }
        let strongest = rise.max() ?? 0
        guard strongest > 0 else { return [rise.indices.max { rise[$0] < rise[$1] } ?? 0] }
        let limit = strongest * pow(10, -Self.ownBandRange / 10)
        return rise.indices.filter { rise[$0] >= limit }
    }
}
