import Crypto
import CryptoExtras
import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// scrypt (`KDF.Scrypt` from swift-crypto) in PHC form. Hashing runs on its own pool with one
/// thread per core, so a login storm queues there instead of blocking event loops, and memory stays
/// bounded at threads × 128 MiB. At most `maxPending` jobs wait or run at once; a check that finds
/// them all taken waits up to `queueWait` for a place (``waitForPlace()``), then is refused with
/// ``PasswordHashingError/overloaded`` (503) rather than queued for minutes.
/// Legacy bcrypt hashes still verify (and are flagged for rehash).
public final class ScryptPasswordHasher: PasswordHashing {
    public let parameters: ScryptParameters
    public let maxPending: Int
    public let queueWait: Duration
    private let pool: NIOThreadPool
    private let pending = NIOLockedValueBox(0)
    private let random: any RandomSource
    private let dummyHash: ScryptHash

    /// Long enough for a place to free up in a burst (a hash takes ≈ 0.3 s on one core), short
    /// next to the 5 s a refused visitor is asked to wait.
    public static let defaultQueueWait: Duration = .seconds(2)
    static let saltByteCount = 16
    static let hashByteCount = 32

    public init(parameters: ScryptParameters, pool: NIOThreadPool, maxPending: Int, queueWait: Duration = .zero, random: any RandomSource) {
        self.parameters = parameters
        self.maxPending = maxPending
        self.queueWait = queueWait
        self.pool = pool
        self.random = random
        self.dummyHash = ScryptHash(parameters: parameters, salt: random.bytes(count: Self.saltByteCount), hash: random.bytes(count: Self.hashByteCount))
    }

    public func hash(_ password: String) async throws -> String {
        let salt = random.bytes(count: Self.saltByteCount)
        let derived = try await derive(password, salt: salt, parameters: parameters)
        return ScryptHash(parameters: parameters, salt: salt, hash: derived).phcString
    }

    public func verify(_ password: String, against storedHash: String) async throws -> Bool {
        if let scrypt = ScryptHash(phc: storedHash) {
            let derived = try await derive(password, salt: scrypt.salt, parameters: scrypt.parameters, byteCount: scrypt.hash.count)
            return constantTimeEquals(derived, scrypt.hash)
        }
        if Self.isBcrypt(storedHash) {
            // bcrypt reads only the first 72 bytes; a longer password cannot have been set
            // with it, so refuse rather than accept a prefix.
            guard password.utf8.count <= 72 else { return false }
            return try await admitted { try await pool.runIfActive { try Bcrypt.verify(password, created: storedHash) } }
        }
        return false
    }

    public func needsRehash(_ storedHash: String) -> Bool {
        guard let scrypt = ScryptHash(phc: storedHash) else { return true }
        return scrypt.parameters != parameters
    }

    public func verifyDummy(_ password: String) async throws {
        _ = try await verify(password, against: dummyHash.phcString)
    }

    static func isBcrypt(_ hash: String) -> Bool {
        ["$2a$", "$2b$", "$2y$"].contains { hash.hasPrefix($0) }
    }

    private func derive(_ password: String, salt: [UInt8], parameters: ScryptParameters, byteCount: Int = hashByteCount) async throws -> [UInt8] {
        // Unicode passwords are compared in NFC so the same word typed on two keyboards matches.
        let bytes = Array(password.precomposedStringWithCanonicalMapping.utf8)
        return try await admitted {
            try await pool.runIfActive {
            let key = try KDF.Scrypt.deriveKey(
                from: bytes, salt: salt, outputByteCount: byteCount,
                rounds: parameters.rounds, blockSize: parameters.blockSize,
                parallelism: parameters.parallelism, maxMemory: parameters.memoryBytes
            )
            return key.withUnsafeBytes { Array($0) }
            }
        }
    }

    /// How many hashing jobs are waiting or running now.
    public var pendingCount: Int { pending.withLockedValue { $0 } }

    public var isSaturated: Bool { pendingCount >= maxPending }

    /// Looks for a place every 20 ms until `queueWait` has passed. No place is reserved here: the
    /// check that follows takes one in ``admitted(_:)``, waiting again if others were quicker.
    public func waitForPlace() async -> Bool {
        let deadline = ContinuousClock.now + queueWait
        while isSaturated {
            guard await pause(before: deadline) else { return false }
        }
        return true
    }

    /// Runs `work` once one of the `maxPending` places is taken for it, waiting up to `queueWait`
    /// for one; refuses with ``PasswordHashingError/overloaded`` after that.
    private func admitted<Result>(_ work: () async throws -> Result) async throws -> Result {
        let deadline = ContinuousClock.now + queueWait
        while !pending.withLockedValue({ count -> Bool in
            guard count < maxPending else { return false }
            count += 1
            return true
        }) {
            guard await pause(before: deadline) else { throw PasswordHashingError.overloaded }
        }
        defer { pending.withLockedValue { $0 -= 1 } }
        return try await work()
    }

    /// Sleeps 20 ms if that ends before `deadline`; false when the wait is over (or cancelled).
    private func pause(before deadline: ContinuousClock.Instant) async -> Bool {
        guard ContinuousClock.now < deadline else { return false }
        do {
            try await Task.sleep(for: .milliseconds(20))
            return true
        } catch {
            return false
        }
    }

    private func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
