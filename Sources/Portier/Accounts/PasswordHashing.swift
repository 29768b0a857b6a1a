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
}
