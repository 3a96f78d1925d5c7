import Foundation
import SoundSortCore

/// One song to run: where its outputs go and the command line of its process.
struct BatchJob {
    var song: BatchSong
    var outputs: BatchOutputs
    var arguments: [String]
    /// Memory the song's process holds beyond the streamed analysis (its kit: the whole song, twice), in bytes.
    var memoryBytes: Int64 = 0
}

/// Runs the songs of a batch in child processes, `jobs` at a time, and records each one as it ends.
///
/// Worker threads each start one child and wait for it. Stop signals are blocked in every thread and taken by one
/// thread with `sigwait`, so that stopping is ordinary code (locks, waits) and not a signal handler: it stops
/// starting songs, sends SIGTERM to the running ones (each removes its own temporary files, as a single song does),
/// waits for them, and exits. A song that was not recorded is simply run again by the next run.
final class SongPool: @unchecked Sendable {
    private let condition = NSCondition()
    /// Songs not started yet, in the order they should start.
    private var queue: [BatchJob] = []
    /// Songs taken by a worker and not ended, and the memory they hold together (`BatchJob.memoryBytes`).
    private var admitted = (count: 0, bytes: Int64(0))
    /// How much memory the songs running at once may hold together (`BatchJob.memoryBytes`); one song always runs.
    private let memoryBudget: Int64
    private var running: Set<pid_t> = []
    private var stopping = false
    private var activeWorkers = 0
    private var finished: [SummaryRecord] = []
    private var recordFailure: Error?
    private var progress: BatchProgress
    private let log: SummaryLog
    private let outputDir: String

    init(total: Int, log: SummaryLog, outputDir: String, memoryBudget: Int64 = .max) {
        progress = BatchProgress(total: total, enabled: isatty(STDERR_FILENO) == 1)
        self.log = log
        self.outputDir = outputDir
        self.memoryBudget = memoryBudget
    }

    /// Counts a song found up to date as done.
    func countUpToDate() { condition.withLock { progress.skipped += 1 } }

    /// Appends `record` to the summary, says on standard error why it failed if it did, and moves the progress on.
    func record(_ record: SummaryRecord, messages: [String] = []) throws {
        try condition.withLock {
            try log.append(record)
            var lines = messages
            if record.status == .failed, let error = record.error, !messages.contains("soundsort: \(error)") {
                lines.append("soundsort: \(error)")
            }
            progress.finish(failed: record.status == .failed, transcribed: record.seconds != nil, messages: lines)
        }
    }

    /// Runs `songs`, `jobs` at a time; returns their records in the order they ended. Does not return when a stop
    /// signal arrives: the process exits (status 128 + signal).
    func run(_ songs: [BatchJob], jobs: Int) throws -> [SummaryRecord] {
        guard !songs.isEmpty else { return [] }
        queue = songs
        let executable = ownExecutablePath()
        let environment = Self.childEnvironment()
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in BatchRun.stopSignals { sigaddset(&signals, number) }
        // Blocked here, before any thread starts, so that every thread inherits the mask and only `sigwait` sees them.
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let waited = signals
        let waiter = Thread { [self] in
            var set = waited, received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            stop(signal: received)
        }
        waiter.start()
        condition.withLock {
            progress.show()
            activeWorkers = jobs
        }
        for _ in 0..<jobs {
            Thread { [self] in work(executable: executable, environment: environment) }.start()
        }
        condition.lock()
        // Once stopping, the stopping thread ends the process (status 128 + signal) when the songs have cleaned up;
        // returning would race it and finish as a completed batch.
        while activeWorkers > 0 || stopping { condition.wait() }
        condition.unlock()
        progress.clear()
        if let recordFailure { throw recordFailure }
        return finished
    }

