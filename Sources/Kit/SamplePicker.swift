import Foundation
import SoundSortCore

/// Chooses the clearest example of each sound and cuts it from the song.
public struct SamplePicker: Sendable {
    /// Sample rate of the audio cut from, in Hz.
    public var sampleRate: Double
    /// How many dB one step of velocity stands for (the transcription's velocity range over 127).
    public var decibelsPerVelocity: Double

    /// Events shorter than this share of the sound's longest event are not candidates: a note cut short by the next one
    /// is not the whole sound.
    public static let shortestShareOfLongest = 0.5
    /// The attack is sought this long before and after the onset found, in seconds.
    public static let attackSearch = 0.03
    /// What sounded before the event is measured over this long, ending `attackSearch` before the onset, in seconds.
    public static let backgroundSpan = 0.03
    /// The attack begins where the signal first exceeds this share of the attack's peak (−20 dB)…
    public static let attackShare: Float = 0.1
    /// …walked back to the last point no louder than what sounded before (or this share of the peak, −80 dB, in
    /// silence).
    public static let silenceShare: Float = 1e-4
    /// Fade at the sample's end, in seconds (at most a quarter of the sample).
    public static let fadeDuration = 0.01
    /// Fade at the sample's start when it is cut out of other sound (a cut mid-waveform clicks like a drum hit), in
    /// seconds; a sample rising out of silence starts as it is.
    public static let fadeInDuration = 0.003
    /// The shortest sample cut, in seconds.
    public static let shortestSample = 0.01

    public init(sampleRate: Double, decibelsPerVelocity: Double) {
        self.sampleRate = sampleRate
        self.decibelsPerVelocity = decibelsPerVelocity
    }

    /// The event of `sound` least overlapped by others: among its events at least half as long as its longest, the one
    /// whose span other events cover least, each weighted by its level against the event's (a quiet tail counts
    /// little, a loud hit on top counts fully or more); ties go to the louder, then the earlier event.
    /// - Complexity: O(n log n + n·k) for n events, k of them overlapping one another.
    public func clearestEvent(of sound: Int, in transcription: Transcription) -> Int? {
        rankedEvents(of: sound, in: transcription).first
    }

    /// The events of `sound` at least `shortestShare` as long as its longest (`shortestShareOfLongest` unless told),
    /// clearest first (see `clearestEvent`).
    public func rankedEvents(of sound: Int, in transcription: Transcription, shortestShare: Double = shortestShareOfLongest) -> [Int] {
        let events = transcription.events
        let own = events.indices.filter { events[$0].sound == sound }
        guard let longest = own.map({ events[$0].duration }).max() else { return [] }
        let candidates = own.filter { events[$0].duration >= shortestShare * longest }
        // Events are sorted by onset: the others overlapping an event start before its end.
        let onsets = events.map(\.onset)
        let longestOfAll = events.map(\.duration).max() ?? 0
        func overlap(_ index: Int) -> Double {
            let event = events[index]
            guard event.duration > 0 else { return .infinity }
            var covered = 0.0
            var other = firstIndex(in: onsets, atLeast: event.onset - longestOfAll)
            while other < events.count, events[other].onset < event.offset {
                defer { other += 1 }
                guard other != index else { continue }
                let shared = min(event.offset, events[other].offset) - max(event.onset, events[other].onset)
                guard shared > 0 else { continue }
                covered += shared * pow(10, Double(events[other].velocity - event.velocity) * decibelsPerVelocity / 20)
            }
            return covered / event.duration
        }
        return candidates.map { (index: $0, overlap: overlap($0)) }
            .sorted { ($0.overlap, -events[$0.index].velocity, $0.index) < ($1.overlap, -events[$1.index].velocity, $1.index) }.map(\.index)
    }

    /// A cut sample: its points, its event's velocity, and seconds from its first point to the event's onset.
    public struct Cut: Sendable, Equatable {
        public var samples: [Float]
        public var velocity: Int
        public var lead: Double
    }

