import Foundation

/// Percussive sounds heard almost only together with notes: most often what is left of the notes' attacks (a hammer's
/// or a pick's noise, a note the decomposition missed), so they are shown beside the instrument they start with.
enum Companions {
    /// A percussive sound starts with notes when at least this share of its events have a tonal event starting…
    static let share = 0.8
    /// …within this many seconds of them.
    static let window = 0.03

    /// For each percussive sound, the tonal sound that most often starts with its events (the first of equals), when
    /// at least `share` of them start with some tonal event; nil otherwise.
    /// - Parameters:
    ///   - percussive: each percussive sound's onsets, in seconds.
    ///   - tonal: each tonal sound's onsets, in seconds.
    /// - Complexity: O((p + t) log t) for p percussive and t tonal events.
    static func partners(percussive: [[Double]], tonal: [[Double]]) -> [Int?] {
        let tonalOnsets = tonal.indices.flatMap { sound in tonal[sound].map { (onset: $0, sound: sound) } }
            .sorted { ($0.onset, $0.sound) < ($1.onset, $1.sound) }
        return percussive.map { onsets in
            guard !onsets.isEmpty else { return nil }
            var together = 0
            var count = [Int: Int]()
            for onset in onsets {
                // The first tonal onset not before the window, by bisection.
                var low = 0, high = tonalOnsets.count
                while low < high {
                    let middle = (low + high) / 2
                    if tonalOnsets[middle].onset < onset - window { low = middle + 1 } else { high = middle }
                }
                var sounds = Set<Int>()
                while low < tonalOnsets.count, tonalOnsets[low].onset <= onset + window {
                    sounds.insert(tonalOnsets[low].sound)
                    low += 1
                }
                for sound in sounds { count[sound, default: 0] += 1 }
                if !sounds.isEmpty { together += 1 }
            }
            guard Double(together) >= share * Double(onsets.count) else { return nil }
            return count.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key
        }
    }

    /// `order` (a seriation of instruments) with the instrument of greatest `weight` first: the path reversed when it
    /// ends there (its neighbours stay its neighbours), else that instrument moved to the front. Unchanged when no
    /// weight is positive.
    static func leading(_ order: [Int], weight: [Int]) -> [Int] {
        guard let first = order.max(by: { (weight[$0], -$0) < (weight[$1], -$1) }), weight[first] > 0,
              order.first != first else { return order }
        if order.last == first { return order.reversed() }
        return [first] + order.filter { $0 != first }
    }
}
