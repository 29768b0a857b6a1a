import Foundation

/// scrypt cost parameters as stored in a PHC string: `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`.
public struct ScryptParameters: Sendable, Equatable {
    /// log2 of the CPU/memory cost N.
    public var logRounds: Int
    public var blockSize: Int
    public var parallelism: Int

    /// OWASP Password Storage Cheat Sheet: N = 2^17 (128 MiB), r = 8, p = 1.
    public static let owasp = ScryptParameters(logRounds: 17, blockSize: 8, parallelism: 1)
    /// For tests only: fast, still the real algorithm.
    public static let testing = ScryptParameters(logRounds: 10, blockSize: 8, parallelism: 1)

    public init(logRounds: Int, blockSize: Int, parallelism: Int) {
        self.logRounds = logRounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    var rounds: Int { 1 << logRounds }
    /// Bytes scrypt needs for these parameters (128 · N · r), plus headroom.
    var memoryBytes: Int { 128 * rounds * blockSize * parallelism + 1 << 20 }
}

/// A parsed `$scrypt$` PHC string.
public struct ScryptHash: Sendable, Equatable {
    public var parameters: ScryptParameters
    public var salt: [UInt8]
    public var hash: [UInt8]

    public init(parameters: ScryptParameters, salt: [UInt8], hash: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    public init?(phc: String) {
        let parts = phc.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
        var values: [String: Int] = [:]
        for pair in parts[2].split(separator: ",") {
            let keyValue = pair.split(separator: "=", maxSplits: 1)
            guard keyValue.count == 2, let number = Int(keyValue[1]) else { return nil }
            values[String(keyValue[0])] = number
        }
        guard let logRounds = values["ln"], let blockSize = values["r"], let parallelism = values["p"],
              (1...24).contains(logRounds), (1...32).contains(blockSize), (1...16).contains(parallelism),
              let salt = PHCBase64.decode(parts[3]), let hash = PHCBase64.decode(parts[4]),
              salt.count >= 8, hash.count >= 16 else {
            return nil
        }
        self.init(parameters: ScryptParameters(logRounds: logRounds, blockSize: blockSize, parallelism: parallelism), salt: salt, hash: hash)
    }

    public var phcString: String {
        "$scrypt$ln=\(parameters.logRounds),r=\(parameters.blockSize),p=\(parameters.parallelism)$\(PHCBase64.encode(salt))$\(PHCBase64.encode(hash))"
    }
}

/// The PHC string format's base64: standard alphabet, no padding.
enum PHCBase64 {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        var padded = String(text)
        guard padded.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "+" || $0 == "/" }) else { return nil }
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map(Array.init)
    }
}
