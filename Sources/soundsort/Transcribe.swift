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
        abstract: "Finds every sound event, groups them into unique sounds and writes one MIDI track per sound.",
        discussion: """
        One song: `transcribe SONG [-o SONG.mid] [--json FILE] [--labels FILE] [--grid FILE]`. Every output is \
        checked before the audio is read, and all are written at the end, all or none.

        Many songs: `transcribe SONG|FOLDER... [--from-list FILE] --output-dir DIR [--json] [--labels] [--grid [png|svg|pdf]] [--kit]` \
        writes DIR/NAME.mid (and NAME.json, NAME.txt, NAME.png, the kit folder NAME.kit) for every audio file given or found in the folders \
        (a folder's subfolders are kept as subfolders of DIR), one song per process, --jobs at a time, and a line per \
        song in DIR/summary.jsonl. Run again, it skips the songs whose outputs are complete and newer than the song. \
        --shard K/N takes every N-th song from the K-th, in sorted order, for a scheduler's array job.
        """
    )

    @Argument(help: ArgumentHelp("The song: any format libsndfile reads (WAV, AIFF, FLAC, OGG, Opus, MP3…); with --output-dir, any number of songs and folders of songs.",
                                 valueName: "song"))
    var songs: [String] = []

    @Option(name: .shortAndLong, help: "The MIDI file to write, .mid or .midi (default: the song's name with .mid).")
    var output: String?

    @Option(help: "Also write the events and sounds as JSON (times in seconds); with --output-dir, no value: DIR/NAME.json.")
    var json: String?

    @Option(help: "Also write an Audacity label track (start, end, sound name); with --output-dir, no value: DIR/NAME.txt.")
    var labels: String?

    @Option(help: "Also draw the sounds as a grid picture: .png, .svg or .pdf; with --output-dir, no value (PNG) or the format: DIR/NAME.png.")
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

    @Option(help: ArgumentHelp("Also write the sounds themselves into this new folder: one WAV per sound (named after its track), kit.sfz, kit.sf2 and resynthesis.wav (the song rebuilt from the MIDI and the samples); tracks then carry a program change each, for the SoundFont. With --output-dir, no value: each song's kit goes to DIR/NAME.kit.",
                               valueName: "dir"))
    var kit: String?

    @Flag(help: "Replace an existing output even when it is not a file SoundSort would write (an MP3 given as -o, a text file as --grid…).")
    var force = false

    @Option(help: ArgumentHelp("Transcribe many songs: each song's outputs go to this folder as NAME.mid, NAME.json…, with summary.jsonl (made if missing; its parent must exist).",
                               valueName: "dir"))
    var outputDir: String?

    @Option(help: ArgumentHelp("With --output-dir: also read songs (files or folders) from this file, one path a line (relative to the current folder; blank lines and lines starting with # are skipped).",
                               valueName: "file"))
    var fromList: String?

    @Option(help: "With --output-dir: songs transcribed at once, each in its own process (default: every core).")
    var jobs: Int?

    @Option(help: ArgumentHelp("With --output-dir: take only every N-th song from the K-th (1…N), songs sorted by path, for one task of an array job.",
                               valueName: "K/N"))
    var shard: String?

    @Option(help: ArgumentHelp("With --output-dir: memory the songs running at once may take together, in MB (default: what the system has available when the batch starts); a song's share is estimated from its length (a kit holds the whole song), and a song larger than this runs alone.",
                               valueName: "MB"))
    var memory: Int?

    @Flag(help: "With --output-dir: list each song of this shard and whether it would be transcribed or skipped as up to date; transcribe nothing.")
    var dryRun = false

    /// Set by a batch for each song it runs: one JSON line on standard output instead of the list of sounds.
    @Flag(help: .hidden)
    var batchReport = false

    @OptionGroup var analysis: AnalysisOptions

    @OptionGroup var picture: PictureOptions

    /// MIDI file name extensions `-o` accepts (any case).
    static let midiExtensions = ["mid", "midi"]

    func validate() throws {
        if spectrogram && grid == nil { throw ValidationError("--spectrogram needs --grid") }
        if grid == nil && (picture.from != nil || picture.to != nil || picture.width != nil) {
            throw ValidationError("--from, --to and --width need --grid")
        }
        if let tempo { try validateRange("--tempo", tempo, 20...400, unit: " BPM") }
        if let quantize, Self.gridBeats(quantize) == nil {
            throw ValidationError("--quantize must be 1/1, 1/2, 1/4, 1/8, 1/16, 1/32 or 1/64, not '\(quantize)'")
        }
        if outputDir != nil {
            try validateBatch()
        } else {
            try validateSingle()
        }
    }

    /// The grid of `--quantize 1/N` in quarter notes (4/N), for N a power of two up to 64.
    static func gridBeats(_ text: String) -> Double? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "1", let n = Int(parts[1]), [1, 2, 4, 8, 16, 32, 64].contains(n) else { return nil }
        return 4 / Double(n)
    }

    private func validateSingle() throws {
        for (flag, given) in [("--from-list", fromList != nil), ("--jobs", jobs != nil), ("--shard", shard != nil), ("--dry-run", dryRun),
                              ("--memory", memory != nil)] where given {
            throw ValidationError("\(flag) is for many songs: it needs --output-dir DIR")
        }
        guard let song = songs.first else { throw ValidationError("give the song to transcribe (or several songs with --output-dir DIR)") }
        guard songs.count == 1 else {
            throw ValidationError("\(songs.count) songs given: several songs need --output-dir DIR (each song's outputs go there)")
        }
        if let output, !Self.midiExtensions.contains(URL(fileURLWithPath: output).pathExtension.lowercased()) {
            throw ValidationError("-o must name a .mid or .midi file, not '\(output)'")
        }
        for (flag, value) in [("--json", json), ("--labels", labels), ("--grid", grid)] where value == BareOutputOptions.bareValue {
            throw ValidationError("\(flag) needs a file name (or --output-dir DIR for one per song)")
        }
        if kit == BareOutputOptions.bareValue { throw ValidationError("--kit needs a folder name (or --output-dir DIR for one per song)") }
        if let grid, GridRenderer.format(of: grid) == nil { throw ValidationError("--grid must end in .png, .svg or .pdf, not '\(grid)'") }
        if kit?.isEmpty == true { throw ValidationError("--kit needs a folder name") }
        // Two outputs of one file would overwrite each other; compared after resolving links and `..`.
        let named = [("-o", output ?? defaultMIDIPath(for: song)), ("--json", json), ("--labels", labels), ("--grid", grid), ("--kit", kit)]
            .compactMap { flag, path in path.map { (flag, $0, resolvedPath($0)) } }
        if let kit {
            // The kit folder is written as a whole: nothing else may go inside it.
            let folder = resolvedPath(kit) + "/"
            if let inside = named.first(where: { $0.2.hasPrefix(folder) }) {
                throw ValidationError("\(inside.0) (\(inside.1)) lies inside the --kit folder, which is written as a whole")
            }
        }
        for (index, first) in named.enumerated() {
            if let second = named[(index + 1)...].first(where: { $0.2 == first.2 }) {
                let firstName = first.0 == "-o" && output == nil ? "the MIDI file (\(first.1))" : first.0
                throw ValidationError("\(firstName) and \(second.0) name the same file: \(second.1)")
            }
        }
    }

    private func validateBatch() throws {
        if output != nil { throw ValidationError("-o names one song's MIDI file; with --output-dir each song's is DIR/NAME.mid") }
        if songs.isEmpty && fromList == nil { throw ValidationError("give the songs (files or folders) or --from-list FILE") }
        if let kit, kit != BareOutputOptions.bareValue {
            throw ValidationError("with --output-dir, --kit takes no folder name (each song's kit goes to DIR/NAME.kit), not '\(kit)'")
        }
        for (flag, value) in [("--json", json), ("--labels", labels)] {
            if let value, value != BareOutputOptions.bareValue {
                throw ValidationError("with --output-dir, \(flag) takes no file name (each song's goes to DIR), not '\(value)'")
            }
        }
        if let grid, grid != BareOutputOptions.bareValue, GridRenderer.Format(rawValue: grid.lowercased()) == nil {
            throw ValidationError("with --output-dir, --grid takes no value or a format (png, svg or pdf), not '\(grid)'")
        }
        if let jobs, !(1...BatchRun.maximumJobs).contains(jobs) {
            throw ValidationError("--jobs must be between 1 and \(BatchRun.maximumJobs), not \(jobs)")
        }
        if let memory, !(1...(1 << 30)).contains(memory) { throw ValidationError("--memory must be between 1 and \(1 << 30) MB, not \(memory)") }
        if let shard, Shard(shard) == nil { throw ValidationError("--shard must be K/N with 1 ≤ K ≤ N (e.g. 2/4), not '\(shard)'") }
    }

    /// The MIDI file written when `-o` is not given: the song's path with `.mid`.
    func defaultMIDIPath(for song: String) -> String { URL(fileURLWithPath: song).deletingPathExtension().path + ".mid" }

    func run() throws {
        if let outputDir {
            try BatchRun(command: self, outputDir: outputDir).run()
        } else {
            try transcribeOne(songs[0])
        }
    }

    /// One song: input and outputs checked, the analysis, then every output written at once, all or none.
    private func transcribeOne(_ song: String) throws {
        let midiPath = output ?? defaultMIDIPath(for: song)
        if FileManager.default.fileExists(atPath: song) {
            if InputKind(path: song) == .midi { throw CommandFailure(path: song, reason: "not an audio file (it is a MIDI file)") }
        } else {
            // The reader's own words for a missing file, before an output check could misname the problem.
            _ = try AudioFile(path: song)
        }
        var planned = [PlannedOutput(path: midiPath, kind: .midi)]
        if let json { planned.append(PlannedOutput(path: json, kind: .json)) }
        if let labels { planned.append(PlannedOutput(path: labels, kind: .labels)) }
        if let grid, let format = GridRenderer.format(of: grid) { planned.append(PlannedOutput(path: grid, kind: .picture(format))) }
        for output in planned { try checkOutput(output, inputs: [song], force: force) }
        if let kit { try checkFolderOutput(kit, inputs: [song], force: force) }

        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1 && ((try? AudioFile(path: song).declaredDuration) ?? 0) > ProgressLine.minimumDuration)
        var settings = analysis.settings
        settings.generalMIDIDrums = !noGMDrums
        settings.imposedTempo = tempo
        let result = try Transcriber(settings: settings).analyse(path: song, keepPicture: spectrogram) { progress.show($0.rawValue, $1) }
        progress.clear()
        let transcription = result.transcription

        let drums: MIDISong.DrumLayout = noGMDrums ? .channelPerSound : .generalMIDI
        let quantizeGrid = quantize.flatMap(Self.gridBeats)
        var midi = MIDISong(transcription: transcription, drums: drums, quantize: quantizeGrid)
        var kitResult: KitResult?
        if kit != nil {
            KitResult.assignPrograms(&midi)
            kitResult = try KitResult(song: song, transcription: transcription, midi: midi, decibelsPerVelocity: settings.velocityRange / 127)
        }
        var outputs = [PendingOutput(path: midiPath) { [midi] temporary in try midi.write(to: temporary) }]
        if let json {
            let data = try kitResult.map { try jsonData(TranscriptionWithResynthesis(transcription: transcription, resynthesisError: $0.error), for: json) }
                ?? jsonData(transcription, for: json)
            outputs.append(dataOutput(data, to: json))
        }
        if let labels { outputs.append(dataOutput(Data(AudacityLabels.text(for: transcription).utf8), to: labels)) }
        if let gridPath = grid, let format = GridRenderer.format(of: gridPath) {
            var drawing = GridPicture(transcription: transcription, title: URL(fileURLWithPath: song).lastPathComponent)
            if let reduced = result.picture { drawing.spectrogram = (reduced.values, reduced.bands, reduced.frameDuration) }
            drawing.resynthesisError = kitResult?.error.perSecondDecibels
            picture.apply(to: &drawing)
            outputs.append(PendingOutput(path: gridPath) { [drawing] temporary in try GridRenderer.render(drawing, to: temporary, format: format) })
        }
        if let kit, let kitResult { outputs.append(kitResult.output(to: kit, title: URL(fileURLWithPath: song).lastPathComponent)) }
        try writeOutputs(outputs)

        if result.invalidSamples > 0 {
            FileHandle.standardError.write(Data("soundsort: \(song): warning: \(result.invalidSamples) samples were NaN, infinite or over 120 dB above full scale and were read as the previous sample\n".utf8))
        }
        if transcription.events.isEmpty {
            FileHandle.standardError.write(Data("soundsort: \(song): warning: no sound events found (silent or too quiet); wrote a MIDI file with no notes\n".utf8))
        }
        if batchReport {
            let report = SongReport(events: transcription.events.count, sounds: transcription.sounds.count, audioSeconds: transcription.duration,
                                    resynthesisDecibels: kitResult?.error.decibels)
            print(String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
            return
        }
        print("\(transcription.events.count) events, \(transcription.sounds.count) sounds → \(midiPath)")
        let counts = Dictionary(grouping: transcription.events, by: \.sound).mapValues(\.count)
        for sound in transcription.sounds {
            let name = sound.name.padding(toLength: 20, withPad: " ", startingAt: 0)
            let instrument = transcription.instrumentName(sound.instrument).padding(toLength: 14, withPad: " ", startingAt: 0)
            print("  track \(String(sound.id + 1).leftPad(2))  \(name)\(instrument)\(String(counts[sound.id] ?? 0).leftPad(5)) events")
        }
        if let kit, let kitResult { print("kit of \(kitResult.kit.voices.count) sounds → \(kit); \(kitResult.summary)") }
    }
}

/// What one song of a batch reports to the batch, as one JSON line on standard output.
struct SongReport: Codable {
    var events: Int
    var sounds: Int
    /// Length of the analysed audio, in seconds.
    var audioSeconds: Double
    /// With `--kit`: the re-synthesis error over the whole song, in dB.
    var resynthesisDecibels: Double?
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
