import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// The threads that hash passwords: one per core, below every other thread's priority, with a
/// bounded queue in front (`ScryptPasswordHasher.maxPending`).
enum PasswordHashingPool {
    /// Starts the pool (stopped with the application) and returns the hasher that uses it.
    static func start(_ app: Application, parameters: ScryptParameters, maxPending: Int?, queueWait: Duration, random: any RandomSource) -> ScryptPasswordHasher {
        let threadCount = System.coreCount
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        lowerPriority(of: pool, threadCount: threadCount)
        app.lifecycle.use(ThreadPoolLifecycle(pool: pool))
        return ScryptPasswordHasher(parameters: parameters, pool: pool, maxPending: maxPending ?? 4 * threadCount, queueWait: queueWait, random: random)
    }
}

/// Password hashing runs below everything else (nice 10, Linux: per thread): during a login storm
/// scrypt then takes the CPU that pages leave idle instead of delaying them (bench/login-storm),
/// and with nothing else to do it still gets every core (bench/login-throughput). Each of the
/// pool's threads lowers its own priority: one job per thread, each held until all have run
/// (with a time limit, so a slow start can never keep the pool blocked).
private func lowerPriority(of pool: NIOThreadPool, threadCount: Int) {
    #if os(Linux)
    let started = NIOLockedValueBox(0)
    let arrived = NIOConcurrencyHelpers.ConditionLock(value: 0)
    for _ in 0..<threadCount {
        pool.submit { _ in
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            let index = started.withLockedValue { count in
                count += 1
                return count
            }
            if arrived.lock(whenValue: index - 1, timeoutSeconds: 5) {
                arrived.unlock(withValue: index)
            }
            if arrived.lock(whenValue: threadCount, timeoutSeconds: 5) {
                arrived.unlock()
            }
        }
    }
    #endif
}

/// Shuts the password-hashing pool down with the application.
private struct ThreadPoolLifecycle: LifecycleHandler {
    let pool: NIOThreadPool

    func shutdownAsync(_ application: Application) async {
        try? await pool.shutdownGracefully()
    }
}

