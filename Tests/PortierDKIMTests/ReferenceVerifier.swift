import Foundation
import PortierDKIM
import ReferenceImplementations

/// dkimpy's verdict on a message, from `tests/reference/dkim_verify.py`.
struct DKIMVerdict: Decodable {
    var verified: Bool
    var reason: String?
    /// The DNS names dkimpy asked for.
    var queried: [String]
    /// The signature's tags as dkimpy parsed them.
    var tags: [String: String]
}

/// Verifies with dkimpy, its DNS lookup answered only for `record`'s name with `record`'s value.
enum ReferenceVerifier {
    static func verify(_ message: [UInt8], against record: DKIMDNSRecord) throws -> DKIMVerdict {
        try PythonReference.runJSON(
            "dkim_verify.py",
            arguments: [record.value, "--name", record.name],
            input: Data(message)
        )
    }

    static func verify(_ message: String, against record: DKIMDNSRecord) throws -> DKIMVerdict {
        try verify(Array(message.utf8), against: record)
    }
}

/// Keys made once per test run: RSA generation takes a noticeable moment.
enum TestKeys {
    static let rsa = try! DKIMPrivateKey(generating: .rsa)
    static let ed25519 = try! DKIMPrivateKey(generating: .ed25519)

    static func key(_ type: DKIMKeyType) -> DKIMPrivateKey {
        switch type {
        case .rsa: rsa
        case .ed25519: ed25519
        }
    }

    static func signer(_ type: DKIMKeyType) throws -> DKIMSigner {
        try DKIMSigner(domain: "portier.example.se", selector: "portier2025", key: key(type))
    }
}
