import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Runs ``DataRetention`` once a day while the server runs (`serve`, not operator commands),
/// the first time shortly after start-up, and logs how many rows each pass removed. The loop is
/// stopped and waited for at shutdown, before Fluent's own shutdown. `clock` paces the loop;
/// the instants compared with the rows come from the application's `AppClock`.
struct DataRetentionLifecycle: LifecycleHandler {
    var firstPassAfter: Duration = .seconds(60)
    var interval: Duration = .seconds(24 * 60 * 60)
    var clock: any Clock<Duration> = ContinuousClock()
    /// Tests observe each pass here.
    var onPass: @Sendable (DataRetention.Report) -> Void = { _ in }

    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBootAsync(_ application: Application) async throws {
        guard application.runsServeCommand else { return }
        let retention = DataRetention(database: application.db, policy: .init(configuration: application.portier.configuration))
        let appClock = application.portier.clock
        let logger = application.logger
        let (firstPassAfter, interval, clock, onPass) = (firstPassAfter, interval, clock, onPass)
        task.withLockedValue {
            $0 = Task {
                var pause = firstPassAfter
                while true {
                    do { try await clock.sleep(for: pause) } catch { return }  // cancelled: shutting down
                    pause = interval
                    do {
                        let report = try await retention.removeExpired(now: appClock.now())
                        logger.notice("\(report)")
                        onPass(report)
                    } catch {
                        logger.warning("Clean-up failed, will try again in a day: \(String(describing: error))")
                    }
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }
}
