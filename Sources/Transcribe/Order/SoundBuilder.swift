import Foundation
import SoundSortCore

/// Turns clustered events into named, ordered sounds and the final `Transcription`.
struct SoundBuilder {
    let events: [DetectedEvent]
    let features: [EventFeatures]
    let labels: [Int]
    /// Each event's decay (length, attack spectrum) from the octave-band envelope.
    let decays: [EventDecay]
    /// Reads a sound's attack at its harmonics, for grouping sounds into instruments.
    let envelope: HarmonicEnvelope
    let settings: TranscriptionSettings
    /// The events that joined a drum by one end of the spectrum alone (`QuietHits`: quiet hits, hits hidden at other
    /// sounds' onsets): their patches hold what sounds around them, so a drum's class, template and exemplar are read
    /// from its other events when it has any.
    var bandHits: Set<Int> = []

    func transcription(duration: Double, sampleRate: Double, tempoMap: TempoMap?) -> Transcription {
        let clusterCount = (labels.max() ?? -1) + 1
        var members = [[Int]](repeating: [], count: clusterCount)
        for (event, label) in labels.enumerated() { members[label].append(event) }

        let heard = members.map { cluster in
            let found = cluster.filter { !bandHits.contains($0) }
            return found.isEmpty ? cluster : found
        }
        let templates = heard.map(template)
        let summaries = members.indices.map { summarise(members[$0], template: templates[$0], exemplarFrom: heard[$0]) }
        let (order, instrumentOf) = displayOrder(templates: templates, summaries: summaries, members: members)
        var displayIndex = [Int](repeating: 0, count: clusterCount)
        for (position, cluster) in order.enumerated() { displayIndex[cluster] = position }

        let drums = drumNotes(members: members, heard: heard, summaries: summaries, order: order)
        var percussiveRank = 0
        let sounds = order.enumerated().map { position, cluster -> Sound in
            let summary = summaries[cluster]
            let midiNote: Int
            var name = String(format: "S%02d ", position)
            var drumClass: DrumClass?
            if summary.kind == .tonal, let hz = summary.pitchHz {
                midiNote = MIDINote.nearest(frequency: hz)
                name += "tonal " + Self.noteName(midiNote)
            } else {
                let drum = drums[cluster]!
                drumClass = drum.drumClass
                midiNote = settings.generalMIDIDrums ? drum.note : min(127, Self.firstPercussiveNote + percussiveRank)
                percussiveRank += 1
                name += drum.drumClass.rawValue
            }
            return Sound(id: position, name: name, kind: summary.kind, midiNote: midiNote, pitchHz: summary.pitchHz,
                         exemplar: summary.exemplar, drumClass: drumClass, instrument: instrumentOf[cluster])
        }
        let loudest = events.map(\.level).max() ?? 0
        let transcribed = events.enumerated().map { index, event in
            let velocity = 127 + (event.level - loudest) * 127 / settings.velocityRange
            return Event(onset: event.onset, duration: decays[index].length, sound: displayIndex[labels[index]],
                         velocity: min(127, max(1, Int(velocity.rounded()))), pitchHz: summaries[labels[index]].eventPitches[index])
        }
        return Transcription(duration: duration, sampleRate: sampleRate, tempoMap: tempoMap, sounds: sounds, events: transcribed)
    }

