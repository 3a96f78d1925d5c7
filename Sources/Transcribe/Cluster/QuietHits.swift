import Foundation

/// Hits known by one end of the spectrum, and the drums they are hits of: quiet hits heard only in the high bands
/// between the onsets, and hits hidden at other sounds' onsets, known in the high bands (a hat) or the low ones (a
/// kick) (`addHiddenHits`).
///
/// A quiet hat under loud chords and kicks adds far less to the flux over all bands than they do, and the onset
/// threshold (a share of the loudest flux around) passes it by; over the bands above `lowestFrequency`, where chords
/// and kicks hold little, it stands out. Such a hit is one more hit of a drum found without it: it joins the nearest
/// percussive sound heard near it (`Neighbourhood`) within `matchFactor` × the merge threshold, or is dropped. It ends
/// no other event and is never taken apart, so the events found without it, and their sounds, stay what they were
/// (taken into the clustering, quiet hats cut the patches of the events before them short and split their sounds:
/// fast-hihats went from 5 sounds to 9).
struct QuietHits {
    /// The high bands start here, in Hz: above a chord's strong harmonics and a kick's click, where hats and shakers are.
    static let lowestFrequency = 6_000.0
    /// A quiet hit joins a drum whose template lies within this multiple of the merge threshold (1, 1.5 and 2 measured
    /// on the corpus, 1.5 and 2 alike; a quiet hit's patch holds whatever sounds louder around it).
    static let matchFactor: Float = 1.5
    /// A hit with a clear pitch joins one only within this multiple: the pitch is most often a held note's (a bass or a
    /// lead under 16th hats), whose residue is in the hit's patch, but it can be a pitched sound's attack (1 measured
    /// against 0.5 and 0.75 on the corpus: the most hats found in the electronic drop, where dropping every pitched hit
    /// dropped nearly all of those under its bass and lead). Such a hit is also compared over the high bands alone,
    /// where it was heard, and the nearer of the two counts: under a held bass and pad, a hat's whole patch is mostly
    /// theirs (the drop's quiet hats 9.6–10 dB from the hat over all bands, under 5.5 above 6 kHz).
    static let voicedMatchFactor: Float = 1
    /// Only drums heard there are compared over the high bands: their template's loudest value above
    /// `lowestFrequency` lies within this many dB of its loudest (a kick's empty high bands, flat at the floor,
    /// would match any flat hiss once the offset is removed). An onset is searched for a hidden hit at one end of
    /// the spectrum only when its attack reaches as high there (12 dB for the low bands measured alike).
    static let highBandReach: Float = 20
    /// The low bands end here, in Hz: a kick's body, under a chord's and a hat's (150, 200 and 300 measured alike on
    /// the corpus).
    static let highestLowFrequency = 200.0
    /// A drum whose hits can hide at other sounds' onsets is loudest at one end of the spectrum, the high bands (a
    /// hat, a ride, a shaker) or the low ones (a kick): its template's loudest value there lies within this many dB of
    /// its loudest.
    static let edgeDrumReach: Float = 6
    /// A hit hidden at another sound's onset matches its drum at that end of the spectrum within this multiple of the
    /// merge threshold: for a drum of the high bands (a hat)… Counted in one-off studies (not committed) over the
    /// corpus' onsets, the hidden hits added where the reference starts such a drum against those where it does not:
    /// 0.45 passed 63 hats and nothing else, 0.55 109 and 2, 0.6 142 and 13 (session 12, before `holdsCore`); with
    /// it, 0.55 passed 80 and none, 0.75 121 and 3, 0.85 132 and 3 (session 15). Over four alignments, mean mapped F
    /// 0.839 at 0.55 and 0.843 at 0.75 (0.85 and 1 at both ends of the spectrum: 0.843).
    static let hiddenHighMatchFactor: Float = 0.75
    /// …and for a drum of the low bands (a kick): there the same study found 1 kick and 3 onsets without one at 0.55,
    /// 1 and 6 at 0.75 (a low note's start has a kick's shape under 200 Hz).
    static let hiddenLowMatchFactor: Float = 0.55
    /// A hidden hit's drum must be there where it is strongest: at least half of its core (its template's values
    /// within this many dB of its loudest) stands in the onset's attack no more than `coreTolerance` dB under the
    /// drum, once the two are aligned at the end of the spectrum where they were compared. A clap that was always
    /// heard with a hat matches a kick + hat in the high bands, where its template is the hat's, but the kick + hat
    /// lacks the clap's body (over four alignments, the electronic drop's ARI 0.716 → 0.744; tolerances of 3 and
    /// 10 dB measured alike).
    static let coreRange: Float = 6
    static let coreTolerance: Float = 6

    let threshold: Float
    let voicedConfidence: Double
    /// The bands below `lowestFrequency`, by centre frequency.
    let lowBands: [Bool]
    /// The bands from `highestLowFrequency` up.
    let aboveLowBands: [Bool]

