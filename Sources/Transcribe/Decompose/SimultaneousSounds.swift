import Foundation

/// Turns every event into the sounds that start at it: a chord's notes, notes found over a drum hit, notes that
/// swell in a moment later (a pad or an organ under the hit), and the drum hit itself, each an event of its own with
/// its own sound.
///
/// Pitched notes are known by their pitch: a note stays in its event's first-pass sound when that sound is at its
/// pitch, else joins a first-pass sound of clearly pitched events at that pitch heard near it (`Neighbourhood`: in a
/// long song, another section's sound at that pitch is often another instrument) when there is one, else the sound
/// of all such notes at that pitch; so is a drum's body (`EventFeatures.drumBodies`:
/// a kick's falling sine, a snare's head), with or without a hit beside it. A drum hit that started with notes is
/// compared with the drums the song plays alone near it (`Neighbourhood`), only where the notes' harmonics are not (its
/// patch there is the notes'), and joins the nearest within `hitMatchFactor` × the merge threshold; a hit that matches none is not believed
/// (a pluck's, a bow's or a square wave's attack noise looks like one, measured on the corpus; so what starts with a
/// drum's body is split off only as another drum the song plays alone too).
struct SimultaneousSounds {
    /// A note's sound that no first-pass sound holds is numbered from here (above any cluster), one per MIDI note.
    static let noteLabels = 1 << 30
    /// An event that started with notes also holds a drum hit when at least this share of its new magnitude (per share
    /// of the spectrum the notes leave) lies off the notes' harmonics.
    static let residualForHit = 0.4
    /// …and this share when the only notes are drums' bodies.
    static let residualBesideBody = 0.6
    /// A note found beside notes already known must hold this share of the peaked increase…
    static let extraNoteShare = 0.3
    /// …or this share when it is unrelated to them: on no harmonic of a known note, and no known note on one of its
    /// own, so it cannot be what their subtraction left behind (a vibraphone's D5 over a bass's F2 and a ride holds
    /// 0.19; 0.1 and 0.15 measured alike on the corpus).
    static let unrelatedNoteShare = 0.2
    /// Two notes are related when one lies within half a semitone of a harmonic of the other up to this one.
    static let relatedHarmonics = 8
    /// A hit under notes matches a drum of the song up to this multiple of the merge threshold: as close as two
    /// events of one sound, now that it is compared only above where the notes' harmonics stand out (1.5 before; 1,
    /// 1.1, 1.25, 1.35, 1.75 and 2 measured on the corpus: 1 raised ARI most, chords-over-drums' 0.767 → 0.945, and
    /// cost electronic-drop's dense hits 0.03 of note F).
    static let hitMatchFactor: Float = 1
    /// A hit is compared over at least this many bands that the notes leave free.
    static let minimumFreeBands = 16

    let threshold: Float
    let voicedConfidence: Double
    /// Centre frequency of each band of the attack patches, in Hz.
    let bandCentres: [Double]

    struct Result {
        var events: [DetectedEvent]
        var features: [EventFeatures]
        var labels: [Int]
        /// The index of the input event each one came from (several share one where sounds started together).
        var origins: [Int]

        /// The same with one event per sound and onset: a sound starts at most once at an onset, so a second event of
        /// it there (two parts of one onset that ended in one sound: a drum joined to the drum it started with, a hit
        /// found at an onset that already held it) is dropped; the first is kept.
        func oneEventPerSoundAndOnset() -> Result {
            var seen = Set<SIMD2<Int>>()  // (origin, label): a pair without an array to allocate per event
            let kept = labels.indices.filter { seen.insert(SIMD2(origins[$0], labels[$0])).inserted }
            guard kept.count < labels.count else { return self }
            return Result(events: kept.map { events[$0] }, features: kept.map { features[$0] }, labels: kept.map { labels[$0] },
                          origins: kept.map { origins[$0] })
        }
    }

