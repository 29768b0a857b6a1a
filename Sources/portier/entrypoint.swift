import Logging
import NIOCore
import NIOPosix
import Portier
import Prometheus
import Vapor

@main
enum Entrypoint {
    static func main() async throws {
        // Swift Concurrency jobs run on NIO's event loops instead of a second thread pool: async
        // handlers, middleware and database calls no longer hop between threads on every await
        // (bench/guide-vs-static). Must come before anything else is awaited. Blocking work never
        // runs on these threads: password hashing has its own pool, SQLite its own threads.
        let executorInstalled = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        var environment = try Environment.detect()
        switch try LogFormat(environment: ProcessInfo.processInfo.environment) {
        case .text:
            try LoggingSystem.bootstrap(from: &environment)
        case .json:
            try LoggingSystem.bootstrap(from: &environment) { level in
                { label in JSONLogHandler(label: label, level: level) }
            }
        }

        let metricsRegistry = PrometheusCollectorRegistry()
        PortierMetrics.bootstrapProcess(with: metricsRegistry)

        let app = try await Application.make(environment)
        if !executorInstalled {
            app.logger.debug("Swift Concurrency keeps its own executor (NIO could not take it over)")
        }
        do {
            try await configure(app, metricsRegistry: metricsRegistry)
            try await app.execute()
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
