import ArgumentParser
import Foundation
import MIDIIO
import Render
import SoundSortCore
import Transcribe

@main
struct SoundSort: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soundsort",
        abstract: "Finds every sound event in a song, groups them into unique sounds and writes one MIDI track per sound.",
        version: "0.1.0",
        subcommands: [TranscribeCommand.self, Score.self, Grid.self, Bench.self, Speed.self, Info.self]
    )

    /// Exit status for a file or data problem.
    static let failureStatus: Int32 = 1
    /// Exit status for a command line that does not parse or an option out of range.
    static let usageStatus: Int32 = 2

    /// Runs the command; a file or data problem becomes one line `soundsort: FILE: problem` and status 1,
    /// a usage problem argument-parser's message and status 2.
    static func main() {
        installInterruptHandlers()
        do {
            var command = try parseAsRoot(BareOutputOptions.expand(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as TranscribeError {
            fail(error.description)
        } catch let error as MIDIError {
            fail(error.description)
        } catch let error as RenderError {
            fail(error.description)
        } catch let error as CommandFailure {
            fail(error.description)
        } catch let error as ExitCode {
            // What went wrong was said already; only the status is left to give.
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? usageStatus : code.rawValue)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("soundsort: \(message)\n".utf8))
        Foundation.exit(failureStatus)
    }

    /// On Ctrl-C or a kill, half-written outputs are removed before the process ends. An interrupt or hang-up the
    /// parent chose to ignore (a background job) stays ignored; a blocked signal mask is not inherited.
    private static func installInterruptHandlers() {
        // The handler reads a table made here, before any signal can arrive; it allocates nothing and takes no lock.
        AtomicOutput.prepareForSignals()
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            sigaddset(&unblock, signalNumber)
            let previous = signal(signalNumber) { received in
                AtomicOutput.removePendingFiles()
                _exit(128 + received)
            }
            // SIG_IGN is the handler value 1.
            if signalNumber != SIGTERM, unsafeBitCast(previous, to: Int.self) == 1 { signal(signalNumber, SIG_IGN) }
        }
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
    }
}

/// A problem found by the CLI itself (an output path equal to an input, an unwritable folder…), naming its file.
struct CommandFailure: Error, CustomStringConvertible, Equatable {
    var path: String
    var reason: String
    var description: String { "\(path): \(reason)" }
}

/// Lets a batch ask for its extra outputs without naming files: `transcribe SONGS --output-dir DIR --json --labels
/// --grid --kit` (each song's go to DIR/NAME.json, .txt, .png and the folder DIR/NAME.kit). argument-parser has no option with an optional value, and
/// refuses an empty one, so a bare `--json`, `--labels` or `--grid` of `transcribe` (last, or followed by another
/// option) is given the value `bareValue` before parsing; `transcribe` then says what it means, or refuses it for
/// one song.
enum BareOutputOptions {
    static let names: Set<String> = ["--json", "--labels", "--grid", "--kit"]
    /// Stands for "no value given": a NUL, which no path given on a command line can hold.
    static let bareValue = "\u{0}"

    static func expand(_ arguments: [String]) -> [String] {
        guard arguments.first == "transcribe" else { return arguments }
        var expanded = arguments
        for index in expanded.indices.dropFirst() {
            if expanded[index] == "--" { break }
            let isLast = index == expanded.count - 1
            if names.contains(expanded[index]) && (isLast || expanded[index + 1].hasPrefix("-")) { expanded[index] += "=" + bareValue }
        }
        return expanded
    }
}