    /// Sounds in display order, instrument by instrument, and each sound's instrument (by cluster).
    ///
    /// The percussive sounds form one instrument, the kit, shown first and ordered so that alike pieces are adjacent
    /// (the shortest path through their attack spectra). The tonal sounds are grouped into instruments by their
    /// harmonic envelopes (`InstrumentGrouping`); instruments follow the kit, ordered so that alike instruments are
    /// adjacent, and an instrument's sounds go low to high. Percussive sounds heard almost only with notes
    /// (`Companions`) close the kit, and the instrument they most often start with opens the instruments.
    private func displayOrder(templates: [AttackPatch], summaries: [Summary], members: [[Int]]) -> (order: [Int], instrument: [Int]) {
        let clusters = summaries.indices
        let percussive = clusters.filter { summaries[$0].kind == .percussive }
        let tonal = clusters.filter { summaries[$0].kind == .tonal }
        let onsets = { (cluster: Int) in members[cluster].map { events[$0].onset } }
        let partner = Companions.partners(percussive: percussive.map(onsets), tonal: tonal.map(onsets))
        func kitOrder(_ sounds: [Int]) -> [Int] {
            Seriation.order(count: sounds.count, distance: { a, b in
                Double(templates[sounds[a]].meanAbsoluteDifference(templates[sounds[b]]) ?? Seriation.unrelated)
            }, precedes: { a, b in
                summaries[sounds[a]].sortKey.lexicographicallyPrecedes(summaries[sounds[b]].sortKey)
            }).map { sounds[$0] }
        }
        let kit = kitOrder(percussive.indices.filter { partner[$0] == nil }.map { percussive[$0] })
            + kitOrder(percussive.indices.filter { partner[$0] != nil }.map { percussive[$0] })

        let tonalPitches = tonal.map { summaries[$0].pitchHz! }
        let timbres = tonal.indices.map { envelope.of(templates[tonal[$0]], pitchHz: tonalPitches[$0]) }
        let groupOf = InstrumentGrouping(threshold: Float(settings.instrumentThreshold)).instruments(timbres: timbres)
        var groups = [[Int]](repeating: [], count: (groupOf.max() ?? -1) + 1)
        for (position, group) in groupOf.enumerated() { groups[group].append(position) }
        let lowest = groups.map { group in group.map { tonalPitches[$0] }.min()! }
        var partnerEvents = [Int](repeating: 0, count: groups.count)
        for (position, cluster) in percussive.enumerated() {
            if let sound = partner[position] { partnerEvents[groupOf[sound]] += members[cluster].count }
        }
        let groupOrder = Companions.leading(Seriation.order(count: groups.count, distance: { a, b in
            InstrumentGrouping.distance(between: groups[a], and: groups[b], timbres: timbres)
        }, precedes: { a, b in (lowest[a], a) < (lowest[b], b) }), weight: partnerEvents)

        var order = kit
        var instrument = [Int](repeating: 0, count: summaries.count)
        let firstTonalInstrument = kit.isEmpty ? 0 : 1
        for (rank, group) in groupOrder.enumerated() {
            let sounds = groups[group].map { tonal[$0] }
                .sorted { summaries[$0].sortKey.lexicographicallyPrecedes(summaries[$1].sortKey) }
            for sound in sounds { instrument[sound] = firstTonalInstrument + rank }
            order += sounds
        }
        return (order, instrument)
    }

    /// The class and General MIDI note of each percussive cluster: the sound with the most events of a class takes
    /// its family's usual note, the next its neighbour; toms go low to high by the centre of their attack spectrum.
    /// - Parameter heard: each cluster's events its class is read from (`bandHits` left out when it has others).
    private func drumNotes(members: [[Int]], heard: [[Int]], summaries: [Summary], order: [Int]) -> [Int: (drumClass: DrumClass, note: Int)] {
        let alone = DecayMeasurer.alone(events)
        // Clusters by number of events, most first (display order breaks ties): the main kick takes 36.
        let percussive = order.filter { summaries[$0].kind == .percussive }.enumerated()
            .sorted { (-members[$0.element].count, $0.offset) < (-members[$1.element].count, $1.offset) }.map(\.element)
        let drumFeatures = percussive.map { DrumClassifier.features(of: heard[$0], decays: decays, alone: alone) }
        let classes = drumFeatures.map(DrumClassifier.classify)
        let centres = drumFeatures.map { f in f.shares.enumerated().reduce(0.0) { $0 + Double($1.offset) * Double($1.element) } }
        let notes = DrumClass.generalMIDINotes(for: classes, pitchOrder: centres)
        var result: [Int: (DrumClass, Int)] = [:]
        for (i, cluster) in percussive.enumerated() { result[cluster] = (classes[i], notes[i]) }
        return result
    }

