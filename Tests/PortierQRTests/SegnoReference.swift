import Foundation
import PortierQR
import ReferenceImplementations

/// segno (PyPI), the reference encoder PortierQR is checked against, run through
/// `tests/reference/qr_segno_matrix.py`. Requests are sent in batches: one Python start per test.
enum SegnoReference {
    /// One symbol to ask segno for; a `nil` version or mask lets segno choose.
    struct Request: Encodable {
        let data: String
        let error: String
        let version: Int?
        let mask: Int?

        init(bytes: [UInt8], errorCorrection: QRCode.ErrorCorrectionLevel, version: Int? = nil, mask: QRCode.Mask? = nil) {
            data = bytes.map { String(format: "%02x", $0) }.joined()
            error = errorCorrection.description
            self.version = version
            self.mask = mask?.rawValue
        }
    }

    /// segno's answer: the symbol, or `overflow` when the data does not fit.
    struct Symbol: Decodable {
        let overflow: Bool?
        let version: Int?
        let mask: Int?
        let error: String?
        let rows: [String]?

        var fits: Bool { overflow != true }

        /// The modules as `QRCode.modules` has them: rows from the top, `true` for dark.
        var modules: [[Bool]] {
            (rows ?? []).map { row in row.map { $0 == "1" } }
        }
    }

    static func symbols(for requests: [Request]) throws -> [Symbol] {
        let input = try JSONEncoder().encode(requests)
        let symbols = try PythonReference.runJSON("qr_segno_matrix.py", input: input, as: [Symbol].self)
        guard symbols.count == requests.count else {
            throw MismatchedAnswerCount(requested: requests.count, answered: symbols.count)
        }
        return symbols
    }

    struct MismatchedAnswerCount: Error {
        let requested: Int
        let answered: Int
    }
}

/// Describes the first differing module, for a failure message more useful than two big matrices.
func firstDifference(_ actual: [[Bool]], _ expected: [[Bool]]) -> String {
    guard actual.count == expected.count, zip(actual, expected).allSatisfy({ $0.count == $1.count }) else {
        return "size \(actual.count) instead of \(expected.count)"
    }
    for (row, (actualRow, expectedRow)) in zip(actual, expected).enumerated() {
        if let column = actualRow.indices.first(where: { actualRow[$0] != expectedRow[$0] }) {
            return "first difference at row \(row), column \(column)"
        }
    }
    return "no difference"
}