    /// The next song a worker may start: the first in the queue whose memory fits beside the songs running (any
    /// song when none runs, so that a song larger than the budget still runs, alone). Waits while none fits; nil
    /// once the queue is empty or the batch stops. Called under the lock.
    private func admitNext() -> BatchJob? {
        while !stopping && !queue.isEmpty {
            let free = memoryBudget - admitted.bytes
            if let index = queue.firstIndex(where: { admitted.count == 0 || $0.memoryBytes <= free }) {
                let job = queue.remove(at: index)
                admitted.count += 1
                admitted.bytes += job.memoryBytes
                return job
            }
            condition.wait()
        }
        return nil
    }

    /// One worker: takes the next song, runs it, records it, until none is left or the batch stops.
    private func work(executable: String, environment: [String]) {
        defer { condition.withLock { activeWorkers -= 1; condition.broadcast() } }
        while let job = condition.withLock({ admitNext() }) {
            let carryOn = run(job, executable: executable, environment: environment)
            condition.withLock {
                admitted.count -= 1
                admitted.bytes -= job.memoryBytes
                condition.broadcast()
            }
            if !carryOn { return }
        }
    }

    /// Runs one song and records it; false when the batch is stopping and the worker should end.
    private func run(_ job: BatchJob, executable: String, environment: [String]) -> Bool {
        let (song, outputs) = (job.song, job.outputs)
        let start = Date()
        var record: SummaryRecord
        var messages: [String] = []
        do {
            try FileManager.default.createDirectory(atPath: AtomicOutput.folder(of: outputs.midi), withIntermediateDirectories: true)
        } catch {
            record = SummaryRecord(input: song.input, outputs: [], status: .failed,
                                   error: "\(outputs.midi): cannot make its folder: \(briefDescription(of: error))")
            remember(record, messages: [])
            return true
        }
        // Started under the lock, so that a stop either sees the child or keeps it from starting.
        let started: Result<ChildProcess, Error>? = condition.withLock {
            guard !stopping else { return nil }
            let child = Result { try ChildProcess(executable: executable, arguments: job.arguments, environment: environment) }
            if case let .success(child) = child { running.insert(child.pid) }
            return child
        }
        guard let started else { return false }
        switch started {
        case let .failure(error):
            record = SummaryRecord(input: song.input, outputs: [], status: .failed, error: "\(error)")
        case let .success(child):
            let outcome = child.finish()
            condition.withLock { _ = running.remove(child.pid) }
            if case .signalled = outcome.ending { removeLeftovers(of: outputs.paths, pid: child.pid) }
            // A song stopped along with the batch is not a failure: the next run does it again. Ctrl-C reaches
            // the songs and the batch at once, so a song may end before the batch has begun to stop.
            // One stuck past the grace period and killed is not a failure either.
            let stoppedBySignal: Bool = switch outcome.ending {
            case let .signalled(signal): BatchRun.stopSignals.contains(signal)
            case let .exited(status): BatchRun.stopSignals.contains { 128 + $0 == status }
            }
            if stoppedBySignal ? awaitStop() : (outcome.ending == .signalled(SIGKILL) && condition.withLock { stopping }) { return false }
            (record, messages) = Self.record(song: song, outputs: outputs, outcome: outcome, seconds: Date().timeIntervalSince(start))
        }
        remember(record, messages: messages)
        return true
    }

