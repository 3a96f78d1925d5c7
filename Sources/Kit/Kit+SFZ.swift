import Foundation

extension Kit {
    /// The kit as an SFZ instrument: one region per sound, triggered by exactly its track's channel (`lochan` =
    /// `hichan`, 1…16) and note (`key`, which also makes it the sample's root), its sample in the same folder, played
    /// once (no loop) and released over `Resynthesis.releaseDuration` at note-off, or whole whatever the note's length
    /// for a one-shot voice (`loop_mode=one_shot`). The amplitude curve reaches full
    /// level at the velocity the sample was played with in the song, so the sample sounds there as it did.
    /// - Parameter title: what the kit was made from, for the comment at the top.
    public func sfz(title: String) -> String {
        var lines = [
            "// SoundSort kit of \(title.replacingOccurrences(of: "\n", with: " ")): one region per sound, on its MIDI track's channel and key.",
            "<control>",
            "default_path=./",
            "<global>",
            "loop_mode=no_loop",
            "ampeg_release=\(Resynthesis.releaseDuration)",
        ]
        for voice in voices {
            lines.append("")
            lines.append("// \(voice.name)")
            lines.append("<region>")
            lines.append("sample=\(voice.fileName)")
            lines.append("lochan=\(voice.channel + 1) hichan=\(voice.channel + 1)")
            lines.append("key=\(voice.key)")
            if voice.oneShot { lines.append("loop_mode=one_shot") }
            let velocity = min(max(voice.velocity, 1), 127)
            lines.append(velocity == 127 ? "amp_velcurve_127=1" : "amp_velcurve_\(velocity)=1 amp_velcurve_127=1")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
