import Foundation
import Kit
import MIDIIO
import SoundSortCore
import Transcribe

/// What `transcribe --kit` adds: the kit, the rebuilt song and how far it is from the song.
struct KitResult {
    var kit: Kit
    var resynthesis: [Float]
    var error: ResynthesisError

    /// Gives every track off the drum channel a program change of its own channel number (channel 1 → program 0,
    /// channel 2 → program 1…), so that the SoundFont's preset of that program plays it; the drum channel keeps none
    /// (General MIDI players play it from bank 128). Without `--kit` tonal tracks carry program 0, as before.
    static func assignPrograms(_ song: inout MIDISong) {
        for index in song.tracks.indices where song.tracks[index].channel != MIDISong.drumChannel {
            song.tracks[index].program = song.tracks[index].channel
        }
    }

    /// Cuts each sound's sample from the song (read again, mono, at the file's own rate) and rebuilds the song from
    /// the MIDI song's notes (track n is sound n).
    init(song path: String, transcription: Transcription, midi: MIDISong, decibelsPerVelocity: Double) throws {
        let file = try AudioFile(path: path)
        let audio = try file.readAllMono()
        let triggers = midi.tracks.map { track in
            Kit.Trigger(channel: track.channel, key: track.notes.first?.pitch ?? 60, program: track.program)
        }
        kit = Kit(transcription: transcription, audio: audio, sampleRate: file.sampleRate, triggers: triggers,
                  decibelsPerVelocity: decibelsPerVelocity)
        let notes = midi.tracks.enumerated().flatMap { voice, track in
            track.notes.map { Resynthesis.Note(voice: voice, onset: $0.onset, offset: $0.offset, velocity: $0.velocity) }
        }
        resynthesis = Resynthesis.render(notes, kit: kit, frameCount: audio.count)
        error = try ResynthesisError(song: audio, rebuild: resynthesis, sampleRate: file.sampleRate)
    }

    /// The kit folder as a member of the output set.
    func output(to folder: String, title: String) -> PendingOutput {
        PendingOutput(folder: folder) { [kit, resynthesis] pending in
            try kit.write(to: pending.file, title: title, resynthesis: resynthesis)
        }
    }

    /// The error as printed: overall, then each second.
    var summary: String {
        let seconds = error.perSecondDecibels.map { String(format: "%.1f", $0) }.joined(separator: " ")
        return String(format: "re-synthesis error %.2f dB (log-mel distance, song against the rebuild); per second: ", error.decibels) + seconds
    }
}

/// The transcription's JSON with the re-synthesis error beside its keys (`resynthesisError`).
struct TranscriptionWithResynthesis: Encodable {
    var transcription: Transcription
    var resynthesisError: ResynthesisError

    private enum Keys: String, CodingKey { case resynthesisError }

    func encode(to encoder: Encoder) throws {
        try transcription.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(resynthesisError, forKey: .resynthesisError)
    }
}

/// Checks a folder output (`--kit DIR`) before any audio is read: it neither is nor holds an input; an existing file
/// or folder there is replaced only with `force` (the folder is written as a whole), and a folder only when it is
/// empty or a kit (holds `kit.sfz` or `kit.sf2`): a mistyped `--kit ~/music --force` must not delete a collection;
/// its parent takes new files.
/// - Throws: `CommandFailure` naming the folder and the cause.
func checkFolderOutput(_ path: String, inputs: [String], force: Bool) throws {
    let target = resolvedPath(path)
    for input in inputs where resolvedPath(input) == target || resolvedPath(input).hasPrefix(target + "/") {
        throw CommandFailure(path: path, reason: "holds an input file (\(input)); refusing to replace it")
    }
    var info = stat()
    if lstat(path, &info) == 0 {
        let isFolder = info.st_mode & S_IFMT == S_IFDIR
        if !force {
            throw CommandFailure(path: path, reason: "\(isFolder ? "exists" : "exists and is not a folder"); refusing to replace it (--force replaces it)")
        }
        let contents = isFolder ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []) : []
        if isFolder, !contents.isEmpty, !contents.contains(Kit.sfzName), !contents.contains(Kit.soundFontName) {
            throw CommandFailure(path: path, reason: "is a folder that holds no kit (no \(Kit.sfzName) or \(Kit.soundFontName)); refusing to replace it even with --force")
        }
    }
    do { try AtomicOutput.checkWritable(path, replacingFolder: true) } catch {
        throw CommandFailure(path: path, reason: "cannot write: \(error.problem)")
    }
}
