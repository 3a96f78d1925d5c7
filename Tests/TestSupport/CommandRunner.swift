import Foundation

/// What a run of the built `soundsort` executable printed and returned.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Runs the `soundsort` executable that `swift build` put beside the test bundle.
public func runSoundSort(_ arguments: [String], currentDirectory: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = soundSortExecutable
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Read both pipes before waiting, so a large output cannot block the child.
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
                         standardError: String(decoding: errData, as: UTF8.self))
}

/// The built executable: in the products folder that holds the test bundle.
public let soundSortExecutable: URL = {
    var folder = Bundle.main.bundleURL
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent("soundsort")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    fatalError("soundsort executable not found near \(Bundle.main.bundleURL.path); run `swift build` first")
}()
