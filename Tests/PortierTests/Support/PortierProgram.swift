import Foundation
import ReferenceImplementations
import Testing

/// The built `portier` program, run as an operator would: its own process, working directory
/// and environment. Found beside the test bundle (`swift build --build-tests` builds both into
/// the same folder), in `.build/debug/`, or at `PORTIER_BINARY`.
struct PortierProgram {
    struct Outcome {
        let status: Int32
        let standardOutput: String
        let standardError: String

        /// The non-empty lines written to standard error.
        var errorLines: [String] {
            standardError.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
    }

    let executable: URL

    /// The program, or `nil` after recording an issue that says where it was looked for.
    static func locate(sourceFile: String = #filePath) -> PortierProgram? {
        let candidates = candidateLocations(sourceFile: sourceFile)
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return PortierProgram(executable: found)
        }
        Issue.record("The portier program was not found (looked at \(candidates.map(\.path).joined(separator: ", "))). Build it with `swift build --build-tests`, or set PORTIER_BINARY.")
        return nil
    }

    private static func candidateLocations(sourceFile: String) -> [URL] {
        var candidates: [URL] = []
        if let configured = ProcessInfo.processInfo.environment["PORTIER_BINARY"], !configured.isEmpty {
            candidates.append(URL(fileURLWithPath: configured))
        }
        if let testProgram = Bundle.main.executableURL {
            // Linux: …/debug/PortierPackageTests.xctest; macOS: …/debug/PortierPackageTests.xctest/Contents/MacOS/…
            var folder = testProgram.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(folder.appendingPathComponent("portier"))
                folder.deleteLastPathComponent()
            }
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("portier"))
        }
        // Tests/PortierTests/Support/PortierProgram.swift → the package root.
        let packageRoot = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/portier"))
        return candidates
    }

    /// Runs `arguments` in `workingDirectory` with only `environment` (plus `PATH` and `HOME`),
    /// and waits for the program to end; a program still running after `limit` is stopped and
    /// recorded as an issue (a safety net for a test gone wrong, not a timing assertion).
    /// `input`, when given, is the program's standard input (else it reads nothing).
    func run(_ arguments: [String], in workingDirectory: URL, environment: [String: String] = [:], input: String? = nil, limit: Duration = .seconds(120)) async throws -> Outcome {
        var variables = environment
        let inherited = ProcessInfo.processInfo.environment
        variables["PATH"] = inherited["PATH"] ?? "/usr/bin:/bin"
        variables["HOME"] = inherited["HOME"] ?? workingDirectory.path
        let process = try SpawnedProcess(
            arguments, executable: executable.path, environment: variables,
            workingDirectory: workingDirectory.path, input: input == nil ? .nothing : .pipe
        )
        let watchdog = Task {
            try await Task.sleep(for: limit)
            if process.isRunning {
                Issue.record("portier \(arguments.joined(separator: " ")) was still running after \(limit); stopped it")
                process.terminate()
            }
        }
        // Reading and waiting block, so they run on Dispatch's threads, never on the few threads
        // Swift Concurrency shares with every other test (that starved the whole run once).
        let (status, output, errors) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: process.communicate(input: Data((input ?? "").utf8)))
            }
        }
        watchdog.cancel()
        return Outcome(
            status: status,
            standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: errors, as: UTF8.self)
        )
    }
}

/// A fresh empty folder under the system's temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("portier-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