    init(threshold: Float, voicedConfidence: Double, bandCentres: [Double]) {
        self.threshold = threshold
        self.voicedConfidence = voicedConfidence
        lowBands = bandCentres.map { $0 < Self.lowestFrequency }
        aboveLowBands = bandCentres.map { $0 >= Self.highestLowFrequency }
    }

    /// Frames where the high-band flux peaks (`OnsetDetector.pickPeaks`), at least `minimumGap` from every onset
    /// already found and from each other.
    static func onsets(highFlux: [Float], besides onsetFrames: [Int], frameDuration: Double,
                       settings: OnsetSettings) throws(TranscribeError) -> [Int] {
        let peaks = try OnsetDetector.pickPeaks(highFlux, frameDuration: frameDuration, settings: settings)
        let gap = max(1, Int((settings.minimumGap / frameDuration).rounded()))
        let found = onsetFrames.sorted()
        var result: [Int] = []
        for frame in peaks where (result.last.map { frame - $0 >= gap } ?? true) && !found.sortedContains(within: gap - 1, of: frame) {
            result.append(frame)
        }
        return result
    }

    /// The sounds' events with the quiet hits that join a drum added, in onset order (a hit after the events of its
    /// onset).
    /// - Parameters:
    ///   - hits: the quiet hits and their features; a pitched one must match a drum more closely
    ///     (`voicedMatchFactor`).
    ///   - sounds: events, features, origins and labels of the sounds found without them.
    ///   - firstOrigin: origins for the hits are numbered from here (after every onset of `sounds`).
    func join(hits: [DetectedEvent], features hitFeatures: [EventFeatures], to sounds: SimultaneousSounds.Result,
              firstOrigin: Int) -> SimultaneousSounds.Result {
        guard !hits.isEmpty else { return sounds }
        let drums = drums(in: sounds)
        let heard = drums.mapValues { $0.map { sounds.events[$0].onset }.sorted() }
        let templates = drums.mapValues { AttackPatch.mean(of: $0.map { sounds.features[$0].patch }) }.sorted { $0.key < $1.key }
        let heardHigh = Set(templates.filter { reaches($0.value, outside: lowBands, within: Self.highBandReach) }.map(\.key))
        var joined = sounds
        for (index, hit) in hits.enumerated() {
            let voiced = hitFeatures[index].isVoiced(minimumConfidence: voicedConfidence)
            let patch = hitFeatures[index].patch
            let nearest = templates.filter { Neighbourhood.contains(heard[$0.key]!, near: hit.onset) }
                .compactMap { drum -> (Int, Float)? in
                    let whole = patch.meanAbsoluteDifference(drum.value)
                    let high = voiced && heardHigh.contains(drum.key) ? patch.offsetFreeDifference(drum.value, masked: lowBands) : nil
                    return [whole, high].compactMap { $0 }.min().map { (drum.key, $0) }
                }
                .min { ($0.1, $0.0) < ($1.1, $1.0) }
            guard let nearest, nearest.1 <= (voiced ? Self.voicedMatchFactor : Self.matchFactor) * threshold else { continue }
            // A hit: no pitch, no notes, nothing to take apart.
            var feature = hitFeatures[index]
            feature.pitch = nil
            feature.chord = []
            feature.content = nil
            feature.drumBodies = []
            feature.joinedByBandsAlone = true
            joined.events.append(hit)
            joined.features.append(feature)
            joined.labels.append(nearest.0)
            joined.origins.append(firstOrigin + index)
        }
        return Self.inOnsetOrder(joined)
    }

    /// The sounds' events with the hits of drums hidden at other sounds' onsets added: a hat that starts with a kick, a
    /// clap or a chord adds little to the onset, and the event found there is the other sound's; over the high bands,
    /// where the hat is loudest and the others hold little, the event's attack has the hat's shape. So has a kick's
    /// under the hat it starts with, in the low bands. Each end of the spectrum is searched in turn: an onset gains at
    /// most one hit there, of the drum loudest there (`edgeDrumReach`) heard near it that matches its event there
    /// most closely, within `hiddenHighMatchFactor` (`hiddenLowMatchFactor`) × the merge threshold, and whose core
    /// is there (`holdsCore`); only when no event of the onset is already
    /// such a drum's and the event's bands there are heard (within `highBandReach` of its loudest). The hit shares
    /// the onset's origin: it is a part of what started there.
    func addHiddenHits(to sounds: SimultaneousSounds.Result) -> SimultaneousSounds.Result {
        let high = addHiddenHits(to: sounds, comparedOutside: lowBands, matchFactor: Self.hiddenHighMatchFactor)
        return addHiddenHits(to: high, comparedOutside: aboveLowBands, matchFactor: Self.hiddenLowMatchFactor)
    }

