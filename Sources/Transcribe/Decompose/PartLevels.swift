/// The loudness of each sound that started at a shared onset.
///
/// An onset's level is measured on everything that started there, so a hat that starts with a kick would be written as
/// loud as the kick. Each part of a shared onset takes instead the usual level of its sound heard alone (the median over
/// the sound's events that had their onset to themselves), never more than the onset's; a sound never heard alone keeps
/// the onset's level.
enum PartLevels {
    /// - Parameters:
    ///   - levels: each event's level, in dB (its onset's).
    ///   - origins: the onset each event came from; events of one onset share it.
    ///   - labels: each event's sound.
    /// - Returns: each event's level, in dB.
    static func levels(_ levels: [Double], origins: [Int], labels: [Int]) -> [Double] {
        var partsOfOrigin: [Int: Int] = [:]
        for origin in origins { partsOfOrigin[origin, default: 0] += 1 }
        let shared = origins.map { partsOfOrigin[$0]! > 1 }
        var aloneLevels: [Int: [Double]] = [:]
        for index in levels.indices where !shared[index] { aloneLevels[labels[index], default: []].append(levels[index]) }
        let usual = aloneLevels.mapValues { values in values.sorted()[values.count / 2] }
        return levels.indices.map { index in
            guard shared[index], let alone = usual[labels[index]] else { return levels[index] }
            return min(levels[index], alone)
        }
    }
}
