import Foundation
import NIOPosix
import Testing
import Vapor
@testable import Portier

@Suite("Password hashing")
struct PasswordHashingTests {
    let pool: NIOThreadPool
    let hasher: ScryptPasswordHasher

    init() {
        pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        hasher = ScryptPasswordHasher(parameters: .testing, pool: pool, maxPending: 64, random: SystemRandomSource())
    }

    @Test("A hash verifies its password and nothing else")
    func roundTrip() async throws {
        let hash = try await hasher.hash("rätt lösenord för Åsa")

        #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try await hasher.verify("rätt lösenord för Åsa", against: hash))
        #expect(try await !hasher.verify("rätt lösenord för Asa", against: hash))
        #expect(!hasher.needsRehash(hash))
    }

    @Test("Composed and decomposed å are the same password (NFC)")
    func unicodeNormalization() async throws {
        let composed = "l\u{00E5}ngt l\u{00F6}senord"
        let decomposed = "la\u{030A}ngt lo\u{0308}senord"
        let hash = try await hasher.hash(composed)

        #expect(try await hasher.verify(decomposed, against: hash))
    }

    @Test("Long passwords are not truncated")
    func noTruncation() async throws {
        let long = String(repeating: "a", count: 100)
        let hash = try await hasher.hash(long + "X")

        #expect(try await !hasher.verify(long + "Y", against: hash))
    }

    @Test("PHC strings round-trip and bad ones are rejected")
    func phcParsing() throws {
        let parsed = try #require(ScryptHash(phc: "$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"))

        #expect(parsed.parameters == .owasp)
        #expect(parsed.phcString == "$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
        #expect(ScryptHash(phc: "$scrypt$ln=99,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g") == nil)
        #expect(ScryptHash(phc: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA") == nil)
        #expect(ScryptHash(phc: "$scrypt$ln=10,r=8$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g") == nil)
        #expect(ScryptHash(phc: "$scrypt$ln=10,r=8,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaGhhc2g") == nil)
    }

    @Test("Hashes with other parameters verify and ask to be rehashed")
    func outdatedParameters() async throws {
        let cheap = ScryptPasswordHasher(parameters: ScryptParameters(logRounds: 4, blockSize: 8, parallelism: 1), pool: pool, maxPending: 64, random: SystemRandomSource())
        let oldHash = try await cheap.hash("ett gammalt lösenord")

        #expect(try await hasher.verify("ett gammalt lösenord", against: oldHash))
        #expect(hasher.needsRehash(oldHash))
    }

    @Test("Legacy bcrypt hashes verify and ask to be rehashed")
    func bcryptLegacy() async throws {
        let legacy = try Bcrypt.hash("gammalt lösenord 2019", cost: 4)

        #expect(try await hasher.verify("gammalt lösenord 2019", against: legacy))
        #expect(try await !hasher.verify("fel lösenord", against: legacy))
        #expect(hasher.needsRehash(legacy))
        #expect(try await !hasher.verify(String(repeating: "x", count: 80), against: try Bcrypt.hash(String(repeating: "x", count: 72), cost: 4)))
    }

    @Test("Unknown formats never verify")
    func unknownFormat() async throws {
        #expect(try await !hasher.verify("anything", against: "plaintext"))
    }
}

@Suite("Password policy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy(commonPasswords: ["password", "sommar2024", "qwertyuiop123"])

    @Test("The rules of DESIGN § 4")
    func rules() {
        #expect(policy.problems(password: "kort", email: "a@b.se") == [.tooShort])
        #expect(policy.problems(password: String(repeating: "å", count: 257), email: nil) == [.tooLong])
        #expect(policy.problems(password: "QWERTYUIOP123", email: nil).contains(.common))
        #expect(policy.problems(password: "karin.kund är bäst!", email: "karin.kund@example.se") == [.containsEmail])
        #expect(policy.problems(password: "tre blå elefanter dansar", confirmation: "tre blå elefanter", email: nil) == [.mismatch])
        #expect(policy.problems(password: "tre blå elefanter dansar", confirmation: "tre blå elefanter dansar", email: "karin@example.se").isEmpty)
    }

    @Test("The bundled list has at least 10,000 entries")
    func bundledList() throws {
        let path = DirectoryConfiguration.detect().resourcesDirectory + "Security/common-passwords.txt"
        let bundled = try PasswordPolicy.load(from: path)

        #expect(bundled.commonPasswords.count >= 10_000)
        #expect(bundled.problems(password: "password1234", email: nil).contains(.common))
    }
}
