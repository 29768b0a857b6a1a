import Foundation

/// The first private-key block of a PEM file (RFC 7468): its label and decoded DER bytes.
///
/// Portier reads the armor itself rather than handing the text straight to swift-crypto, so
/// that it can tell the operator *which* kind of file it got (a public key, a certificate, an
/// encrypted key) instead of one opaque parse failure.
struct PEMBlock {
    var label: String
    var derBytes: [UInt8]

    /// Takes the first block whose label ends in `PRIVATE KEY`, so that files carrying
    /// parameters or a certificate before the key still load; without one, reports the first
    /// block's label.
    init(parsing text: String) throws(DKIMError) {
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var firstLabel: String?
        var index = lines.startIndex
        while index < lines.endIndex {
            guard let label = Self.label(of: lines[index], marker: "BEGIN") else {
                index += 1
                continue
            }
            firstLabel = firstLabel ?? label
            guard let end = lines[index...].firstIndex(where: { Self.label(of: $0, marker: "END") == label }) else {
                throw .malformedKey
            }
            if label.hasSuffix("PRIVATE KEY") {
                let body = lines[(index + 1)..<end]
                if label == "ENCRYPTED PRIVATE KEY" || body.contains(where: { $0.hasPrefix("Proc-Type:") }) {
                    throw .encryptedKey
                }
                guard let der = Data(base64Encoded: body.joined()), !der.isEmpty else {
                    throw .malformedKey
                }
                self.label = label
                self.derBytes = Array(der)
                return
            }
            index = end + 1
        }
        if let firstLabel { throw .unsupportedPEMLabel(firstLabel) }
        throw .notPEM
    }

    /// `-----BEGIN X-----` → `X`; `nil` for any other line, and for labels that are not the
    /// upper-case letters, digits and spaces RFC 7468 allows (so no odd text reaches an error).
    private static func label(of line: String, marker: String) -> String? {
        let prefix = "-----\(marker) ", suffix = "-----"
        guard line.hasPrefix(prefix), line.hasSuffix(suffix), line.count > prefix.count + suffix.count else {
            return nil
        }
        let label = String(line.dropFirst(prefix.count).dropLast(suffix.count))
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -")
        guard label.count <= 64, label.allSatisfy(allowed.contains) else { return nil }
        return label
    }

    /// Wraps DER bytes in PEM armor with 64-character lines.
    static func pemText(label: String, derBytes: some DataProtocol) -> String {
        let base64 = Array(Data(derBytes).base64EncodedString())
        let lines = stride(from: 0, to: base64.count, by: 64).map {
            String(base64[$0..<min($0 + 64, base64.count)])
        }
        return (["-----BEGIN \(label)-----"] + lines + ["-----END \(label)-----"]).joined(separator: "\n") + "\n"
    }
}
