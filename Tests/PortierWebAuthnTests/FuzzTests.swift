import PortierWebAuthn
import Testing

/// SplitMix64: a tiny deterministic generator so every run feeds the same
/// inputs and a failure can be reproduced from its iteration number.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

@Suite("Fuzz: random and mutated input never crashes or hangs")
struct FuzzTests {
    static let seeds: [[UInt8]] = [
        ReferenceVectors.es256Registration.attestationObject.base64URLBytes,
        ReferenceVectors.es256PackedRegistration.attestationObject.base64URLBytes,
        ReferenceVectors.edDSARegistration.attestationObject.base64URLBytes,
        ReferenceVectors.rs256Registration.attestationObject.base64URLBytes,
        ReferenceVectors.edDSAAuthentication.authenticatorData.base64URLBytes,
        ReferenceVectors.rs256Registration.publicKey.base64URLBytes,
    ]

    /// Either fresh random bytes or a seed with a few bytes flipped,
    /// inserted, deleted or cut off; mutations reach deep into valid
    /// structures where random bytes rarely get.
    static func input(using generator: inout SplitMix64) -> [UInt8] {
        if Bool.random(using: &generator) && Bool.random(using: &generator) {
            let count = Int.random(in: 0...64, using: &generator)
            return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        }
        var bytes = seeds.randomElement(using: &generator)!
        for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            case 1: bytes[index] = UInt8.random(in: .min ... .max, using: &generator)
            case 2: bytes.insert(UInt8.random(in: .min ... .max, using: &generator), at: index)
            case 3: bytes.remove(at: index)
            default: bytes.removeSubrange(index...)
            }
        }
        return bytes
    }

    @Test("20,000 inputs through the CBOR decoder and both parsers")
    func fuzz() {
        var generator = SplitMix64(state: 0x5057_4175_7468_6e21)
        var accepted = 0
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<20_000 {
            let bytes = Self.input(using: &generator)
            if (try? CBORDecoder().decode(bytes)) != nil { accepted += 1 }
            _ = try? CBORDecoder().decodePrefix(bytes)
            _ = try? AttestationObject(bytes: bytes)
            _ = try? AuthenticatorData(bytes: bytes)
            _ = try? COSEKey(bytes: bytes)
        }
        // Some mutations keep the CBOR valid; all of this must be quick.
        #expect(accepted > 0)
        #expect(clock.now - started < .seconds(60))
    }

    @Test("Full ceremonies on mutated responses only ever throw WebAuthnError")
    func fuzzCeremonies() {
        var generator = SplitMix64(state: 42)
        let relyingParty = ReferenceVectors.relyingParty
        let registration = ReferenceVectors.edDSARegistration
        let authentication = ReferenceVectors.edDSAAuthentication
        for _ in 0..<2_000 {
            var object = registration.attestationObject.base64URLBytes
            let index = Int.random(in: 0..<object.count, using: &generator)
            object[index] = UInt8.random(in: .min ... .max, using: &generator)
            _ = try? relyingParty.verifyRegistration(
                clientDataJSON: registration.clientDataJSON.base64URLBytes,
                attestationObject: object,
                expectedChallenge: registration.challenge.base64URLBytes
            )

            var data = authentication.authenticatorData.base64URLBytes
            // XOR with a non-zero byte so every response really changes.
            data[Int.random(in: 0..<data.count, using: &generator)] ^= UInt8.random(in: 1 ... .max, using: &generator)
            #expect(throws: WebAuthnError.self) {
                try relyingParty.verifyAuthentication(
                    clientDataJSON: authentication.clientDataJSON.base64URLBytes,
                    authenticatorData: data,
                    signature: authentication.signature.base64URLBytes,
                    expectedChallenge: authentication.challenge.base64URLBytes,
                    credential: StoredCredential(publicKey: authentication.publicKey.base64URLBytes, signCount: 1)
                )
            }
        }
    }
}