    /// Whether the batch is stopping, or starts to within `BatchRun.stopSignalDelay`.
    private func awaitStop() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: BatchRun.stopSignalDelay)
        while !stopping && condition.wait(until: deadline) {}
        return stopping
    }

    private func remember(_ record: SummaryRecord, messages: [String]) {
        do { try self.record(record, messages: messages) } catch {
            condition.withLock { recordFailure = recordFailure ?? error }
        }
        condition.withLock { finished.append(record) }
    }

    /// A stop signal: no new song starts, the running ones are asked to stop (SIGTERM; SIGKILL after
    /// `BatchRun.interruptGrace`), and once they have ended and cleaned up the process exits with 128 + signal.
    private func stop(signal: Int32) -> Never {
        let children = condition.withLock {
            stopping = true
            condition.broadcast()
            return running
        }
        for pid in children { kill(pid, SIGTERM) }
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: BatchRun.interruptGrace)
        while activeWorkers > 0 && condition.wait(until: deadline) {}
        let stuck = running
        condition.unlock()
        for pid in stuck { kill(pid, SIGKILL) }
        condition.lock()
        while activeWorkers > 0 { condition.wait() }
        let message = "soundsort: \(outputDir): stopped after \(progress.done) of \(progress.total) songs; the same command finishes the rest\n"
        progress.clear()
        condition.unlock()
        AtomicOutput.removePendingFiles()
        FileHandle.standardError.write(Data(message.utf8))
        exit(128 + signal)
    }

    /// The environment of a song's process: this one's, with Swift's crash backtraces off unless asked for (a
    /// backtrace takes seconds and pages of output; a crashed song is reported in one line).
    private static func childEnvironment() -> [String] {
        var environment = ProcessInfo.processInfo.environment
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        return environment.map { "\($0.key)=\($0.value)" }
    }

    /// The summary record of a song's process, and the lines of its standard error to pass on (its warnings and
    /// its error, each already `soundsort: PATH: …`).
    static func record(song: BatchSong, outputs: BatchOutputs, outcome: ChildOutcome, seconds: Double) -> (SummaryRecord, [String]) {
        let lines = String(decoding: outcome.standardError, as: UTF8.self).split(separator: "\n").map(String.init)
        let ours = lines.filter { $0.hasPrefix("soundsort: ") }
        let errorLine = ours.last { !$0.contains(": warning: ") }.map { String($0.dropFirst("soundsort: ".count)) }
        var record = SummaryRecord(input: song.input, outputs: [], status: .failed, seconds: seconds, peakMegabytes: outcome.peakMegabytes)
        switch outcome.ending {
        case .exited(0):
            let reportLine = String(decoding: outcome.standardOutput, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            if let report = try? JSONDecoder().decode(SongReport.self, from: Data(reportLine.utf8)) {
                record.status = .ok
                record.outputs = outputs.paths
                record.events = report.events
                record.sounds = report.sounds
                record.audioSeconds = report.audioSeconds
                record.resynthesisDecibels = report.resynthesisDecibels
            } else {
                record.error = "\(song.input): the transcription reported no result"
            }
        case let .exited(status):
            record.error = errorLine ?? "\(song.input): the transcription stopped with status \(status)"
        case let .signalled(signal):
            // A Swift trap prints `…: Fatal error: …` before the signal; it says what went wrong.
            let fatal = lines.first { $0.contains("Fatal error") }.map { ": \($0)" } ?? ""
            record.error = "\(song.input): the transcription crashed (signal \(signal), \(String(cString: strsignal(signal))))\(fatal)"
        }
        return (record, ours)
    }
}

/// The batch's progress on a terminal: one line on standard error, rewritten as songs end. Messages (failures,
/// warnings) are printed above it.
struct BatchProgress {
    let total: Int
    let enabled: Bool
    /// Songs found up to date, counted as done but not in the time estimate.
    var skipped = 0
    var transcribed = 0
    var failures = 0
    private var ended = 0
    private let start = Date()

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    var done: Int { skipped + ended }

    /// Counts a song that ended, prints `messages` above the progress line and redraws it.
    mutating func finish(failed: Bool, transcribed wasTranscribed: Bool, messages: [String]) {
        ended += 1
        if failed { failures += 1 }
        if wasTranscribed { transcribed += 1 }
        clear()
        for line in messages { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        show()
    }

    func show() {
        guard enabled else { return }
        var text = "soundsort: \(done)/\(total) songs, \(failures) failed"
        if transcribed > 0, done < total {
            // Songs ended so far set the pace: elapsed time per song, times the songs left.
            let left = Date().timeIntervalSince(start) / Double(transcribed) * Double(total - done)
            text += ", about \(formatDuration(left)) left"
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// `m:ss`, or `h:mm:ss` from an hour.
func formatDuration(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded())
    let (hours, minutes, rest) = (whole / 3_600, whole / 60 % 60, whole % 60)
    return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
}