    /// `event` cut from `audio`: from where its attack rises out of what sounded before (sought within
    /// `attackSearch` of the onset found, so no attack is lost to the onset's 10 ms frames) to its end, the last
    /// `fadeDuration` faded out; the level as it is in the song.
    public func cut(_ event: Event, from audio: [Float]) -> Cut {
        let span = self.span(of: event, in: audio)
        return finish(Array(audio[span.start..<span.end]), onset: span.onset, start: span.start, cutFromSound: span.cutFromSound, velocity: event.velocity)
    }

    /// Where `event`'s sample lies in `audio` (points), where its onset is, and whether it starts inside other sound.
    func span(of event: Event, in audio: [Float]) -> (start: Int, end: Int, onset: Int, cutFromSound: Bool) {
        let onset = min(max(0, Int((event.onset * sampleRate).rounded())), max(0, audio.count - 1))
        let search = Int(Self.attackSearch * sampleRate)
        let searchStart = max(0, onset - search), searchEnd = min(audio.count, onset + search)
        let backgroundStart = max(0, searchStart - Int(Self.backgroundSpan * sampleRate))
        let peak = audio[searchStart..<max(searchStart, searchEnd)].lazy.map(abs).max() ?? 0
        let background = audio[backgroundStart..<searchStart].lazy.map(abs).max() ?? 0
        var start = onset
        if peak > 0, let rise = (searchStart..<searchEnd).first(where: { abs(audio[$0]) >= max(Self.attackShare * peak, 2 * background) }) {
            let quiet = max(background, Self.silenceShare * peak)
            start = rise
            while start > searchStart, abs(audio[start - 1]) > quiet { start -= 1 }
        }
        let end = min(audio.count, max(start + Int(Self.shortestSample * sampleRate), Int((event.offset * sampleRate).rounded())))
        return (start, max(start, end), onset, background > Self.silenceShare * peak)
    }

    /// A sample's points made playable: at least `shortestSample` long, faded in when cut out of other sound, faded out.
    func finish(_ points: [Float], onset: Int, start: Int, cutFromSound: Bool, velocity: Int) -> Cut {
        var samples = points
        let shortest = Int(Self.shortestSample * sampleRate)
        if samples.count < shortest { samples += [Float](repeating: 0, count: shortest - samples.count) }
        if cutFromSound {
            let fadeIn = min(Int(Self.fadeInDuration * sampleRate), samples.count / 4)
            for index in 0..<fadeIn { samples[index] *= Float(0.5 - 0.5 * cos(Double.pi * Double(index) / Double(fadeIn))) }
        }
        let fade = Self.fadeLength(of: samples.count, sampleRate: sampleRate)
        for index in (samples.count - fade)..<samples.count { samples[index] *= Self.fadeGain(at: index, count: samples.count, fade: fade) }
        return Cut(samples: samples, velocity: velocity, lead: Double(onset - start) / sampleRate)
    }

    /// Examples of a sound read together for its sample, at most.
    public static let agreedExamples = 9
    /// …and at least: with fewer, the clearest event is the sample as it is.
    public static let fewestAgreedExamples = 3
    /// Examples are aligned to the clearest within this lag, in seconds.
    public static let alignmentLag = 0.005
    /// …by their first this long, in seconds.
    public static let alignmentSpan = 0.05

