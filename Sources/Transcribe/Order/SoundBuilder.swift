import Foundation
import SoundSortCore

/// Turns clustered events into named, ordered sounds and the final `Transcription`.
struct SoundBuilder {
    let events: [DetectedEvent]
    let features: [EventFeatures]
    let labels: [Int]
    let settings: TranscriptionSettings

    func transcription(duration: Double, sampleRate: Double, tempo: Double?) -> Transcription {
        let clusterCount = (labels.max() ?? -1) + 1
        var members = [[Int]](repeating: [], count: clusterCount)
        for (event, label) in labels.enumerated() { members[label].append(event) }

        let templates = members.map(template)
        let summaries = members.indices.map { summarise(members[$0], template: templates[$0]) }
        let order = Seriation.order(count: clusterCount, distance: { a, b in
            // Pitch is not counted: neighbours in pitch should be neighbours.
            Double(templates[a].meanAbsoluteDifference(templates[b]) ?? EventDistance.apart)
        }, precedes: { a, b in
            summaries[a].sortKey.lexicographicallyPrecedes(summaries[b].sortKey)
        })
        var displayIndex = [Int](repeating: 0, count: clusterCount)
        for (position, cluster) in order.enumerated() { displayIndex[cluster] = position }

        var percussiveRank = 0
        let sounds = order.enumerated().map { position, cluster -> Sound in
            let summary = summaries[cluster]
            let midiNote: Int
            var name = String(format: "S%02d %@", position, summary.kind.rawValue)
            if summary.kind == .tonal, let hz = summary.pitchHz {
                midiNote = min(127, max(0, Int((69 + 12 * log2(hz / 440)).rounded())))
                name += " " + Self.noteName(midiNote)
            } else {
                midiNote = min(127, 36 + percussiveRank)
                percussiveRank += 1
            }
            return Sound(id: position, name: name, kind: summary.kind, midiNote: midiNote, pitchHz: summary.pitchHz,
                         exemplar: summary.exemplar)
        }
        let loudest = events.map(\.level).max() ?? 0
        let transcribed = events.enumerated().map { index, event in
            let velocity = 127 + (event.level - loudest) * 127 / settings.velocityRange
            let voiced = features[index].isVoiced(minimumConfidence: settings.voicedConfidence)
            return Event(onset: event.onset, duration: event.end - event.onset, sound: displayIndex[labels[index]],
                         velocity: min(127, max(1, Int(velocity.rounded()))), pitchHz: voiced ? features[index].pitch?.frequency : nil)
        }
        return Transcription(duration: duration, sampleRate: sampleRate, tempo: tempo, sounds: sounds, events: transcribed)
    }

    struct Summary {
        var kind: Sound.Kind
        var pitchHz: Double?
        var exemplar: Int
        /// Percussive first, then by pitch; the exemplar's time breaks ties.
        var sortKey: [Double] { [kind == .percussive ? 0 : 1, pitchHz ?? 0, Double(exemplar)] }
    }

    private func summarise(_ cluster: [Int], template: AttackPatch) -> Summary {
        let voiced = cluster.filter { features[$0].isVoiced(minimumConfidence: settings.voicedConfidence) }
        let tonal = Double(voiced.count) >= settings.tonalShare * Double(cluster.count) && !voiced.isEmpty
        let pitches = voiced.compactMap { features[$0].pitch?.frequency }.sorted()
        // The event most like the sound's mean.
        let exemplar = cluster.min { a, b in
            (features[a].patch.meanAbsoluteDifference(template) ?? .infinity, a) < (features[b].patch.meanAbsoluteDifference(template) ?? .infinity, b)
        }!
        return Summary(kind: tonal ? .tonal : .percussive, pitchHz: tonal ? pitches[pitches.count / 2] : nil, exemplar: exemplar)
    }

    /// The mean attack patch (in dB) of a sound's events.
    private func template(_ cluster: [Int]) -> AttackPatch { AttackPatch.mean(of: cluster.map { features[$0].patch }) }

    static func noteName(_ midiNote: Int) -> String {
        let names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
        return names[midiNote % 12] + "\(midiNote / 12 - 1)"
    }
}
