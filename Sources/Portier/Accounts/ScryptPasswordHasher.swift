import Crypto
import CryptoExtras
import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// scrypt (`KDF.Scrypt` from swift-crypto) in PHC form. Hashing runs on its own pool with one
/// thread per core, so a login storm queues there instead of blocking event loops, and memory stays
/// bounded at threads × 128 MiB. At most `maxPending` jobs wait or run at once; one more is
/// refused with ``PasswordHashingError/overloaded`` (503) rather than queued for minutes.
/// Legacy bcrypt hashes still verify (and are flagged for rehash).
public final class ScryptPasswordHasher: PasswordHashing {
    public let parameters: ScryptParameters
    public let maxPending: Int
    private let pool: NIOThreadPool
    private let pending = NIOLockedValueBox(0)
    private let random: any RandomSource
    private let dummyHash: ScryptHash

    static let saltByteCount = 16
    static let hashByteCount = 32

    public init(parameters: ScryptParameters, pool: NIOThreadPool, maxPending: Int, random: any RandomSource) {
        self.parameters = parameters
        self.maxPending = maxPending
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

    /// Runs `work` if fewer than `maxPending` jobs are in the queue, else refuses at once.
    private func admitted<Result>(_ work: () async throws -> Result) async throws -> Result {
        let isAdmitted = pending.withLockedValue { count -> Bool in
            guard count < maxPending else { return false }
            count += 1
            return true
        }
        guard isAdmitted else { throw PasswordHashingError.overloaded }
        defer { pending.withLockedValue { $0 -= 1 } }
        return try await work()
    }

    private func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
