import ArgumentParser
import Foundation
import MIDIIO
import Render
import SoundSortCore
import Transcribe

/// Options a user may tune; shared by transcribe and bench.
struct AnalysisOptions: ParsableArguments {
    @Option(help: "Onset threshold: how far above its surroundings a change must rise to be an onset, as a fraction of the song's loud changes (0.01…1; lower finds quieter onsets).")
    var onsetThreshold: Double = TranscriptionSettings().onsets.threshold

    @Option(help: "How different two events must be to be kept as two sounds, in dB of attack-spectrum difference (1…40; higher merges more).")
    var mergeThreshold: Double = TranscriptionSettings().mergeThreshold

    @Option(help: "Shortest time between two onsets, in seconds (0.005…2).")
    var minimumGap: Double = TranscriptionSettings().onsets.minimumGap

    var settings: TranscriptionSettings {
        var settings = TranscriptionSettings()
        settings.onsets.threshold = onsetThreshold
        settings.mergeThreshold = mergeThreshold
        settings.onsets.minimumGap = minimumGap
        return settings
    }

    func validate() throws {
        try validateRange("--onset-threshold", onsetThreshold, 0.01...1)
        try validateRange("--merge-threshold", mergeThreshold, 1...40)
        try validateRange("--minimum-gap", minimumGap, 0.005...2)
    }
}

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Finds every sound event, groups them into unique sounds and writes one MIDI track per sound."
    )

    @Argument(help: "The song: any format libsndfile reads (WAV, AIFF, FLAC, OGG, Opus, MP3…).")
    var song: String

    @Option(name: .shortAndLong, help: "The MIDI file to write (default: the song's name with .mid).")
    var output: String?

    @Option(help: "Also write the events and sounds as JSON (times in seconds).")
    var json: String?

    @Option(help: "Also write an Audacity label track (start, end, sound name).")
    var labels: String?

    @Option(help: "Also draw the sounds as a grid picture: .png, .svg or .pdf.")
    var grid: String?

    @Flag(help: "With --grid, draw the song's log-mel spectrogram above the rows.")
    var spectrogram = false

    @Flag(name: .customLong("no-gm-drums"), help: "Write percussive sounds as before drum classes: each on its own channel at note 36 + its rank, not on the General MIDI drum channel (10) at its class's drum note.")
    var noGMDrums = false

    @Option(help: "Write this tempo (beats per minute, 20…400) instead of the song's tempo map; the beats found still place the first bar line.")
    var tempo: Double?

    @Option(help: ArgumentHelp("Snap note starts and ends to this grid from the first bar line: 1/1, 1/2, 1/4, 1/8, 1/16, 1/32 or 1/64 of a 4/4 bar (off by default).",
                               valueName: "1/N"))
    var quantize: String?

    @OptionGroup var analysis: AnalysisOptions

    @OptionGroup var picture: PictureOptions

    func validate() throws {
        if let grid, GridRenderer.format(of: grid) == nil { throw ValidationError("--grid must end in .png, .svg or .pdf, not '\(grid)'") }
        if grid == nil && (picture.from != nil || picture.to != nil || picture.width != nil) {
            throw ValidationError("--from, --to and --width need --grid")
        }
        if spectrogram && grid == nil { throw ValidationError("--spectrogram needs --grid") }
        if let tempo { try validateRange("--tempo", tempo, 20...400, unit: " BPM") }
        if let quantize, Self.gridBeats(quantize) == nil {
            throw ValidationError("--quantize must be 1/1, 1/2, 1/4, 1/8, 1/16, 1/32 or 1/64, not '\(quantize)'")
        }
    }

    /// The grid of `--quantize 1/N` in quarter notes (4/N), for N a power of two up to 64.
    static func gridBeats(_ text: String) -> Double? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "1", let n = Int(parts[1]), [1, 2, 4, 8, 16, 32, 64].contains(n) else { return nil }
        return 4 / Double(n)
    }

    var midiPath: String { output ?? (URL(fileURLWithPath: song).deletingPathExtension().path + ".mid") }

    func run() throws {
        let outputs = [midiPath, json, labels, grid].compactMap { $0 }
        for path in outputs { try refuseOverwritingInputs(path, inputs: [song]) }
        guard Set(outputs).count == outputs.count else { throw ValidationError("two outputs name the same file") }
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1 && ((try? AudioFile(path: song).declaredDuration) ?? 0) > ProgressLine.minimumDuration)
        var settings = analysis.settings
        settings.generalMIDIDrums = !noGMDrums
        settings.imposedTempo = tempo
        let result = try Transcriber(settings: settings).analyse(path: song, keepPicture: spectrogram) { progress.show($0.rawValue, $1) }
        progress.clear()
        let transcription = result.transcription
        try MIDISong(transcription: transcription, drums: noGMDrums ? .channelPerSound : .generalMIDI,
                     quantize: quantize.flatMap(Self.gridBeats)).write(to: midiPath)
        if let json { try writeJSON(transcription, to: json) }
        if let labels { try writeText(AudacityLabels.text(for: transcription), to: labels) }
        if let grid {
            var drawing = GridPicture(transcription: transcription, title: URL(fileURLWithPath: song).lastPathComponent)
            if let reduced = result.picture { drawing.spectrogram = (reduced.values, reduced.bands, reduced.frameDuration) }
            picture.apply(to: &drawing)
            try GridRenderer.render(drawing, to: grid)
        }
        if result.nonFiniteSamples > 0 {
            FileHandle.standardError.write(Data("soundsort: \(song): warning: \(result.nonFiniteSamples) samples were NaN or infinite and were read as the previous sample\n".utf8))
        }
        if transcription.events.isEmpty {
            FileHandle.standardError.write(Data("soundsort: \(song): warning: no sound events found (silent or too quiet); wrote a MIDI file with no notes\n".utf8))
        }
        print("\(transcription.events.count) events, \(transcription.sounds.count) sounds → \(midiPath)")
        let counts = Dictionary(grouping: transcription.events, by: \.sound).mapValues(\.count)
        for sound in transcription.sounds {
            print("  track \(String(sound.id + 1).leftPad(2))  \(sound.name.padding(toLength: 20, withPad: " ", startingAt: 0))\(String(counts[sound.id] ?? 0).leftPad(5)) events")
        }
    }
}

/// Audacity's label track format: start, end (seconds) and text, tab-separated, one label a line.
enum AudacityLabels {
    static func text(for transcription: Transcription) -> String {
        transcription.events.map { event in
            String(format: "%.6f\t%.6f\t%@\n", event.onset, event.offset, transcription.sounds[event.sound].name)
        }.joined()
    }
}

/// One line on standard error that rewrites itself, shown only on a terminal and for inputs long enough to wait for.
final class ProgressLine {
    /// Inputs shorter than this (seconds) finish before a progress line would help.
    static let minimumDuration = 5.0
    private let enabled: Bool
    private var last = ""
    init(enabled: Bool) { self.enabled = enabled }
    func show(_ stage: String, _ fraction: Double) {
        guard enabled else { return }
        let text = "soundsort: \(stage) \(Int(fraction * 100))%"
        guard text != last else { return }
        last = text
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }
    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

func writeText(_ text: String, to path: String) throws {
    do {
        try AtomicOutput.write(Data(text.utf8), to: path)
    } catch {
        throw CommandFailure(path: path, reason: "cannot write: \(error.localizedDescription)")
    }
}
