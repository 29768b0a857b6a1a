import Foundation

/// Hashes and verifies passwords. The live value runs scrypt on a bounded thread pool; tests use
/// the same type with cheap parameters.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    /// Verifies `password` against a stored PHC (`$scrypt$`) or legacy bcrypt hash.
    func verify(_ password: String, against storedHash: String) async throws -> Bool
    /// Whether a hash that just verified should be replaced (legacy algorithm, old parameters).
    func needsRehash(_ storedHash: String) -> Bool
    /// Does the work of one verification without a real hash, so unknown accounts take as long
    /// as known ones.
    func verifyDummy(_ password: String) async throws
    /// Whether every place in the queue is taken, so a check started now would be refused with
    /// ``PasswordHashingError/overloaded``.
    var isSaturated: Bool { get }
    /// Waits a short, bounded time for a place in the queue; false if none freed up. Asked before
    /// an attempt is counted: a refused attempt writes nothing, and a client that waits for its
    /// answer cannot turn a storm into a loop of cheap refusals (bench/login-storm).
    func waitForPlace() async -> Bool
}

extension PasswordHashing {
    /// Hashers without a bounded queue are never saturated.
    public var isSaturated: Bool { false }

    public func waitForPlace() async -> Bool { !isSaturated }
}

/// Why a password could not be hashed or checked right now.
public enum PasswordHashingError: Error, Equatable {
    /// More checks are waiting than `PORTIER_MAX_PENDING_HASHES`: the visitor is asked to try
    /// again in a moment (503 with `Retry-After`) instead of waiting minutes in a storm.
    case overloaded

    /// Seconds a refused visitor is asked to wait.
    public static let retryAfterSeconds = 5
}
