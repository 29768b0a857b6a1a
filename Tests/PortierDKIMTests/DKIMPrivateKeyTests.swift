import Crypto
import CryptoExtras
import Foundation
import PortierDKIM
import Testing

@Suite struct DKIMPrivateKeyTests {
    @Test(arguments: DKIMKeyType.allCases)
    func generatedKeyRoundTripsThroughPEM(type: DKIMKeyType) throws {
        let key = try DKIMPrivateKey(generating: type)

        let loaded = try DKIMPrivateKey(pemRepresentation: key.pemRepresentation)

        #expect(key.pemRepresentation.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(key.pemRepresentation.hasSuffix("-----END PRIVATE KEY-----\n"))
        #expect(loaded.type == type)
        #expect(loaded.publicKeyBase64 == key.publicKeyBase64)
        #expect(loaded.pemRepresentation == key.pemRepresentation)
    }

    @Test func generatedRSAKeyHas2048Bits() {
        #expect(TestKeys.rsa.bitCount == 2048)
        #expect(TestKeys.rsa.type == .rsa)
    }

    @Test func rsaPKCS1PEMLoads() throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits3072)
        #expect(rsa.pemRepresentation.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))

        let key = try DKIMPrivateKey(pemRepresentation: rsa.pemRepresentation)

        #expect(key.type == .rsa)
        #expect(key.bitCount == 3072)
        #expect(key.publicKeyBase64 == rsa.publicKey.derRepresentation.base64EncodedString())
    }

    @Test func ed25519PKCS8PEMLoads() throws {
        let ed25519 = Curve25519.Signing.PrivateKey()

        let key = try DKIMPrivateKey(pemRepresentation: ed25519.pemRepresentation)

        #expect(key.type == .ed25519)
        #expect(key.publicKeyBase64 == ed25519.publicKey.rawRepresentation.base64EncodedString())
    }

    /// RFC 8410 § 10.3's example key, with CRLF line endings and surrounding text as some
    /// editors and tools leave them.
    @Test func pemWithCRLFAndSurroundingTextLoads() throws {
        let pem = "Ed25519 key for DKIM\r\n-----BEGIN PRIVATE KEY-----\r\n"
            + "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\r\n"
            + "-----END PRIVATE KEY-----\r\n"

        let key = try DKIMPrivateKey(pemRepresentation: pem)

        #expect(key.publicKeyBase64 == "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=")
    }

    @Test(arguments: [false, true])
    func rsa1024IsRejected(pkcs8: Bool) throws {
        let weak = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        let pem = pkcs8 ? weak.pkcs8PEMRepresentation : weak.pemRepresentation

        #expect(throws: DKIMError.rsaKeyTooSmall(bitCount: 1024)) {
            try DKIMPrivateKey(pemRepresentation: pem)
        }
        #expect(DKIMError.rsaKeyTooSmall(bitCount: 1024).description.contains("1024 bits"))
    }

    @Test func ecKeyIsRejectedByAlgorithm() {
        let pem = P256.Signing.PrivateKey().pemRepresentation

        #expect(throws: DKIMError.unsupportedKeyAlgorithm(oid: "1.2.840.10045.2.1")) {
            try DKIMPrivateKey(pemRepresentation: pem)
        }
    }

    @Test func publicKeyPEMIsRejectedByLabel() {
        let publicPEM = Curve25519.Signing.PrivateKey().publicKey.pemRepresentation

        #expect(throws: DKIMError.unsupportedPEMLabel("PUBLIC KEY")) {
            try DKIMPrivateKey(pemRepresentation: publicPEM)
        }
    }

    @Test func encryptedKeyIsRejected() {
        let pem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI\n-----END ENCRYPTED PRIVATE KEY-----\n"

        #expect(throws: DKIMError.encryptedKey) {
            try DKIMPrivateKey(pemRepresentation: pem)
        }
    }

    @Test(arguments: ["", "not a key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE"])
    func nonPEMIsRejected(text: String) {
        #expect(throws: DKIMError.notPEM) {
            try DKIMPrivateKey(pemRepresentation: text)
        }
    }

    /// Damaged keys: a line lost, a character changed to one outside base64, the END line lost,
    /// DER cut short. Each gives a typed error whose text quotes none of the key.
    @Test(arguments: DKIMKeyType.allCases, 0..<4)
    func damagedPEMGivesTypedErrorWithoutKeyMaterial(type: DKIMKeyType, damage: Int) throws {
        let pem = TestKeys.key(type).pemRepresentation
        var lines = pem.split(separator: "\n").map(String.init)
        switch damage {
        case 0 where lines.count > 3: lines.remove(at: 2)
        case 0: lines[1] = String(lines[1].prefix(20))
        case 1: lines[1] = String(lines[1].prefix(10)) + "!" + String(lines[1].dropFirst(11))
        case 2: lines.removeLast()
        default: lines = [lines[0], String(lines[1].prefix(16)), lines[lines.count - 1]]
        }
        let damaged = lines.joined(separator: "\n")

        let error = #expect(throws: DKIMError.self) {
            try DKIMPrivateKey(pemRepresentation: damaged)
        }

        let text = (error?.description ?? "") + String(describing: error) + String(reflecting: error)
        #expect(error == .malformedKey)
        for line in pem.split(separator: "\n") where !line.hasPrefix("-----") {
            for start in stride(from: 0, to: max(line.count - 8, 1), by: 4) {
                let fragment = line.dropFirst(start).prefix(8)
                #expect(!text.contains(fragment), "error text contains key fragment")
            }
        }
    }

    @Test(arguments: DKIMKeyType.allCases)
    func printingAKeyShowsNoKeyMaterial(type: DKIMKeyType) {
        let key = TestKeys.key(type)
        var dumped = ""
        dump(key, to: &dumped)

        let texts = ["\(key)", String(reflecting: key), dumped]

        #expect(texts[0] == "DKIMPrivateKey(\(type.rawValue), \(key.bitCount) bits)")
        let body = key.pemRepresentation.split(separator: "\n").dropFirst().dropLast().joined()
        for text in texts {
            #expect(!text.contains(body.prefix(12)) && !text.contains(key.publicKeyBase64.prefix(12)))
        }
    }
}