    /// - Parameters:
    ///   - split: for each event, its clusters after compound splitting (the first is its own).
    func expand(events: [DetectedEvent], features: [EventFeatures], split: [[Int]]) -> Result {
        let own = split.map { $0[0] }
        let pitchOfCluster = tonalClusterPitches(features: features, labels: own)
        // The tonal sounds at each pitch, each with its onsets (ascending): a note joins one heard near it.
        let onsetsOfCluster = Dictionary(grouping: own.indices.filter { pitchOfCluster[own[$0]] != nil }, by: { own[$0] })
            .mapValues { $0.map { events[$0].onset }.sorted() }
        var clustersAtPitch: [Int: [Int]] = [:]
        for (cluster, pitch) in pitchOfCluster.sorted(by: { $0.key < $1.key }) { clustersAtPitch[pitch, default: []].append(cluster) }
        func clusterOfPitch(_ midi: Int, near time: Double) -> Int? {
            clustersAtPitch[midi]?.first { Neighbourhood.contains(onsetsOfCluster[$0]!, near: time) }
        }
        let percussive = Set(own).subtracting(pitchOfCluster.keys)
        let membersOfCluster = Dictionary(grouping: own.indices, by: { own[$0] })
        // Whether most of a sound's events have a pitch estimate, however unclear, within half a semitone of `midi`.
        func heardAtPitch(_ cluster: Int, _ midi: Double) -> Bool {
            let members = membersOfCluster[cluster] ?? []
            return 2 * members.count { abs((features[$0].pitch?.midiPitch ?? -100) - midi) < 0.5 } > members.count
        }
        // Drum sounds as heard alone: only events in which no note stood out make the templates.
        let alone = Dictionary(grouping: own.indices.filter { percussive.contains(own[$0]) && (features[$0].content?.notes.isEmpty ?? true) },
                               by: { own[$0] })
        let dictionary = alone.mapValues { AttackPatch.mean(of: $0.map { features[$0].patch }) }.sorted { $0.key < $1.key }
        let heardAlone = alone.mapValues { $0.map { events[$0].onset }.sorted() }
        // A hit under notes is a drum heard alone near it (`Neighbourhood`).
        func drums(near time: Double) -> [(key: Int, value: AttackPatch)] {
            dictionary.filter { Neighbourhood.contains(heardAlone[$0.key]!, near: time) }
        }

        var result = Result(events: [], features: [], labels: [], origins: [])
        func append(_ index: Int, _ feature: EventFeatures, _ label: Int) {
            result.events.append(events[index])
            result.features.append(feature)
            result.labels.append(label)
            result.origins.append(index)
        }
        func appendNote(_ index: Int, _ note: PitchEstimate) {
            var single = features[index]
            single.pitch = PitchEstimate(frequency: note.frequency, confidence: 1)
            single.chord = []
            let midi = Int(note.midiPitch.rounded())
            // The event's own sound keeps a note at its pitch (two instruments can share a pitch); any other note
            // goes to a sound at that pitch heard near it.
            let time = events[index].onset
            append(index, single, pitchOfCluster[own[index]] == midi ? own[index] : clusterOfPitch(midi, near: time) ?? Self.noteLabels + midi)
        }

        func handle(_ index: Int) {
            let feature = features[index]
            let voiced = feature.isVoiced(minimumConfidence: voicedConfidence)
            let known: [PitchEstimate] = voiced ? [feature.pitch!] : feature.chord
            let found = (feature.content?.notes ?? []).filter { note in
                !known.contains { abs($0.midiPitch - note.midiPitch) < 1 }
                    && (known.isEmpty || note.confidence >= Self.extraNoteShare
                        || (note.confidence >= Self.unrelatedNoteShare && !known.contains { Self.related($0.frequency, note.frequency) }))
            }
            let hasHit = (feature.content?.residualShare ?? 0) >= Self.residualForHit
            if split[index].count == 2, !found.isEmpty, percussive.contains(split[index][0]) {
                // The dictionary found a drum of the song in the event and something else beside it; where notes
                // stand out, they are that something else.
                for note in known + found { appendNote(index, note) }
                var hit = feature
                hit.pitch = nil
                hit.chord = []
                append(index, hit, split[index][0])
                return
            }
            // A first-pass sound split into two that are no drums of the song (a note's sound and a remainder) is a
            // guess from mean spectra; the notes found in this very onset are the evidence (the drop's G2 and B3 under
            // an open hat, where the split said C2 and a new sound).
            let splitWithoutDrum = split[index].count == 2 && !split[index].contains { percussive.contains($0) }
            if split[index].count == 1 || (splitWithoutDrum && !found.isEmpty), !found.isEmpty || (!known.isEmpty && hasHit) {
                // Notes stand out of what started here (over a drum hit, or beside the notes already known).
                let notes = known + found
                // A drum's own body (a kick's falling sine, a snare's head) is no note: what starts with it is another
                // drum of the song (one it plays alone, as `hitLabel` requires of every hit), or the rest of the same drum.
                // Where the only notes are drums' bodies, some of those drums is always left (a click, the start of a
                // fall): a second drum must leave more.
                let bodiesOnly = notes.allSatisfy { feature.drumBodies.contains($0.frequency) }
                let hitLeft = (feature.content?.residualShare ?? 0) >= (bodiesOnly ? Self.residualBesideBody : Self.residualForHit)
                let hitSound = hitLeft ? hitLabel(feature.patch, mask: harmonicMask(notes, extent: feature.harmonicExtent), dictionary: drums(near: events[index].onset)) : nil
                if found.isEmpty, known.count == 1, hitSound == own[index], heardAtPitch(own[index], known[0].midiPitch) {
                    // The "hit" beside the note is the event's own sound, and that sound's events sound at this pitch,
                    // most without a clear enough pitch (a pluck): the event is that sound, whole.
                    append(index, feature, own[index])
                    return
                }
                for note in notes { appendNote(index, note) }
                if let hitSound {
                    var hit = feature
                    hit.pitch = nil
                    hit.chord = []
                    append(index, hit, hitSound)
                }
                return
            }
            for (position, cluster) in split[index].enumerated() {
                var part = feature
                if position > 0 {
                    // The pitch measured belongs to the whole; the split-off remainder's own pitch is unknown.
                    part.pitch = nil
                    part.chord = []
                } else if !feature.chord.isEmpty {
                    for note in feature.chord { appendNote(index, note) }
                    continue
                } else if split[index].count == 1, feature.pitchIsDrumBody, let body = feature.pitch {
                    // A drum's body is known by its pitch whether or not something started with it.
                    appendNote(index, body)
                    continue
                }
                append(index, part, cluster)
            }
        }
        for index in events.indices {
            let before = result.events.count
            handle(index)
            // Notes that swelled in after the onset (`OnsetContent.lateNotes`) join it as notes of their own, beside
            // whatever it was. They lie on no harmonic of the onset's notes already; a note within half a semitone on
            // the other side of a MIDI number still rounds to one of them, and one onset holds a MIDI note once.
            let taken = result.features[before...].filter { $0.isVoiced(minimumConfidence: voicedConfidence) }
                .compactMap { $0.pitch.map { Int($0.midiPitch.rounded()) } }
            for note in features[index].content?.lateNotes ?? [] where !taken.contains(Int(note.midiPitch.rounded())) {
                appendNote(index, note)
            }
        }
        return result
    }

