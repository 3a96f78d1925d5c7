import ArgumentParser
import Foundation
import MIDIIO
import SoundSortCore
import Transcribe

struct Speed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measures speed on one audio file: decoding, decoding plus one STFT pass, and the whole transcription, in one run."
    )

    @Argument(help: "An audio file (a long one: times are wall-clock on this machine).")
    var file: String

    @Option(help: "Also write the figures as JSON.")
    var json: String?

    struct Figures: Codable {
        var file: String
        var audioSeconds: Double
        var decodeSeconds: Double
        var decodeAndSTFTSeconds: Double
        var transcribeSeconds: Double
        var events: Int
        var sounds: Int
        var peakResidentMegabytes: Double
        var realTimeFactor: Double { audioSeconds / transcribeSeconds }
        var ratioToDecodeAndSTFT: Double { transcribeSeconds / decodeAndSTFTSeconds }
    }

    func run() throws {
        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18 }
        // Decode only.
        var samples = 0
        let decode = try clock.measure {
            let source = try FileSampleSource(path: file)
            var block: [Float] = []
            while true {
                block.removeAll(keepingCapacity: true)
                let read = try source.read(maxFrames: FrameStream.blockFrames, appendingTo: &block)
                if read == 0 { break }
                samples += read
            }
        }
        // Decode and one STFT pass (log-mel, at the analysis rate, through the loop the transcription streams with).
        let decodeAndSTFT = try clock.measure {
            let source = try Transcriber.analysisSource(FileSampleSource(path: file))
            let analyzer = try FrameAnalyzer(sampleRate: source.sampleRate, settings: SpectrogramSettings())
            try FrameStream(analyzer: analyzer).run(source) { _, _, _, _ in }
        }
        // The whole job, MIDI file included.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("soundsort-speed-\(getpid()).mid").path
        defer { unlink(scratch) }
        var transcription: Transcription!
        let whole = try clock.measure {
            transcription = try Transcriber().transcribe(path: file)
            try MIDISong(transcription: transcription).write(to: scratch)
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rate = try AudioFile(path: file).sampleRate
        let figures = Figures(file: file, audioSeconds: Double(samples) / rate, decodeSeconds: seconds(decode),
                              decodeAndSTFTSeconds: seconds(decodeAndSTFT), transcribeSeconds: seconds(whole),
                              events: transcription.events.count, sounds: transcription.sounds.count,
                              peakResidentMegabytes: Double(usage.ru_maxrss) / 1024)
        print(String(format: "%@: %.1f s of audio, %d events, %d sounds", file, figures.audioSeconds, figures.events, figures.sounds))
        print(String(format: "  decode                %7.3f s  %6.0f × real time", figures.decodeSeconds, figures.audioSeconds / figures.decodeSeconds))
        print(String(format: "  decode + one STFT     %7.3f s  %6.0f × real time", figures.decodeAndSTFTSeconds, figures.audioSeconds / figures.decodeAndSTFTSeconds))
        print(String(format: "  transcribe (to MIDI)  %7.3f s  %6.0f × real time  %.2f × decode + STFT", figures.transcribeSeconds,
                     figures.realTimeFactor, figures.ratioToDecodeAndSTFT))
        print(String(format: "  peak resident memory  %7.1f MB", figures.peakResidentMegabytes))
        if let json { try writeJSON(figures, to: json) }
    }
}
