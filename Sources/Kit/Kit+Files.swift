import Foundation
import SoundSortCore
import Transcribe

extension Kit {
    /// The SFZ instrument's file name in a kit folder.
    public static let sfzName = "kit.sfz"
    /// The SoundFont's file name in a kit folder.
    public static let soundFontName = "kit.sf2"
    /// The rebuilt song's file name in a kit folder.
    public static let resynthesisName = "resynthesis.wav"

    /// Writes the kit's files: each voice's sample as `fileName` (mono, 32-bit float WAV at the kit's rate, through
    /// libsndfile), `kit.sfz`, `kit.sf2` and `resynthesis.wav`.
    /// - Parameters:
    ///   - path: where each file named goes (an output set's temporary folder names and records them).
    ///   - title: the song's name, for the SFZ comment and the SoundFont's name.
    ///   - resynthesis: the rebuilt song, at the kit's rate.
    public func write(to path: (_ fileName: String) -> String, title: String, resynthesis: [Float]) throws {
        let rate = Int(sampleRate.rounded())
        for voice in voices {
            try Self.writeWAV(voice.samples, to: path(voice.fileName), sampleRate: rate)
        }
        let sfzPath = path(Self.sfzName)
        try AtomicOutput.create(Data(sfz(title: title).utf8), at: sfzPath, reportingAs: sfzPath)
        let soundFontPath = path(Self.soundFontName)
        try AtomicOutput.create(Data(soundFont(name: "SoundSort kit of \(title)")), at: soundFontPath, reportingAs: soundFontPath)
        try Self.writeWAV(resynthesis, to: path(Self.resynthesisName), sampleRate: rate)
    }

    static func writeWAV(_ samples: [Float], to path: String, sampleRate: Int) throws {
        let writer = try AudioFileWriter(path: path, encoding: .wavFloat, sampleRate: sampleRate)
        try writer.write(samples)
        try writer.close()
    }
}
