import ArgumentParser
import Foundation
import Render
import SoundSortCore
import Transcribe

/// `transcribe SONG... --output-dir DIR`: every song to `DIR/NAME.mid` (and the other outputs asked for), one song
/// per process, `--jobs` at a time, a line per song in the summary; songs already done are skipped.
///
/// Each song runs as `soundsort transcribe SONG -o DIR/NAME.mid …`, the single-song command itself, so a batch
/// gives the same bytes as transcribing each song alone and checks each song's outputs the same way.
struct BatchRun {
    /// Largest `--jobs`: far beyond any machine's cores, low enough that a typo cannot start thousands of processes.
    static let maximumJobs = 1_024
    /// How long an interrupted batch waits for its songs to remove their temporary files before killing them.
    static let interruptGrace: TimeInterval = 10
    /// Signals that stop a batch (the same ones that stop a single song).
    static let stopSignals = [SIGINT, SIGTERM, SIGHUP]
    /// How long a song that ended by a stop signal waits for the batch to stop too (Ctrl-C reaches both at once)
    /// before it counts as a failure (a song stopped alone, by someone else).
    static let stopSignalDelay: TimeInterval = 1

    /// A song's process without a kit, with a margin (the streamed analysis: 73 MB measured for the 3-minute
    /// whole-song case and its 82 sounds), in bytes.
    static let analysisBytes: Int64 = 128 << 20
    /// What a kit adds to a song's process per frame of the song, at most, in bytes: the song (mono at the file's
    /// rate) and its rebuild, 4 bytes a sample each, and the song's array doubling as it is read (old and new
    /// arrays at once: up to 12 bytes a frame), with a margin. Measured: 10 bytes a frame between the 15-second
    /// semitones case (36 MB) and the 3-minute whole-song case (107 MB); `BatchKitTests` checks the bound.
    static let kitBytesPerFrame: Int64 = 16

    let command: TranscribeCommand
    let outputDir: String

    /// What a song's process may hold at its peak, from the frames its header declares: the analysis, and the kit.
    func memoryEstimate(of song: String) -> Int64 {
        guard command.kit != nil else { return Self.analysisBytes }
        let frames = (try? AudioFile(path: song).declaredFrameCount) ?? 0
        return Self.analysisBytes + Self.kitBytesPerFrame * max(frames, 0)
    }

    /// How much memory the songs running at once may hold together: `--memory` or what the system has available now.
    var memoryBudget: Int64 {
        if let megabytes = command.memory { return Int64(megabytes) << 20 }
        return availableMemory() ?? .max
    }

    /// The outputs of a song named `name` (its path inside the output folder, without extension).
    func outputs(named name: String) -> BatchOutputs {
        let base = (outputDir as NSString).appendingPathComponent(name)
        let gridFormat = command.grid.map { GridRenderer.Format(rawValue: $0.lowercased()) ?? .png }
        return BatchOutputs(midi: base + ".mid", json: command.json.map { _ in base + ".json" },
                            labels: command.labels.map { _ in base + ".txt" },
                            grid: gridFormat.map { base + "." + $0.rawValue }, gridFormat: gridFormat,
                            kit: command.kit.map { _ in base + BatchOutputs.kitSuffix })
    }

    var summaryPath: String {
        (outputDir as NSString).appendingPathComponent(command.shard.flatMap(Shard.init)?.summaryName ?? "summary.jsonl")
    }

    /// What the batch will do with each song of this shard.
    enum Plan {
        case transcribe
        case upToDate
        /// Another song (sorted first) already has this song's output name.
        case nameTaken(by: String)
    }

    func run() throws {
        let (allSongs, warnings) = try BatchInputs.collect(arguments: command.songs, list: command.fromList, outputDir: outputDir)
        for warning in warnings { FileHandle.standardError.write(Data("soundsort: \(warning)\n".utf8)) }
        guard !allSongs.isEmpty else { throw CommandFailure(path: command.fromList ?? command.songs.joined(separator: ", "), reason: "no songs to transcribe") }
        // Names are given over every song, before sharding, so that every shard agrees on who owns a name.
        var owner: [String: String] = [:]
        var plans: [(song: BatchSong, plan: Plan)] = []
        let shard = command.shard.flatMap(Shard.init)
        for (position, song) in allSongs.enumerated() {
            let taken = owner[song.name]
            if taken == nil { owner[song.name] = song.input }
            guard shard?.takes(position: position) ?? true else { continue }
            if let taken {
                plans.append((song, .nameTaken(by: taken)))
            } else {
                plans.append((song, isUpToDate(input: song.input, outputs: outputs(named: song.name)) ? .upToDate : .transcribe))
            }
        }
        if command.dryRun { return printPlan(plans) }
        try prepareOutputFolder()
        try runPlans(plans)
    }

    /// `--dry-run`: one line per song of this shard, then the counts.
    private func printPlan(_ plans: [(song: BatchSong, plan: Plan)]) {
        var counts = (transcribe: 0, upToDate: 0, taken: 0)
        for (song, plan) in plans {
            switch plan {
            case .transcribe:
                counts.transcribe += 1
                print("transcribe  \(song.input) → \(outputs(named: song.name).midi)")
            case .upToDate:
                counts.upToDate += 1
                print("up to date  \(song.input)")
            case let .nameTaken(other):
                counts.taken += 1
                print("name taken  \(song.input) (\(outputs(named: song.name).midi) is \(other)'s)")
            }
        }
        print("\(songCount(plans.count)): \(counts.transcribe) to transcribe, \(counts.upToDate) up to date, \(counts.taken) name taken")
    }

