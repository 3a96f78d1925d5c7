import Foundation
import MIDIIO
import Testing
import TestSupport
import Transcribe

/// The kit's SoundFont plays the transcription in fluidsynth (`scripts/test` installs it when it can).
@Suite struct KitFluidSynthTests {
    /// fluidsynth on the PATH, if any.
    static let fluidsynth: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/fluidsynth" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Onsets of a file closer than this are one onset (as `score`'s event onsets).
    static let mergeGap = 0.03
    /// A note sounds when the rendering has an onset this close to it, in seconds.
    static let tolerance = 0.02

    static func merged(_ onsets: [Double]) -> [Double] {
        onsets.sorted().reduce(into: [Double]()) { result, onset in
            if let last = result.last, onset - last < mergeGap { return }
            result.append(onset)
        }
    }

    @Test(.enabled(if: fluidsynth != nil, "fluidsynth is not installed (scripts/test installs it when it can)"),
          arguments: ["chords-over-drums", "synth-lead-bass"])
    func fluidsynthPlaysEveryNoteFromTheKit(name: String) throws {
        let folder = TemporaryFolder()
        let song = BenchCommandTests.corpus.appendingPathComponent("cases/\(name).flac").path
        let midi = folder.path("song.mid"), kit = folder.path("kit"), rendering = folder.path("rendering.wav")
        let result = try runSoundSort(["transcribe", song, "-o", midi, "--kit", kit])
        #expect(result.status == 0, "\(result.standardError)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.fluidsynth!)
        process.arguments = ["-ni", "-q", "-F", rendering, "-r", "44100", kit + "/kit.sf2", midi]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let notes = Self.merged(try MIDIFile(path: midi).notes.notes.map(\.onset))
        // The rendering's onsets as the onset detector finds them: whether a note sounds, not what the later stages make
        // of it (they merge an onset into the note before it when both read as one pitch: synth-lead-bass's G5 lead
        // over its G2 bass, whose 8th harmonic it is, once the bass's sample no longer holds the lead's next note).
        let audio = try AudioFile(path: rendering).readAllMono()
        let spectrogram = try Spectrogram(samples: audio, sampleRate: 44_100)
        let peaks = try OnsetDetector.pickPeaks(try OnsetDetector.superFlux(spectrogram), frameDuration: spectrogram.frameDuration)
        let heard = Self.merged(peaks.map(spectrogram.time(ofFrame:)))
        let sounding = notes.filter { onset in heard.contains { abs($0 - onset) <= Self.tolerance } }
        let share = Double(sounding.count) / Double(notes.count)
        // Every onset of the MIDI file is heard in the rendering within 20 ms (measured: all of them on both cases).
        #expect(notes.count > 20)
        #expect(share == 1, "\(sounding.count) of \(notes.count) onsets heard within 20 ms; missing: \(notes.filter { !sounding.contains($0) })")
    }
}