    struct Summary {
        var kind: Sound.Kind
        var pitchHz: Double?
        var exemplar: Int
        /// The pitch (Hz) of each of the sound's events that counts as pitched, by event index.
        var eventPitches: [Int: Double]
        /// Percussive first, then by pitch; the exemplar's time breaks ties.
        var sortKey: [Double] { [kind == .percussive ? 0 : 1, pitchHz ?? 0, Double(exemplar)] }
    }

    /// Kind, pitch and exemplar of a cluster, and the pitch (Hz) of each of its events that counts as pitched.
    ///
    /// A sound is tonal when most of its events are pitched, whatever its attack (a pluck, a brass stab), or when every
    /// event whose pitch was measured is; its note is their median pitch. An event is pitched when its pitch is clear
    /// (`voicedConfidence`), or fairly clear (`FeatureSettings.fairPitchConfidence`) and within `pitchTolerance` of the
    /// other fairly clear events of its sound (at least `consistentEvents` of them): a pluck's pitch is the same from
    /// note to note, a noise's wanders. A drum's body (`EventFeatures.drumBodies`: a kick's falling sine, a snare's
    /// head) is measured and unpitched. An event whose pitch was never measured (the part split off a compound, a drum
    /// hit beside notes) is no evidence against a pitch: a brass stab heard alone once and twice under a kick is tonal;
    /// in a tonal sound such events take its pitch.
    /// - Parameter candidates: the events the exemplar is chosen from.
    private func summarise(_ cluster: [Int], template: AttackPatch, exemplarFrom candidates: [Int]) -> Summary {
        let measured = cluster.filter { features[$0].pitch != nil }
        let fairlyClear = measured.filter { features[$0].pitch!.confidence >= settings.features.fairPitchConfidence && !features[$0].pitchIsDrumBody }
        let fairPitches = fairlyClear.map { features[$0].pitch!.midiPitch }.sorted()
        let centre = fairPitches.isEmpty ? 0 : fairPitches[fairPitches.count / 2]
        let agreeing = fairlyClear.filter { abs(features[$0].pitch!.midiPitch - centre) <= settings.pitchTolerance }
        let consistent = Set(agreeing.count >= Self.consistentEvents ? agreeing : [])
        let pitched = measured.filter {
            (features[$0].isVoiced(minimumConfidence: settings.voicedConfidence) || consistent.contains($0)) && !features[$0].pitchIsDrumBody
        }
        let tonal = !pitched.isEmpty
            && (Double(pitched.count) >= settings.tonalShare * Double(cluster.count) || pitched.count == measured.count)
        let pitches = pitched.compactMap { features[$0].pitch?.frequency }.sorted()
        let pitchHz = tonal ? pitches[pitches.count / 2] : nil
        var eventPitches: [Int: Double] = [:]
        for index in pitched { eventPitches[index] = features[index].pitch!.frequency }
        if let pitchHz { for index in cluster where features[index].pitch == nil { eventPitches[index] = pitchHz } }
        // The event most like the sound's mean.
        let exemplar = candidates.min { a, b in
            (features[a].patch.meanAbsoluteDifference(template) ?? .infinity, a) < (features[b].patch.meanAbsoluteDifference(template) ?? .infinity, b)
        }!
        return Summary(kind: tonal ? .tonal : .percussive, pitchHz: pitchHz, exemplar: exemplar, eventPitches: eventPitches)
    }

    /// An event's fairly clear pitch (`FeatureSettings.fairPitchConfidence`) counts when at least this many of its
    /// sound's such events agree.
    static let consistentEvents = 2

    /// Without General MIDI drums, percussive sounds take MIDI notes from this one up, by rank (C2, the GM kick).
    static let firstPercussiveNote = 36

    /// The mean attack patch (in dB) of a sound's events.
    private func template(_ cluster: [Int]) -> AttackPatch { AttackPatch.mean(of: cluster.map { features[$0].patch }) }

    static func noteName(_ midiNote: Int) -> String { MIDINote.name(midiNote) }
}