    /// Makes the output folder when missing (its parent must exist: a mistyped parent is more likely a typo than a
    /// wish), and checks that it takes new files and that the summary can be written, before any song starts.
    private func prepareOutputFolder() throws {
        if mkdir(outputDir, 0o755) != 0, case let code = errno, code != EEXIST {
            throw CommandFailure(path: outputDir, reason: "cannot make the output folder: \(WriteProblem(errno: code, folder: AtomicOutput.folder(of: outputDir)))")
        }
        try checkOutput(PlannedOutput(path: summaryPath, kind: .json), inputs: [], force: command.force)
    }

    /// Runs the songs to transcribe, records every song, rewrites the summary, prints the counts; exits with status 1
    /// when a song failed.
    private func runPlans(_ plans: [(song: BatchSong, plan: Plan)]) throws {
        let log = SummaryLog(path: summaryPath)
        var records = SummaryLog.read(summaryPath)
        var counts = (transcribed: 0, upToDate: 0, failed: 0)
        let pool = SongPool(total: plans.count, log: log, outputDir: outputDir, memoryBudget: memoryBudget)
        var queue: [BatchJob] = []
        for (song, plan) in plans {
            let outputs = outputs(named: song.name)
            switch plan {
            case .transcribe:
                queue.append(BatchJob(song: song, outputs: outputs, arguments: childArguments(song, outputs),
                                      memoryBytes: memoryEstimate(of: song.input)))
            case .upToDate:
                counts.upToDate += 1
                pool.countUpToDate()
                if records[resolvedPath(song.input)]?.status != .ok {
                    records[resolvedPath(song.input)] = .upToDate(input: song.input, outputs: outputs.paths)
                }
            case let .nameTaken(other):
                counts.failed += 1
                let record = SummaryRecord(input: song.input, outputs: [], status: .failed,
                                           error: "\(song.input): its outputs would be \(outputs.midi), already those of \(other) (rename one of them)")
                try pool.record(record)
                records[resolvedPath(song.input)] = record
            }
        }
        // Largest files first: the last song to start is then a short one, so no core idles long at the end while
        // another finishes a long song (longest-processing-time-first scheduling; file size stands for length).
        queue = queue.map { ($0, fileSize($0.song.input)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.song.input < $1.0.song.input }.map(\.0)
        let jobs = min(command.jobs ?? ProcessInfo.processInfo.activeProcessorCount, max(queue.count, 1))
        for record in try pool.run(queue, jobs: jobs) {
            records[resolvedPath(record.input)] = record
            if record.status == .ok { counts.transcribed += 1 } else { counts.failed += 1 }
        }
        try log.rewrite(Array(records.values))
        print("\(songCount(plans.count)): \(counts.transcribed) transcribed, \(counts.upToDate) up to date, \(counts.failed) failed; summary in \(summaryPath)")
        if counts.failed > 0 { throw ExitCode(SoundSort.failureStatus) }
    }

    /// The command line of one song's process: the single-song command with this batch's options.
    private func childArguments(_ song: BatchSong, _ outputs: BatchOutputs) -> [String] {
        var arguments = ["transcribe", "--output=\(outputs.midi)"]
        if let json = outputs.json { arguments.append("--json=\(json)") }
        if let labels = outputs.labels { arguments.append("--labels=\(labels)") }
        if let grid = outputs.grid { arguments.append("--grid=\(grid)") }
        if let kit = outputs.kit { arguments.append("--kit=\(kit)") }
        if command.spectrogram { arguments.append("--spectrogram") }
        if command.force { arguments.append("--force") }
        if command.noGMDrums { arguments.append("--no-gm-drums") }
        if let tempo = command.tempo { arguments.append("--tempo=\(tempo)") }
        if let quantize = command.quantize { arguments.append("--quantize=\(quantize)") }
        let picture = command.picture
        if let from = picture.from { arguments.append("--from=\(from)") }
        if let to = picture.to { arguments.append("--to=\(to)") }
        if let width = picture.width { arguments.append("--width=\(width)") }
        let analysis = command.analysis
        arguments += ["--onset-threshold=\(analysis.onsetThreshold)", "--merge-threshold=\(analysis.mergeThreshold)",
                      "--minimum-gap=\(analysis.minimumGap)", "--batch-report", "--", song.input]
        return arguments
    }
}

/// The memory the system can give without swapping (`MemAvailable` of /proc/meminfo), in bytes; nil when unknown.
func availableMemory() -> Int64? {
    guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
        let fields = line.split(separator: " ")
        if fields.count >= 2, let kilobytes = Int64(fields[1]) { return kilobytes * 1_024 }
    }
    return nil
}

/// Size of a file in bytes; 0 when it cannot be read (the song then fails and says why).
func fileSize(_ path: String) -> Int64 {
    var info = stat()
    return stat(path, &info) == 0 ? Int64(info.st_size) : 0
}

/// "1 song", "3 songs".
func songCount(_ count: Int) -> String { count == 1 ? "1 song" : "\(count) songs" }
