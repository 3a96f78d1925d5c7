import Dispatch
import Eval
import Foundation
import MIDIIO
import SoundSortCore
import Transcribe

/// `bench --delays`: the cases again with their audio delayed by a little silence, less than the analysis hop, so
/// the 10 ms frames fall elsewhere on the music. A song has no preferred alignment with the frame grid; a decision that
/// flips with it is luck, and a corpus figure read at one alignment holds some of that luck.
struct DelayedRun: Encodable {
    /// Silence added before the audio, in milliseconds (0: the main run).
    var delay: Double
    var cases: [CaseFigures]
    var means: BenchMeans
}

/// Each case's figures over the main run and its delayed runs.
struct DelaySpread {
    var name: String
    var mappedF: [Double]
    var mean: Double { mappedF.reduce(0, +) / Double(max(mappedF.count, 1)) }
    var range: Double { (mappedF.max() ?? 0) - (mappedF.min() ?? 0) }

    /// One per case of `runs[0]` (the main run), in its order.
    static func of(_ runs: [DelayedRun]) -> [DelaySpread] {
        guard let main = runs.first else { return [] }
        return main.cases.indices.map { index in
            DelaySpread(name: main.cases[index].name, mappedF: runs.map { $0.cases[index].mappedF })
        }
    }
}

extension Bench {
    /// Delays `--delays` accepts, in milliseconds: above 0 (the main run is the 0), and short enough to stay an
    /// alignment, not a pause.
    static let delayRange: ClosedRange<Double> = 0.01...100

    /// Every case transcribed with `delay` ms of silence before its audio, its estimate moved back by as much and
    /// scored as the main run scores it; all (case, delay) pairs run on every core, largest audio first.
    func runDelayed(_ cases: [BenchCase], delays: [Double], transcriber: Transcriber) throws -> [DelayedRun] {
        let pairs = delays.indices.flatMap { d in cases.indices.map { (delay: d, item: $0) } }
        let collected = ConcurrentResults<CaseFigures>(count: pairs.count)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("soundsort-bench-delays-\(getpid())")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let order = Self.largestFirst(pairs.map { cases[$0.item].audioPath })
        DispatchQueue.concurrentPerform(iterations: pairs.count) { turn in
            let index = order[turn]
            do {
                let midiPath = scratch.appendingPathComponent("case-\(index).mid").path
                let item = cases[pairs[index].item]
                collected.store(try runCase(item, delayedBy: delays[pairs[index].delay], transcriber: transcriber, scratchMIDI: midiPath).figures,
                                at: index)
            } catch {
                collected.fail(error)
            }
        }
        let figures = try collected.results()
        return delays.indices.map { d in
            let run = pairs.indices.filter { pairs[$0].delay == d }.map { figures[$0] }
            return DelayedRun(delay: delays[d], cases: run, means: BenchMeans(run))
        }
    }

    /// One case with `delay` ms of silence before its audio (every channel, at the file's rate).
    private func runCase(_ item: BenchCase, delayedBy delay: Double, transcriber: Transcriber, scratchMIDI midiPath: String) throws -> CaseResult {
        let file = try AudioFile(path: item.audioPath)
        let leading = Int((delay / 1000 * file.sampleRate).rounded())
        var samples = [Float](repeating: 0, count: leading * file.channelCount)
        while try file.read(maxFrames: FrameStream.blockFrames, appendingTo: &samples) > 0 {}
        var transcription = try transcriber.transcribe(samples: samples, sampleRate: file.sampleRate, channelCount: file.channelCount)
        let shift = Double(leading) / file.sampleRate
        for index in transcription.events.indices { transcription.events[index].onset = max(0, transcription.events[index].onset - shift) }
        transcription.duration = max(0, transcription.duration - shift)
        try MIDISong(transcription: transcription).write(to: midiPath)
        return try score(item, estimate: try MIDIFile(path: midiPath).notes, duration: transcription.duration, seconds: 0)
    }
}
