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

    /// Samples converted and written at a time, so the file never needs a second copy of a long rebuild.
    static let wavBlockSamples = 65_536

    /// Writes a mono 32-bit float WAV (IEEE float format, with the `fact` chunk that non-PCM WAV files carry) by
    /// hand: libsndfile adds a PEAK chunk stamped with the time of writing, so that the same kit written twice
    /// would differ, and a batch's kit could not be compared with the song's kit made alone.
    /// - Throws: `WriteFailure` with the cause from `errno` (no space, quota…), or when the data passes 4 GB.
    static func writeWAV(_ samples: [Float], to path: String, sampleRate: Int) throws(WriteFailure) {
        let folder = AtomicOutput.folder(of: path)
        let dataBytes = UInt64(samples.count) * 4
        let formatChunkBytes: UInt32 = 18, factChunkBytes: UInt32 = 4
        let headerBytes = UInt64(4 + (8 + formatChunkBytes) + (8 + factChunkBytes) + 8)
        guard headerBytes + dataBytes <= UInt64(UInt32.max) else { throw WriteFailure(path: path, problem: .other("a WAV file holds at most 4 GB")) }
        var header = Data()
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        header.append(contentsOf: Array("RIFF".utf8)); append32(UInt32(headerBytes + dataBytes)); header.append(contentsOf: Array("WAVE".utf8))
        header.append(contentsOf: Array("fmt ".utf8)); append32(formatChunkBytes)
        append16(3)  // WAVE_FORMAT_IEEE_FLOAT
        append16(1); append32(UInt32(sampleRate)); append32(UInt32(sampleRate * 4)); append16(4); append16(32); append16(0)
        header.append(contentsOf: Array("fact".utf8)); append32(factChunkBytes); append32(UInt32(samples.count))
        header.append(contentsOf: Array("data".utf8)); append32(UInt32(dataBytes))

        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteFailure(path: path, problem: WriteProblem(errno: errno, folder: folder)) }
        var failure: Int32 = 0
        func put(_ bytes: UnsafeRawBufferPointer) {
            var offset = 0
            while failure == 0 && offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno != EINTR { failure = errno }
                    continue
                }
                offset += written
            }
        }
        header.withUnsafeBytes(put)
        var block = [UInt32](repeating: 0, count: Self.wavBlockSamples)
        var start = 0
        while failure == 0 && start < samples.count {
            let count = min(Self.wavBlockSamples, samples.count - start)
            for index in 0..<count { block[index] = samples[start + index].bitPattern.littleEndian }
            block.withUnsafeBytes { put(UnsafeRawBufferPointer(rebasing: $0.prefix(count * 4))) }
            start += count
        }
        // close reports delayed write errors (network file systems).
        if close(descriptor) != 0, failure == 0 { failure = errno }
        if failure != 0 { throw WriteFailure(path: path, problem: WriteProblem(errno: failure, folder: folder)) }
    }
}
