import Foundation

/// A long song grouped a stretch at a time, then the stretches' sounds linked: each stretch's sounds are decided as
/// they would be in a clip of its own, whatever the rest of the song holds (issue "One sound, one track across a
/// whole song": a long song must not merge what a short one keeps apart).
enum SongChunks {
    /// A stretch lasts at most this long (seconds): the corpus' clips, on which every grouping rule was measured,
    /// last 10–25 s…
    static let longest = 30.0
    /// …and at least this long, so each of its sounds is heard a few times…
    static let shortest = 7.5
    /// …and ends at the first pause, where a song's sections meet: at least this long (seconds) between two onsets,
    /// and silent somewhere between them (a sparse clip falls silent between its notes too, for a second or so); else
    /// at the widest gap between onsets in its last `closingSpan` seconds, so no compound onset is cut.
    static let pause = 2.0
    static let closingSpan = 5.0
    /// Silence is this far under the louder of the two onsets around it (60 dB, in the frames' summed magnitude)…
    static let silentShare: Float = 0.001
    /// …each onset's loudness being its loudest frame among its first this many.
    static let attackFrames = 10

    /// Consecutive ranges of `onsets` (ascending, in seconds) covering them all, each a stretch.
    /// - Parameter silentBefore: whether the song falls silent between onset `k - 1` and onset `k`.
    static func ranges(onsets: [Double], silentBefore: (Int) -> Bool) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < onsets.count {
            let first = onsets[start]
            guard let last = onsets.lastIndex(where: { $0 <= first + longest }), last + 1 < onsets.count else {
                ranges.append(start..<onsets.count)
                break
            }
            // Candidate cuts: before event `k`, within `longest` of the stretch's start (one past `last` too).
            let candidates = (start + 1)...(last + 1)
            func gap(_ k: Int) -> Double { onsets[k] - onsets[k - 1] }
            let cut = candidates.first { onsets[$0 - 1] >= first + shortest && gap($0) >= pause && silentBefore($0) }
                ?? candidates.filter { onsets[$0 - 1] >= first + longest - closingSpan }.max { (gap($0), $0) < (gap($1), $1) }
                ?? last + 1
            ranges.append(start..<cut)
            start = cut
        }
        return ranges
    }
}

/// Joins the sounds of a song that are one sound.
///
/// The sounds of different stretches (`SongChunks`): alike attacks (average linkage over their mean patches, within
/// `Recurrence.returnFactor` of the merge threshold, as a sound's runs stay joined; 0.5, 0.65, 1 and 1.3 measured on
/// the whole-song case: 0.8 and 0.65 alike, the others lower) and the same pitch, or no pitch, on both sides;
/// unpitched ones also alike in how fast they die (their events' median fall rate, weighed as `EventDistance` weighs
/// it: the whole song over four alignments 0.740 → 0.750, ARI 0.766 → 0.818).
///
/// And within a stretch, two drums that the grouping left apart (issue "Real recorded drum kits": a piece split in the
/// first pass is joined): unpitched both, never starting together at an onset (what starts together is two sounds),
/// attacks and fall rates alike within `joinFactor` × the merge threshold, and, where both read a pitch in most of
/// their events (a drum's body, a bass note read as one), at one pitch within `readPitchTolerance`. A sound's mean
/// over its events heard alone is steadier than the event-to-event distances of the first pass: real-kit-fast's kick
/// heard alone and its kick heard after a hat, split there, are one here. Likewise a sound of `fewNotes` notes or
/// fewer and a sound at its pitch (electronic-clip's synth bass A2: two sounds, of two notes and of one).
struct SoundLinker {
    let threshold: Float
    let voicedConfidence: Double
    let pitchTolerance: Double

    /// Two sounds of one stretch are joined within this multiple of the merge threshold: as close as two events of one
    /// sound (0.8, as across stretches, measured 0.831 against 0.832 of mapped F over the corpus' four alignments,
    /// drums alone).
    static let joinFactor: Float = 1
    /// Two drums of one stretch that both read a pitch are one drum only within this many semitones.
    static let readPitchTolerance = 0.5
    /// A note's sound of at most this many events joins a sound at its pitch in its stretch: one or two attacks, each
    /// heard with what sounded around it, are too few to tell another instrument by (`SamePitchMerger` keeps two
    /// instruments at one pitch apart by their harmonic envelopes, which a sound of many notes shows and such a sound
    /// does not; 1 and 3 measured on the corpus: 1 joined electronic-clip's A2 only, 3 the same as 2).
    static let fewNotes = 2

