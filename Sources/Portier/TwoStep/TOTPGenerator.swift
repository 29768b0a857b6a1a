import Crypto
import Foundation
import Vapor

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, computed by Vapor's `HOTP`):
/// the step is `⌊unix time / 30⌋`, the code the HOTP of the step. Portier issues SHA-1, six
/// digits, 30 seconds — what every authenticator app supports; the other digests and lengths are
/// here for the RFC's test vectors.
public struct TOTPGenerator: Sendable {
    public static let interval: TimeInterval = 30
    /// Steps accepted either side of the current one (clock drift, a code typed at the boundary).
    public static let tolerance: Int64 = 1

    private let hotp: HOTP

    public init(secret: [UInt8], digest: OTPDigest = .sha1, digits: OTPDigits = .six) {
        hotp = HOTP(key: SymmetricKey(data: secret), digest: digest, digits: digits)
    }

    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / interval).rounded(.down))
    }

    public func code(forStep step: Int64) -> String {
        hotp.generate(counter: UInt64(bitPattern: step))
    }

    public func code(at date: Date) -> String {
        code(forStep: Self.step(at: date))
    }

    /// The earliest step within ±`tolerance` of `date` that is later than `usedStep` and whose
    /// code is `code`; nil when there is none. Every candidate is compared (in constant time), so
    /// the answer's timing does not tell which step matched.
    public func matchingStep(for code: String, at date: Date, after usedStep: Int64?) -> Int64? {
        let current = Self.step(at: date)
        var found: Int64?
        for step in (current - Self.tolerance)...(current + Self.tolerance) {
            let isMatch = ConstantTime.equals(self.code(forStep: step), code)
            if isMatch, found == nil, usedStep.map({ step > $0 }) ?? true {
                found = step
            }
        }
        return found
    }
}

enum ConstantTime {
    /// Compares two strings' UTF-8 bytes without stopping at the first difference.
    static func equals(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
