import Foundation

/// Runs a script of `tests/reference/` with the test command's Python (`PYTHON`, else `python3`
/// on PATH), so Portier's own protocol code is checked against a well-known implementation
/// (`segno`, `zxing-cpp`, `fido2`, `dkimpy`, …; installed by `scripts/test` from
/// `tests/requirements.txt`). Input goes to the script's standard input, its standard output comes
/// back; a non-zero exit throws with the script's standard error, so a missing package fails the
/// test with a readable reason instead of skipping it.
public enum PythonReference {
    public struct Failure: Error, CustomStringConvertible {
        public let script: String
        public let status: Int32
        public let standardError: String
        public var description: String {
            "tests/reference/\(script) exited with \(status): \(standardError)"
        }
    }

    /// The repository's root, found from this file's place in it.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // ReferenceImplementations
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()

    /// Runs `tests/reference/<script>` with `arguments`, feeding `input`; returns standard output.
    public static func run(_ script: String, arguments: [String] = [], input: Data = Data()) throws -> Data {
        let python = ProcessInfo.processInfo.environment["PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let scriptPath = repositoryRoot.appendingPathComponent("tests/reference").appendingPathComponent(script).path
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        let process = try SpawnedProcess([python, scriptPath] + arguments, environment: environment, input: .pipe)
        let (status, output, errors) = process.communicate(input: input)
        guard status == 0 else {
            throw Failure(script: script, status: status, standardError: String(decoding: errors, as: UTF8.self))
        }
        return output
    }

    /// Like `run`, decoding the script's standard output as JSON.
    public static func runJSON<Output: Decodable>(_ script: String, arguments: [String] = [], input: Data = Data(), as type: Output.Type = Output.self) throws -> Output {
        try JSONDecoder().decode(Output.self, from: run(script, arguments: arguments, input: input))
    }
}
