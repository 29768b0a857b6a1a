import Foundation
import Testing
import Vapor
@testable import Portier

@Suite("Two-step: TOTP (RFC 6238) and base32")
struct TOTPTests {
    /// RFC 6238 Appendix B: the seeds are the ASCII digits repeated to the digest's length.
    static let rfcSeeds: [OTPDigestName: [UInt8]] = [
        .sha1: Array("12345678901234567890".utf8),
        .sha256: Array("12345678901234567890123456789012".utf8),
        .sha512: Array("1234567890123456789012345678901234567890123456789012345678901234".utf8),
    ]

    enum OTPDigestName: String, CaseIterable { case sha1, sha256, sha512
        var digest: OTPDigest { switch self { case .sha1: .sha1; case .sha256: .sha256; case .sha512: .sha512 } }
    }

    @Test("RFC 6238 Appendix B test vectors (8 digits, SHA-1, SHA-256, SHA-512)", arguments: [
        (Int64(59), "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ])
    func rfcVectors(time: Int64, sha1: String, sha256: String, sha512: String) {
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        for (name, expected) in [(OTPDigestName.sha1, sha1), (.sha256, sha256), (.sha512, sha512)] {
            let generator = TOTPGenerator(secret: Self.rfcSeeds[name]!, digest: name.digest, digits: .eight)
            #expect(generator.code(at: date) == expected, "\(name) at \(time)")
        }
    }

    @Test("Six-digit SHA-1 codes agree with pyotp for random secrets and times")
    func agreesWithPyotp() throws {
        var generator = SystemRandomNumberGenerator()
        var requests: [TOTPReference.Request] = []
        var expected: [String] = []
        for index in 0..<40 {
            let secret = (0..<[16, 20, 32][index % 3]).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let time = Int64.random(in: 0...4_000_000_000, using: &generator)
            requests.append(.init(secret: Base32.encode(secret), time: time))
            expected.append(TOTPGenerator(secret: secret).code(at: Date(timeIntervalSince1970: TimeInterval(time))))
        }
        #expect(try TOTPReference.codes(for: requests) == expected)
    }

    @Test("The previous, current and next step are accepted; two steps away are not")
    func window() {
        let secret = Array("12345678901234567890".utf8)
        let generator = TOTPGenerator(secret: secret)
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = TOTPGenerator.step(at: now)
        for offset in Int64(-1)...1 {
            #expect(generator.matchingStep(for: generator.code(forStep: step + offset), at: now, after: nil) == step + offset)
        }
        for offset: Int64 in [-2, 2] {
            let code = generator.code(forStep: step + offset)
            // (A code of a step two away can coincide with a code of the window; not for this secret and time.)
            #expect(generator.matchingStep(for: code, at: now, after: nil) == nil)
        }
    }

    @Test("A step that is not later than the last used one is refused")
    func usedSteps() {
        let generator = TOTPGenerator(secret: Array("12345678901234567890".utf8))
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = TOTPGenerator.step(at: now)
        #expect(generator.matchingStep(for: generator.code(forStep: step), at: now, after: step) == nil)
        #expect(generator.matchingStep(for: generator.code(forStep: step - 1), at: now, after: step) == nil)
        #expect(generator.matchingStep(for: generator.code(forStep: step + 1), at: now, after: step) == step + 1)
    }

    @Test("Base32 follows RFC 4648 § 10 and round-trips")
    func base32() {
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        let random = SystemRandomSource().bytes(count: 20)
        #expect(Base32.decode(Base32.encode(random)) == random)
    }

    @Test("The otpauth:// link reads back in pyotp as the same secret, issuer and account")
    func provisioningURI() throws {
        let enrolment = TwoStepService.Enrolment(secret: SystemRandomSource().bytes(count: 20))
        let uri = enrolment.uri(issuer: "Portier Webbhotell", account: "kund+test@example.se")
        let parsed = try TOTPReference.parse(uri: uri)
        #expect(parsed.secret == enrolment.base32)
        #expect(parsed.issuer == "Portier Webbhotell")
        #expect(parsed.account == "kund+test@example.se")
        #expect(parsed.digits == 6 && parsed.interval == 30)
        #expect(enrolment.groupedBase32.split(separator: " ").allSatisfy { $0.count == 4 })
        #expect(enrolment.groupedBase32.replacingOccurrences(of: " ", with: "") == enrolment.base32)
    }
}
