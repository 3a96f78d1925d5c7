extension Transcription {
    /// The name of instrument `instrument` (a `Sound.instrument`) as the picture and the track list show it: "kit" for
    /// one made of percussive sounds, else "instrument N", numbered from 1 in display order (the JSON's `instrument`
    /// counts from 0).
    public func instrumentName(_ instrument: Int) -> String {
        let members = sounds.lazy.filter { $0.instrument == instrument }
        return !members.isEmpty && members.allSatisfy { $0.kind == .percussive } ? "kit" : "instrument \(instrument + 1)"
    }
}
