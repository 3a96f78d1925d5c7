/// Joins drum sounds of one or two hits to the nearest larger drum sound, within a wider threshold.
///
/// Average linkage decides on whole groups: a few hits that looked apart in the first pass (a ghost note, a hat
/// under a ride's tail, a hit whose notes were taken away) are left as sounds of their own, each a track of one or
/// two notes in the MIDI file. A drum of a song plays more often than that; such a group is compared, as one
/// template, with the finished drums, and joins the nearest when it is close enough.
struct SmallDrumMerger {
    /// A drum sound of at most this many hits is a candidate to join another…
    static let smallSound = 2
    /// …when its template lies within this multiple of the merge threshold of the other's.
    static let thresholdFactor: Float = 1.5

    let threshold: Float
    let voicedConfidence: Double

    /// - Parameters:
    ///   - features: each event's features.
    ///   - labels: each event's sound (any integers).
    /// - Returns: the labels with small drum sounds relabelled to the drum they join.
    func merge(features: [EventFeatures], labels: [Int]) -> [Int] {
        // Drum sounds: most of their events unpitched.
        let members = Dictionary(grouping: labels.indices, by: { labels[$0] })
        let drums = members.filter { _, events in
            events.count { features[$0].isVoiced(minimumConfidence: voicedConfidence) } * 2 < events.count
        }
        let templates = drums.mapValues { AttackPatch.mean(of: $0.map { features[$0].patch }) }
        var labels = labels
        for (label, events) in drums.sorted(by: { $0.key < $1.key }) where events.count <= Self.smallSound {
            let nearest = templates.filter { drums[$0.key]!.count > Self.smallSound }
                .compactMap { other in templates[label]!.meanAbsoluteDifference(other.value).map { (other.key, $0) } }
                .min { ($0.1, $0.0) < ($1.1, $1.0) }
            guard let nearest, nearest.1 <= Self.thresholdFactor * threshold else { continue }
            for event in events { labels[event] = nearest.0 }
        }
        return labels
    }
}
