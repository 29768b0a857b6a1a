import Foundation
import Logging
import NIOCore
import NIOPosix
import Portier
import Prometheus
import Vapor

@main
enum Entrypoint {
    static func main() async {
        // Swift Concurrency keeps its own global executor; a request's tasks prefer its event
        // loop instead (`EventLoopMiddleware`), in the tests as here: what ships is what is
        // tested. Pages from `PageCache` are answered without a Task at all
        // (bench/guide-vs-static, bench/results.md).
        let app: Application
        let metricsRegistry = PrometheusCollectorRegistry()
        do {
            var environment = try Environment.detect()
            switch try LogFormat(environment: ProcessInfo.processInfo.environment) {
            case .text:
                try LoggingSystem.bootstrap(from: &environment)
            case .json:
                try LoggingSystem.bootstrap(from: &environment) { level in
                    { label in JSONLogHandler(label: label, level: level) }
                }
            }
            PortierMetrics.bootstrapProcess(with: metricsRegistry)
            app = try await Application.make(environment)
        } catch {
            stop(with: StartupFailure(error))
        }
        do {
            try await configure(app, metricsRegistry: metricsRegistry)
            // `execute()` without its own error log: a failure is reported once, below.
            try await app.startup()
            try await app.running?.onStop.get()
        } catch {
            try? await app.asyncShutdown()
            stop(with: StartupFailure(error))
        }
        try? await app.asyncShutdown()
    }

    /// One line on standard error and a `sysexits.h` status: an operator's mistake is not a crash.
    private static func stop(with failure: StartupFailure) -> Never {
        FileHandle.standardError.write(Data((failure.printableLine + "\n").utf8))
        exit(failure.exitStatus)
    }
}