    /// `addHiddenHits` over the bands not in `outside`.
    private func addHiddenHits(to sounds: SimultaneousSounds.Result, comparedOutside outside: [Bool],
                               matchFactor: Float) -> SimultaneousSounds.Result {
        let edgeDrums = drums(in: sounds).compactMap { drum, events -> (drum: Int, template: AttackPatch, heard: [Double])? in
            let found = events.filter { !sounds.features[$0].joinedByBandsAlone }
            let template = AttackPatch.mean(of: (found.isEmpty ? events : found).map { sounds.features[$0].patch })
            guard reaches(template, outside: outside, within: Self.edgeDrumReach) else { return nil }
            return (drum, template, events.map { sounds.events[$0].onset }.sorted())
        }.sorted { $0.drum < $1.drum }
        guard !edgeDrums.isEmpty else { return sounds }
        let edgeLabels = Set(edgeDrums.map(\.drum))
        var onsetEvents: [Int: [Int]] = [:]
        for (index, origin) in sounds.origins.enumerated() { onsetEvents[origin, default: []].append(index) }
        var joined = sounds
        for origin in onsetEvents.keys.sorted() {
            let parts = onsetEvents[origin]!
            guard !parts.contains(where: { edgeLabels.contains(sounds.labels[$0]) }),
                  let carrier = parts.first(where: { !sounds.features[$0].joinedByBandsAlone }) else { continue }
            let patch = sounds.features[carrier].patch
            let onset = sounds.events[carrier].onset
            guard reaches(patch, outside: outside, within: Self.highBandReach) else { continue }
            let nearest = edgeDrums
                .filter { Neighbourhood.contains($0.heard, near: onset) && Self.holdsCore(of: $0.template, in: patch, alignedOutside: outside) }
                .compactMap { drum in patch.offsetFreeDifference(drum.template, masked: outside).map { (drum: drum, difference: $0) } }
                .min { ($0.difference, $0.drum.drum) < ($1.difference, $1.drum.drum) }
            guard let nearest, nearest.difference <= matchFactor * threshold else { continue }
            // An event that is the drum itself, whole (a lone hat that joined a sound of hats with kicks under some),
            // holds no second hit of it.
            guard (patch.meanAbsoluteDifference(nearest.drum.template) ?? .infinity) > threshold else { continue }
            var feature = sounds.features[carrier]
            feature.pitch = nil
            feature.chord = []
            feature.content = nil
            feature.drumBodies = []
            feature.fallRate = nil
            feature.joinedByBandsAlone = true
            joined.events.append(sounds.events[carrier])
            joined.features.append(feature)
            joined.labels.append(nearest.drum.drum)
            joined.origins.append(origin)
        }
        return Self.inOnsetOrder(joined)
    }

    /// Whether `patch` holds the core of the drum `template` (`coreRange`, `coreTolerance`), the two aligned by their
    /// mean difference over the bands not in `outside`.
    static func holdsCore(of template: AttackPatch, in patch: AttackPatch, alignedOutside outside: [Bool]) -> Bool {
        let blocks = (0..<min(template.blocks, patch.blocks)).filter { template.present[$0] && patch.present[$0] }
        var offset: Float = 0, aligned = 0, loudest = -Float.infinity
        for block in blocks {
            for band in 0..<template.bands {
                let drum = template.values[block * template.bands + band]
                loudest = max(loudest, drum)
                if !outside[band] {
                    offset += patch.values[block * patch.bands + band] - drum
                    aligned += 1
                }
            }
        }
        guard aligned > 0 else { return false }
        offset /= Float(aligned)
        var core = 0, held = 0
        for block in blocks {
            for band in 0..<template.bands {
                let drum = template.values[block * template.bands + band]
                guard drum >= loudest - coreRange else { continue }
                core += 1
                if patch.values[block * patch.bands + band] >= drum + offset - coreTolerance { held += 1 }
            }
        }
        return 2 * held >= core
    }

    /// The sounds most of whose events are unpitched, with their events.
    private func drums(in sounds: SimultaneousSounds.Result) -> [Int: [Int]] {
        Dictionary(grouping: sounds.labels.indices, by: { sounds.labels[$0] }).filter { _, events in
            events.count { sounds.features[$0].isVoiced(minimumConfidence: voicedConfidence) } * 2 < events.count
        }
    }

    /// The events in onset order (an added hit after the events of its onset).
    private static func inOnsetOrder(_ sounds: SimultaneousSounds.Result) -> SimultaneousSounds.Result {
        let order = sounds.events.indices.sorted { (sounds.events[$0].onset, $0) < (sounds.events[$1].onset, $1) }
        return SimultaneousSounds.Result(events: order.map { sounds.events[$0] }, features: order.map { sounds.features[$0] },
                                         labels: order.map { sounds.labels[$0] }, origins: order.map { sounds.origins[$0] })
    }

    /// Whether the patch's loudest value in the bands not in `outside` lies within `reach` dB of its loudest.
    private func reaches(_ template: AttackPatch, outside: [Bool], within reach: Float) -> Bool {
        var loudest = -Float.infinity, loudestThere = -Float.infinity
        for block in 0..<template.blocks where template.present[block] {
            for band in 0..<template.bands {
                let value = template.values[block * template.bands + band]
                loudest = max(loudest, value)
                if !outside[band] { loudestThere = max(loudestThere, value) }
            }
        }
        return loudestThere >= loudest - reach
    }
}
