import Foundation
import ReferenceImplementations

/// pyotp (PyPI), the reference TOTP implementation, through `tests/reference/totp_codes.py`.
enum TOTPReference {
    struct Request: Encodable {
        let secret: String
        let time: Int64
        var digits = 6
        var digest = "sha1"
    }

    struct ParsedURI: Decodable {
        let secret: String
        let issuer: String?
        let account: String
        let digits: Int
        let interval: Int
    }

    static func codes(for requests: [Request]) throws -> [String] {
        try PythonReference.runJSON("totp_codes.py", input: try JSONEncoder().encode(requests))
    }

    static func parse(uri: String) throws -> ParsedURI {
        try PythonReference.runJSON("totp_codes.py", arguments: ["parse", uri])
    }
}
