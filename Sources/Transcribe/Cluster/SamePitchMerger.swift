import Foundation

/// Joins sounds of one pitch whose attacks differ only a little more than the merge threshold allows.
///
/// One instrument at one pitch varies with what sounded before it (the subtracted background leaves a residue), so
/// it can fall into two clusters; a listener hears one sound. Two instruments at one pitch differ far more, above all in
/// their harmonic envelopes (`HarmonicEnvelope`), which the residue of a background moves little.
struct SamePitchMerger {
    /// Sounds of one pitch are joined up to this multiple of the merge threshold.
    static let thresholdFactor: Float = 1.5
    /// …and only while their harmonic envelopes differ by less than this, in dB.
    static let harmonicEnvelopeLimit: Float = 7

    let features: [EventFeatures]
    let envelope: HarmonicEnvelope
    let settings: TranscriptionSettings

    /// Labels with same-pitch neighbours joined, renumbered 0… in order of first appearance.
    func merge(_ labels: [Int]) -> [Int] {
        let count = (labels.max() ?? -1) + 1
        guard count > 1 else { return labels }
        var members = [[Int]](repeating: [], count: count)
        for (event, label) in labels.enumerated() { members[label].append(event) }
        let pitch: [Double?] = members.map { cluster in
            let voiced = cluster.filter { features[$0].isVoiced(minimumConfidence: settings.voicedConfidence) }
            return ClusterPitch.of(voicedPitches: voiced.compactMap { features[$0].pitch?.midiPitch }, memberCount: cluster.count)
        }
        let templates = members.map { AttackPatch.mean(of: $0.map { features[$0].patch }) }
        // A drum's body (a kick's falling sine) has no harmonics to compare: its sounds are compared by attack alone.
        let timbres = members.indices.map { cluster -> AttackPatch? in
            let bodies = members[cluster].count { features[$0].pitchIsDrumBody }
            guard bodies * 2 <= members[cluster].count else { return nil }
            return pitch[cluster].map { envelope.of(templates[cluster], pitchHz: 440 * pow(2, ($0 - 69) / 12)) }
        }
        func harmonicsAgree(_ a: AttackPatch?, _ b: AttackPatch?) -> Bool {
            guard let a, let b else { return true }
            return (a.meanAbsoluteDifference(b) ?? 0) <= Self.harmonicEnvelopeLimit
        }
        var parent = Array(0..<count)
        func find(_ x: Int) -> Int { parent[x] == x ? x : find(parent[x]) }
        let limit = Self.thresholdFactor * Float(settings.mergeThreshold)
        for a in 0..<count {
            for b in (a + 1)..<count {
                guard let pa = pitch[a], let pb = pitch[b], abs(pa - pb) <= settings.pitchTolerance,
                      let d = templates[a].meanAbsoluteDifference(templates[b]), d <= limit,
                      harmonicsAgree(timbres[a], timbres[b]) else { continue }
                let (ra, rb) = (find(a), find(b))
                if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
            }
        }
        return denseLabels(labels.map(find))
    }
}
