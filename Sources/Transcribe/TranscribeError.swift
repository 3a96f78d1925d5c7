/// Everything that can go wrong between an audio file and a `Transcription`.
///
/// `description` is one line, starting with the file it concerns, ready for a user.
public enum TranscribeError: Error, Equatable, CustomStringConvertible {
    /// libsndfile could not open the file; `reason` is its own message.
    case cannotOpen(path: String, reason: String)
    /// The file opened but reading its samples failed.
    case cannotRead(path: String, reason: String)
    /// The file holds no audio frames at all.
    case noAudio(path: String)
    /// A file could not be written; `reason` is the C library's message.
    case cannotWrite(path: String, reason: String)
    /// An analysis parameter outside the range that makes sense.
    case invalidParameter(name: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "\(path): cannot open as audio: \(reason)"
        case let .cannotRead(path, reason): "\(path): cannot read audio: \(reason)"
        case let .noAudio(path): "\(path): the file holds no audio frames"
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        case let .invalidParameter(name, value, allowed): "\(name) = \(value) is out of range (allowed: \(allowed))"
        }
    }
}
