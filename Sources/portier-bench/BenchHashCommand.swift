import Foundation
import NIOCore
import Portier
import Vapor

/// `portier-bench bench-hash [--seconds 10] [--concurrency N]`: password hashes per second with the
/// configured (production: OWASP) scrypt parameters through the live hasher and its pool, as
/// many at once as the pool has threads. Prints one JSON line for bench/login-throughput.
struct BenchHashCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "seconds", help: "How long to hash (default 10)")
        var seconds: Double?

        @Option(name: "concurrency", help: "Hashes in flight at once (default: one per core)")
        var concurrency: Int?
    }

    var help: String { "Benchmark: password hashes per second (used by bench/login-throughput)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let hasher = context.application.passwordHasher
        let parameters = context.application.portier.configuration.passwordHashParameters
        let seconds = max(1, signature.seconds ?? 10)
        let concurrency = max(1, signature.concurrency ?? System.coreCount)
        _ = try await hasher.hash("warm-up password for bench-hash")
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let hashes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var count = 0
                    while clock.now < deadline {
                        _ = try await hasher.hash("bench password number \(count)")
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - start
        let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        context.console.print(#"{"hashes": \#(hashes), "seconds": \#(elapsedSeconds), "hashes_per_second": \#(Double(hashes) / elapsedSeconds), "concurrency": \#(concurrency), "cores": \#(System.coreCount), "parameters": "ln=\#(parameters.logRounds),r=\#(parameters.blockSize),p=\#(parameters.parallelism)"}"#)
    }
}
