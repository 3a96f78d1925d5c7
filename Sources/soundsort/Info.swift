import ArgumentParser
import Foundation
import MIDIIO
import SoundSortCore
import Transcribe

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describes an audio file (format, rate, channels, duration, levels) or a MIDI file (tracks, notes, tempo)."
    )

    @Argument(help: "An audio file (any format libsndfile reads) or a Standard MIDI File.")
    var file: String

    func run() throws {
        if InputKind(path: file) == .midi {
            describe(try MIDIFile(path: file))
        } else {
            describe(try readAudio(file))
        }
    }

    private func describe(_ midi: MIDIFile) {
        print("file:      \(file)")
        print("type:      Standard MIDI File, format \(midi.format), \(midi.ticksPerQuarter) ticks per quarter note")
        print("duration:  \(formatSeconds(midi.duration))")
        print("notes:     \(midi.notes.notes.count)")
        let tempi = midi.tempoChanges.map { "\(String(format: "%.2f", $0.beatsPerMinute)) BPM at \(formatSeconds($0.time))" }
        print("tempo:     \(tempi.isEmpty ? "none (120 BPM)" : tempi.joined(separator: ", "))")
        print("tracks:    \(midi.tracks.count)")
        for (index, track) in midi.tracks.enumerated() {
            print("  \(String(format: "%3d", index))  \(track.name.isEmpty ? "(no name)" : track.name)  \(track.noteCount) notes")
        }
    }

    private func describe(_ audio: AudioSummary) {
        print("file:      \(file)")
        print("type:      \(audio.container), \(audio.encoding)")
        print("rate:      \(Int(audio.sampleRate)) Hz")
        print("channels:  \(audio.channelCount)")
        print("duration:  \(formatSeconds(audio.duration)) (\(audio.frameCount) frames)")
        print("peak:      \(formatDecibels(audio.peak)) dBFS")
        print("rms:       \(formatDecibels(audio.rms)) dBFS")
        if audio.nonFiniteSamples > 0 { print("warning:   \(audio.nonFiniteSamples) samples were NaN or infinite and were read as 0") }
    }
}

/// Audio figures for `info`, measured over the whole file in one streaming pass.
struct AudioSummary {
    var container: String
    var encoding: String
    var sampleRate: Double
    var channelCount: Int
    var frameCount: Int
    var peak: Float
    var rms: Float
    var nonFiniteSamples: Int
    var duration: Double { Double(frameCount) / sampleRate }
}

func readAudio(_ path: String) throws -> AudioSummary {
    let audio = try AudioFile(path: path)
    var block: [Float] = []
    var frames = 0
    var peak: Float = 0
    var sumOfSquares = 0.0
    while true {
        block.removeAll(keepingCapacity: true)
        let read = try audio.readMono(maxFrames: 65_536, appendingTo: &block)
        if read == 0 { break }
        frames += read
        for sample in block {
            peak = max(peak, abs(sample))
            sumOfSquares += Double(sample * sample)
        }
    }
    if frames == 0 { throw TranscribeError.noAudio(path: path) }
    return AudioSummary(container: audio.containerName, encoding: audio.encodingName, sampleRate: audio.sampleRate,
                        channelCount: audio.channelCount, frameCount: frames, peak: peak,
                        rms: Float((sumOfSquares / Double(frames)).squareRoot()), nonFiniteSamples: audio.nonFiniteSampleCount)
}

/// Whether a path names a MIDI file (by its first bytes, else its extension) or, by default, audio.
enum InputKind {
    case midi, audio

    init(path: String) {
        if let handle = FileHandle(forReadingAtPath: path), let head = try? handle.read(upToCount: 4) {
            try? handle.close()
            if head == Data("MThd".utf8) { self = .midi; return }
        }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        self = ["mid", "midi", "smf", "kar", "rmi"].contains(ext) ? .midi : .audio
    }
}

func formatSeconds(_ seconds: Double) -> String {
    let minutes = Int(seconds) / 60
    return String(format: "%.3f s (%d:%06.3f)", seconds, minutes, seconds - Double(minutes * 60))
}

func formatDecibels(_ amplitude: Float) -> String {
    amplitude > 0 ? String(format: "%.2f", 20 * log10(Double(amplitude))) : "-inf"
}
