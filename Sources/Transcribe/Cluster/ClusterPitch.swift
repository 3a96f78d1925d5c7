/// The pitch of a group of events (a first-pass cluster), the one rule every stage uses: the median MIDI pitch of its
/// clearly pitched events, when they are at least half of it; else it has none.
///
/// (A sound's *kind*, tonal or percussive, is another question, answered with fairly clear pitches too:
/// `SoundBuilder.summarise`.)
enum ClusterPitch {
    /// - Parameters:
    ///   - voicedPitches: the MIDI pitches of the group's clearly pitched events.
    ///   - memberCount: how many events the group holds.
    static func of(voicedPitches: [Double], memberCount: Int) -> Double? {
        guard !voicedPitches.isEmpty, voicedPitches.count * 2 >= memberCount else { return nil }
        let sorted = voicedPitches.sorted()
        return sorted[sorted.count / 2]
    }
}