    /// Whether either frequency lies within half a semitone of a harmonic of the other (`relatedHarmonics`).
    static func related(_ a: Double, _ b: Double) -> Bool {
        let (low, high) = a < b ? (a, b) : (b, a)
        return (1...relatedHarmonics).contains { abs(12 * log2(high / (low * Double($0)))) < 0.5 }
    }

    /// Rounded MIDI pitch of each first-pass cluster most of whose events are clearly pitched.
    private func tonalClusterPitches(features: [EventFeatures], labels: [Int]) -> [Int: Int] {
        var pitches: [Int: [Double]] = [:], sizes: [Int: Int] = [:]
        for (index, label) in labels.enumerated() {
            sizes[label, default: 0] += 1
            if features[index].isVoiced(minimumConfidence: voicedConfidence), let pitch = features[index].pitch {
                pitches[label, default: []].append(pitch.midiPitch)
            }
        }
        var result: [Int: Int] = [:]
        for (label, values) in pitches {
            if let pitch = ClusterPitch.of(voicedPitches: values, memberCount: sizes[label]!) { result[label] = Int(pitch.rounded()) }
        }
        return result
    }

    /// Bands that a note's harmonics fall in (within half the spacing of the neighbouring band centres).
    /// - Parameter extent: how high a note's harmonics reach (Hz), by its frequency: none is masked above that.
    private func harmonicMask(_ notes: [PitchEstimate], extent: (Double) -> Double) -> [Bool] {
        var mask = [Bool](repeating: false, count: bandCentres.count)
        guard let top = bandCentres.last else { return mask }
        for note in notes {
            var h = 1.0
            let highest = min(top, extent(note.frequency))
            while note.frequency * h <= highest {
                let f = note.frequency * h
                for b in bandCentres.indices where !mask[b] {
                    let below = b > 0 ? bandCentres[b - 1] : bandCentres[b] / 2
                    let above = b + 1 < bandCentres.count ? bandCentres[b + 1] : bandCentres[b] * 2
                    if f > (below + bandCentres[b]) / 2, f < (above + bandCentres[b]) / 2 { mask[b] = true }
                }
                h += 1
            }
        }
        return mask
    }

    /// The drum of the song (heard alone) that a hit under notes is, compared over the bands the notes leave free;
    /// nil when it is none of them, or too little of the spectrum is free to tell.
    private func hitLabel(_ patch: AttackPatch, mask: [Bool], dictionary: [(key: Int, value: AttackPatch)]) -> Int? {
        guard mask.count(where: { !$0 }) >= Self.minimumFreeBands else { return nil }
        let nearest = dictionary.compactMap { entry in
            patch.offsetFreeDifference(entry.value, masked: mask).map { (entry.key, $0) }
        }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let nearest, nearest.1 <= Self.hitMatchFactor * threshold else { return nil }
        return nearest.0
    }
}
