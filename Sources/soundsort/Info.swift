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
        print("peak:      \(formatDecibels(audio.peak)) dBFS\(perChannel(audio.channelPeaks))")
        print("rms:       \(formatDecibels(audio.rms)) dBFS\(perChannel(audio.channelRMS))")
        if audio.invalidSamples > 0 {
            print("warning:   \(audio.invalidSamples) samples were NaN, infinite or over 120 dB above full scale and were read as the channel's previous sample")
        }
    }

    /// " (per channel: a, b, …)" in dBFS when the file has several channels.
    private func perChannel(_ levels: [Float]) -> String {
        levels.count > 1 ? " (per channel: \(levels.map(formatDecibels).joined(separator: ", ")))" : ""
    }
}

/// Audio figures for `info`, measured over the whole file in one streaming pass, channel by channel: a mono mix
/// would hide a channel's peak, and cancel channels in opposite phase.
struct AudioSummary {
    var container: String
    var encoding: String
    var sampleRate: Double
    var channelCount: Int
    var frameCount: Int
    /// The largest absolute sample of each channel.
    var channelPeaks: [Float]
    /// The root mean square of each channel.
    var channelRMS: [Float]
    var invalidSamples: Int
    var duration: Double { Double(frameCount) / sampleRate }
    /// The file's peak: the largest sample of any channel.
    var peak: Float { channelPeaks.max() ?? 0 }
    /// The RMS over every sample of every channel.
    var rms: Float { (channelRMS.reduce(0) { $0 + $1 * $1 } / Float(max(1, channelRMS.count))).squareRoot() }
}

/// Frames `info` reads at a time: those the analysis decodes at a time.
private let infoBlockFrames = FrameStream.blockFrames

func readAudio(_ path: String) throws -> AudioSummary {
    let audio = try AudioFile(path: path)
    let channels = audio.channelCount
    var block: [Float] = []
    var frames = 0
    var peaks = [Float](repeating: 0, count: channels)
    var sumsOfSquares = [Double](repeating: 0, count: channels)
    while true {
        block.removeAll(keepingCapacity: true)
        let read = try audio.read(maxFrames: infoBlockFrames, appendingTo: &block)
        if read == 0 { break }
        frames += read
        for frame in 0..<read {
            for channel in 0..<channels {
                let sample = block[frame * channels + channel]
                peaks[channel] = max(peaks[channel], abs(sample))
                sumsOfSquares[channel] += Double(sample) * Double(sample)
            }
        }
    }
    if frames == 0 { throw TranscribeError.noAudio(path: path) }
    return AudioSummary(container: audio.containerName, encoding: audio.encodingName, sampleRate: audio.sampleRate,
                        channelCount: channels, frameCount: frames, channelPeaks: peaks,
                        channelRMS: sumsOfSquares.map { Float(($0 / Double(frames)).squareRoot()) },
                        invalidSamples: audio.invalidSampleCount)
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
