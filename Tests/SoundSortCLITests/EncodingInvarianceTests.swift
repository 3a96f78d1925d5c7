import Foundation
import Testing
import TestSupport
import Transcribe

/// The same music as FLAC, 16-bit WAV, MP3, Ogg Vorbis and 96 kHz 24-bit WAV gives the same answer: the same number
/// of sounds ±1 and note F within 0.03, through the built executable as a user would run it.
///
/// The lossy forms are libsndfile's (LAME and libvorbis at its default quality, about 70 kbit/s for these mono
/// files); the 96 kHz form is sox's when sox is installed (an independent resampler, what a user would have used),
/// else this project's own. Three cases pass in every form; cases that still change with a lossy codec are listed in
/// the README's limitations.
@Suite struct EncodingInvarianceTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus/cases")

    /// Sounds found and note-onset F of one form.
    struct Answer: CustomStringConvertible {
        var sounds: Int
        var noteF: Double
        var description: String { String(format: "%d sounds, note F %.3f", sounds, noteF) }
    }

    static func answer(_ audio: String, reference: String, folder: TemporaryFolder) throws -> Answer {
        let name = URL(fileURLWithPath: audio).lastPathComponent
        let midi = folder.path(name + ".mid"), scores = folder.path(name + ".json")
        let transcribed = try runSoundSort(["transcribe", audio, "-o", midi])
        #expect(transcribed.status == 0, "\(name): \(transcribed.standardError)")
        let scored = try runSoundSort(["score", midi, "--reference", reference, "--json", scores])
        #expect(scored.status == 0, "\(name): \(scored.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scores))) as? [String: Any]
        let noteOnset = json?["noteOnset"] as? [String: Any]
        return Answer(sounds: json?["estimatedSounds"] as? Int ?? -1, noteF: noteOnset?["fMeasure"] as? Double ?? -1)
    }

    /// sox, if installed.
    static let sox: URL? = ["/usr/bin/sox", "/usr/local/bin/sox", "/opt/homebrew/bin/sox"]
        .map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// The song at 96 kHz in 24-bit WAV: by sox when installed, else by this project's resampler.
    static func highRate(_ flac: String, samples: [Float], folder: TemporaryFolder) throws -> String {
        let path = folder.path("song-96k.wav")
        if let sox {
            let process = Process()
            process.executableURL = sox
            process.arguments = [flac, "-b", "24", "-r", "96000", path]
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus == 0 { return path }
        }
        let resampled = try ResampledSource(ArraySampleSource(samples: samples, sampleRate: 44_100), outputRate: 96_000)
        var high: [Float] = []
        while try resampled.read(maxFrames: 65_536, appendingTo: &high) > 0 {}
        return try folder.writeAudio("song-96k.wav", high, encoding: .wav24, sampleRate: 96_000)
    }

    @Test(arguments: ["electronic-clip", "acoustic-kit", "synth-lead-bass"])
    func everyFormGivesTheSameSounds(_ name: String) throws {
        let folder = TemporaryFolder()
        let flac = Self.corpus.appendingPathComponent("\(name).flac").path
        let reference = Self.corpus.appendingPathComponent("\(name).mid").path
        let samples = try AudioFile(path: flac).readAllMono()
        let forms = [
            ("16-bit WAV", try folder.writeAudio("song.wav", samples, encoding: .wav16)),
            ("MP3", try folder.writeAudio("song.mp3", samples, encoding: .mp3)),
            ("Ogg Vorbis", try folder.writeAudio("song.ogg", samples, encoding: .oggVorbis)),
            ("96 kHz 24-bit WAV", try Self.highRate(flac, samples: samples, folder: folder)),
        ]
        let original = try Self.answer(flac, reference: reference, folder: folder)
        for (form, path) in forms {
            let answer = try Self.answer(path, reference: reference, folder: folder)
            #expect(abs(answer.sounds - original.sounds) <= 1 && abs(answer.noteF - original.noteF) <= 0.03,
                    "\(name) as \(form): \(answer); as FLAC: \(original)")
        }
    }
}
