/// Joins sounds of one pitch whose attacks differ only a little more than the merge threshold allows.
///
/// One instrument at one pitch varies with what sounded before it (the subtracted background leaves a residue), so
/// it can fall into two clusters; a listener hears one sound. Two instruments at one pitch differ far more.
struct SamePitchMerger {
    /// Sounds of one pitch are joined up to this multiple of the merge threshold.
    static let thresholdFactor: Float = 1.5

    let features: [EventFeatures]
    let settings: TranscriptionSettings

    /// Labels with same-pitch neighbours joined, renumbered 0… in order of first appearance.
    func merge(_ labels: [Int]) -> [Int] {
        let count = (labels.max() ?? -1) + 1
        guard count > 1 else { return labels }
        var members = [[Int]](repeating: [], count: count)
        for (event, label) in labels.enumerated() { members[label].append(event) }
        let pitch: [Double?] = members.map { cluster in
            let voiced = cluster.filter { features[$0].isVoiced(minimumConfidence: settings.voicedConfidence) }
            guard voiced.count * 2 > cluster.count else { return nil }
            let sorted = voiced.compactMap { features[$0].pitch?.midiPitch }.sorted()
            return sorted[sorted.count / 2]
        }
        let templates = members.map { AttackPatch.mean(of: $0.map { features[$0].patch }) }
        var parent = Array(0..<count)
        func find(_ x: Int) -> Int { parent[x] == x ? x : find(parent[x]) }
        let limit = Self.thresholdFactor * Float(settings.mergeThreshold)
        for a in 0..<count {
            for b in (a + 1)..<count {
                guard let pa = pitch[a], let pb = pitch[b], abs(pa - pb) <= settings.pitchTolerance,
                      let d = templates[a].meanAbsoluteDifference(templates[b]), d <= limit else { continue }
                let (ra, rb) = (find(a), find(b))
                if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
            }
        }
        return denseLabels(labels.map(find))
    }
}