    /// Global labels for `labels`, where each stretch's labels are its own (`stretchOf` tells an event's stretch);
    /// `origins` tells the onset each event was found in (several events share one where sounds started together).
    func link(features: [EventFeatures], labels: [Int], stretchOf: [Int], origins: [Int]) -> [Int] {
        // One item per (stretch, label).
        var item: [Int: Int] = [:]  // stretch * (maximum label + 1) + label → item
        let span = (labels.max() ?? 0) + 1
        var itemOf = [Int](repeating: 0, count: labels.count)
        var members: [[Int]] = []
        for index in labels.indices {
            let key = stretchOf[index] * span + labels[index]
            if let known = item[key] { itemOf[index] = known; members[known].append(index); continue }
            item[key] = members.count
            itemOf[index] = members.count
            members.append([index])
        }
        // The events found at each onset, and the pairs of items that start together at one.
        let eventsOfOrigin = Dictionary(grouping: labels.indices, by: { origins[$0] })
        var together = Set<Int>()
        for events in eventsOfOrigin.values where events.count > 1 {
            for a in events { for b in events where itemOf[a] < itemOf[b] { together.insert(itemOf[a] * members.count + itemOf[b]) } }
        }
        let templates = members.map { group -> AttackPatch in
            // An event that is a part of what started together holds the others in its patch: a sound's other
            // events say what it is, when it has two or more (a kick under a hat in one section, alone in another).
            let alone = group.filter { eventsOfOrigin[origins[$0]]!.count == 1 }
            return AttackPatch.mean(of: (alone.count >= 2 ? alone : group).map { features[$0].patch })
        }
        let pitches: [Double?] = members.map { group in
            ClusterPitch.of(voicedPitches: group.compactMap { features[$0].isVoiced(minimumConfidence: voicedConfidence) && !features[$0].pitchIsDrumBody ? features[$0].pitch?.midiPitch : nil },
                            memberCount: group.count)
        }
        let stretches = members.map { stretchOf[$0[0]] }
        // Unpitched sounds that die at other rates are other sounds in another stretch too (a closed and an open hat).
        let fallRates: [Double?] = members.map { group in
            let known = group.compactMap { features[$0].fallRate }.sorted()
            return known.isEmpty ? nil : known[known.count / 2]
        }
        // The median pitch read in most of a sound's events, however unclear (a drum's body, a bass note read as one).
        let readPitches: [Double?] = members.map { group in
            let read = group.compactMap { features[$0].pitch?.midiPitch }.sorted()
            return !read.isEmpty && 2 * read.count >= group.count ? read[read.count / 2] : nil
        }
        let fallWeight = EventDistance.fallWeightShare * threshold
        // One threshold serves both kinds of pair: a distance within a stretch is scaled so that it passes at
        // `joinFactor` × the merge threshold.
        let withinScale = Recurrence.returnFactor / Self.joinFactor
        let linked = AgglomerativeClustering.labels(count: members.count, threshold: Recurrence.returnFactor * threshold) { a, b in
            // Two sounds of one stretch were kept apart there: only two drums, or a few notes and a sound at their pitch,
            // are joined; never two that start together, nor two drums read at other pitches.
            let sameStretch = stretches[a] == stretches[b]
            if sameStretch, together.contains(min(a, b) * members.count + max(a, b)) { return Seriation.unrelated }
            switch (pitches[a], pitches[b]) {
            case (nil, nil):
                if sameStretch, let pa = readPitches[a], let pb = readPitches[b], abs(pa - pb) > Self.readPitchTolerance {
                    return Seriation.unrelated
                }
            case let (pa?, pb?) where abs(pa - pb) <= pitchTolerance:
                if sameStretch, min(members[a].count, members[b].count) > Self.fewNotes { return Seriation.unrelated }
            default:
                return Seriation.unrelated
            }
            guard let attack = templates[a].meanAbsoluteDifference(templates[b]) else { return Seriation.unrelated }
            var distance = attack
            if pitches[a] == nil, pitches[b] == nil, let rateA = fallRates[a], let rateB = fallRates[b] {
                distance = EventDistance.unpitched(attack: attack, fallRates: rateA, rateB, weight: fallWeight)
            }
            return sameStretch ? distance * withinScale : distance
        }
        return itemOf.map { linked[$0] }
    }
}