    /// The sound's sample: its clearest event, with what its other clearest events do not share taken out
    /// (`AgreedSpectrum`: each cell of the clearest's short-time spectrum held to a little above the examples' median
    /// magnitude there, the examples aligned on the clearest and brought to its velocity). A note the next one cuts into,
    /// a hat on one beat, a bass note under a lead's note leave the sample; what every example holds stays, with the
    /// clearest's own phase, so copies of one waveform come back as they were and played notes of a real instrument,
    /// whose phases differ, keep their sound.
    /// - Parameter playedWhole: the sample is played whole at every note (`Kit.Voice.oneShot`): it ends at the sound's
    ///   median event length, its typical hit, rather than at the clearest event's own end.
    public func sample(of sound: Int, in transcription: Transcription, from audio: [Float], playedWhole: Bool = false) -> Cut? {
        let events = transcription.events
        // Every event of the sound is an example, however short, read to its own end; the clearest is the first of
        // those at least half as long as the longest (`clearestEvent`). With only such events as examples, one long
        // last note could be the only one, and its sample kept what followed it (tempo-change's A4 rang into a bass).
        let all = rankedEvents(of: sound, in: transcription, shortestShare: 0)
        let longest = all.map { events[$0].duration }.max() ?? 0
        guard let clearest = all.first(where: { events[$0].duration >= Self.shortestShareOfLongest * longest }) else { return nil }
        let ranked = [clearest] + all.filter { $0 != clearest }
        var reference = span(of: events[clearest], in: audio)
        if playedWhole {
            let lengths = all.map { events[$0].duration }.sorted()
            let typical = Int((lengths[lengths.count / 2] * sampleRate).rounded()) + reference.onset - reference.start
            reference.end = min(reference.end, reference.start + max(Int(Self.shortestSample * sampleRate), typical))
        }
        let length = reference.end - reference.start
        let window = min(length, Int(Self.alignmentSpan * sampleRate))
        let maximumLag = Int(Self.alignmentLag * sampleRate)
        var points = Array(audio[reference.start..<reference.end])
        if ranked.count >= Self.fewestAgreedExamples, window > 2 * maximumLag, let agreed = try? AgreedSpectrum(sampleRate: sampleRate) {
            let lead = reference.onset - reference.start
            var examples = [points]
            for index in ranked.dropFirst().prefix(Self.agreedExamples - 1) {
                let nominal = Int((events[index].onset * sampleRate).rounded()) - lead
                var best = (correlation: -Double.infinity, start: nominal)
                for lag in -maximumLag...maximumLag {
                    let start = nominal + lag
                    guard start >= 0, start + length <= audio.count else { continue }
                    var product = 0.0, own = 0.0, other = 0.0
                    for point in 0..<window {
                        let a = Double(audio[reference.start + point]), b = Double(audio[start + point])
                        product += a * b
                        own += a * a
                        other += b * b
                    }
                    let correlation = own > 0 && other > 0 ? product / (own * other).squareRoot() : 0
                    if correlation > best.correlation { best = (correlation, start) }
                }
                guard best.correlation > -Double.infinity else { continue }
                let gain = Float(pow(10, Double(events[clearest].velocity - events[index].velocity) * decibelsPerVelocity / 20))
                // What of the example is its own event: nothing when the event ends before the attack the clearest
                // one starts after its onset (a negative lead) would reach.
                let own = min(length, lead + Int((events[index].duration * sampleRate).rounded()))
                guard own > 0 else { continue }
                examples.append(audio[best.start..<(best.start + own)].map { gain * $0 })
            }
            if examples.count >= Self.fewestAgreedExamples { points = agreed.clean(examples) }
        }
        return finish(points, onset: reference.onset, start: reference.start, cutFromSound: reference.cutFromSound, velocity: events[clearest].velocity)
    }
    /// Points of the fade at the end of a sample of `count` points.
    public static func fadeLength(of count: Int, sampleRate: Double) -> Int { min(Int(fadeDuration * sampleRate), count / 4) }

    /// The fade's gain at point `index` of a sample of `count` points whose last `fade` points fade out (1 before it,
    /// falling linearly to 1/fade at the last point).
    public static func fadeGain(at index: Int, count: Int, fade: Int) -> Float {
        guard fade > 0, index >= count - fade else { return 1 }
        return Float(count - index) / Float(fade)
    }

    /// The first index of sorted `values` holding `value` or more.
    private func firstIndex(in values: [Double], atLeast value: Double) -> Int {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
