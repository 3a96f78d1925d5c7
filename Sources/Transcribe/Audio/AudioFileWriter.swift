internal import CSndFile
import Foundation

/// The encodings `AudioFileWriter` can produce.
public enum AudioEncoding: String, Sendable, CaseIterable {
    case wav16, wav24, wavFloat, aiff16, flac16, oggVorbis, opus, mp3

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .wav16, .wav24, .wavFloat: "wav"
        case .aiff16: "aiff"
        case .flac16: "flac"
        case .oggVorbis, .opus: "ogg"
        case .mp3: "mp3"
        }
    }

    var sndfileFormat: Int32 {
        switch self {
        case .wav16: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wav24: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
        case .wavFloat: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .aiff16: Int32(SF_FORMAT_AIFF | SF_FORMAT_PCM_16)
        case .flac16: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .oggVorbis: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        case .opus: Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS)
        case .mp3: Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        }
    }
}

/// An audio file opened for writing through libsndfile. Call `close()` to learn whether the data reached the disk.
public final class AudioFileWriter {
    public let path: String
    public let channelCount: Int
    private var handle: OpaquePointer?

    /// Creates (or truncates) `path`.
    /// - Parameters:
    ///   - sampleRate: frames per second, in Hz.
    ///   - channelCount: interleaved channels per frame.
    public init(path: String, encoding: AudioEncoding, sampleRate: Int, channelCount: Int = 1) throws(TranscribeError) {
        try AudioFile.checkFormat(sampleRate: Double(sampleRate), channelCount: channelCount)
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channelCount)
        info.format = encoding.sndfileFormat
        guard sf_format_check(&info) != 0 else {
            throw .cannotWrite(path: path, reason: "libsndfile cannot write \(encoding.rawValue) at \(sampleRate) Hz")
        }
        let opened = LibSndFile.open { sf_open(path, Int32(SFM_WRITE), &info) }
        guard let handle = opened.handle else { throw .cannotWrite(path: path, reason: opened.error) }
        self.path = path
        self.channelCount = channelCount
        self.handle = handle
    }

    deinit { if let handle { sf_close(handle) } }

    /// Appends interleaved frames (`samples.count` must be a multiple of `channelCount`).
    public func write(_ samples: [Float]) throws(TranscribeError) {
        guard let handle else { throw .cannotWrite(path: path, reason: "already closed") }
        let frames = samples.count / channelCount
        let written = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        if written != frames { throw .cannotWrite(path: path, reason: String(cString: sf_strerror(handle))) }
    }

    /// Flushes and closes the file.
    public func close() throws(TranscribeError) {
        guard let handle else { return }
        self.handle = nil
        let status = sf_close(handle)
        if status != 0 { throw .cannotWrite(path: path, reason: String(cString: sf_error_number(status))) }
    }
}
