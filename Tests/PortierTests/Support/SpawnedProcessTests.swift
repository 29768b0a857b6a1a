import Foundation
import ReferenceImplementations
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Test support: child processes")
struct SpawnedProcessTests {
    @Test("Output, errors and the exit status come back; input arrives")
    func roundTrip() throws {
        let process = try SpawnedProcess(["sh", "-c", "tr a-z A-Z; echo fel >&2; exit 3"], input: .pipe)
        let (status, output, errors) = process.communicate(input: Data("hej\n".utf8))
        #expect(status == 3)
        #expect(String(decoding: output, as: UTF8.self) == "HEJ\n")
        #expect(String(decoding: errors, as: UTF8.self) == "fel\n")
        #expect(!process.isRunning)
    }

    @Test("The working directory and exactly the given environment")
    func directoryAndEnvironment() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let process = try SpawnedProcess(
            ["sh", "-c", "pwd; env | sort"], environment: ["PATH": "/usr/bin:/bin", "PORTIER_X": "1"],
            workingDirectory: folder.url.path
        )
        let lines = String(decoding: process.communicate().output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } == folder.url.resolvingSymlinksInPath().path)
        #expect(lines.contains("PORTIER_X=1"))
        #expect(!lines.contains { $0.hasPrefix("HOME=") })
    }

    @Test("terminate() stops a running child, which then reports SIGTERM")
    func terminate() throws {
        let process = try SpawnedProcess(["sleep", "30"], output: .discard, errors: .discard)
        #expect(process.isRunning)
        process.terminate()
        #expect(process.waitUntilExit() == 128 + SIGTERM)
        process.terminate()   // ended and reaped: nothing is signalled
        #expect(!process.isRunning)
    }

    @Test("A missing program is an error, not a crash")
    func missingProgram() {
        #expect(throws: SpawnedProcess.SpawnError.self) {
            _ = try SpawnedProcess([], executable: "/nonexistent/portier-\(UUID().uuidString)")
        }
    }

    /// Foundation's `Process.run()` crashed now and then with this many descriptors open (it reads
    /// `/proc/self/fd` past its buffer); the child must not inherit any of them either.
    @Test("With 2,000 descriptors open, 40 children start and inherit only 0, 1 and 2")
    func manyOpenDescriptors() throws {
        let opened = (0..<2_000).map { _ in open("/dev/null", O_RDONLY) }   // not close-on-exec
        defer { opened.forEach { close($0) } }
        #expect(opened.allSatisfy { $0 >= 0 })
        for _ in 0..<40 {
            // The shell's own glob lists the descriptors it has open.
            let process = try SpawnedProcess(["sh", "-c", "cd /proc/self/fd && echo *"])
            let listed = String(decoding: process.communicate().output, as: UTF8.self)
                .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            #expect(listed.filter { $0 > 2 }.count <= 1, "inherited: \(listed)")   // at most the shell's own
        }
    }
}
