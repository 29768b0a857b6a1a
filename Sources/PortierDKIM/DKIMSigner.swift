import Crypto
import Foundation

/// Signs finished messages with DKIM (RFC 6376; RFC 8463 for Ed25519), relaxed/relaxed.
///
/// Sign after rendering and before sending, and send the signed bytes unchanged:
///
/// ```swift
/// let key = try DKIMPrivateKey(pemRepresentation: String(contentsOfFile: path, encoding: .utf8))
/// let signer = try DKIMSigner(domain: "example.se", selector: "portier2025", key: key)
/// rendered.bytes = try signer.signed(rendered.bytes)
/// ```
///
/// For DMARC to pass, `domain` must be the From address's domain or a parent of it.
///
/// The signature covers the whole body (no `l=`) and the header fields named in
/// ``signedFieldNames`` that the message has, every instance of them. Fields named in
/// ``overSignedFieldNames`` are listed in `h=` once more than they occur: the extra entry
/// matches no field when signing, so a verifier fails the signature if anyone later *adds*
/// such a field. By default that is `From`, so a relay or attacker cannot prepend a second
/// From that some mail clients would show instead of the signed one.
public struct DKIMSigner: Sendable {
    /// The header fields a Portier signature covers when present, in `h=` order.
    public static let defaultSignedFieldNames = [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
    ]

    /// The signing domain, `d=`.
    public let domain: String
    /// The selector, `s=`: the key is published at `<selector>._domainkey.<domain>`.
    public let selector: String
    public let key: DKIMPrivateKey
    /// Lowercased, duplicates removed, in `h=` order.
    public let signedFieldNames: [String]
    /// Lowercased; signed one extra time so that an added instance breaks the signature.
    public let overSignedFieldNames: Set<String>

    /// - Parameters:
    ///   - signedFieldNames: Header fields to sign when present; must include `From`.
    ///   - overSignedFieldNames: Fields whose later addition must break the signature;
    ///     a name here that is not in `signedFieldNames` is still signed (as absent if missing).
    /// - Throws: ``DKIMError/invalidDomain(_:)`` or ``DKIMError/invalidSelector(_:)`` for a
    ///   value that is not an ASCII DNS name.
    public init(
        domain: String,
        selector: String,
        key: DKIMPrivateKey,
        signedFieldNames: [String] = DKIMSigner.defaultSignedFieldNames,
        overSignedFieldNames: Set<String> = ["From"]
    ) throws(DKIMError) {
        guard DNSName.isValid(domain) else { throw .invalidDomain(domain) }
        guard DNSName.isValid(selector) else { throw .invalidSelector(selector) }
        self.domain = domain
        self.selector = selector
        self.key = key
        let overSigned = overSignedFieldNames.map { $0.lowercased() }
        var names: [String] = []
        for name in signedFieldNames.map({ $0.lowercased() }) + overSigned.sorted() where !names.contains(name) {
            names.append(name)
        }
        self.signedFieldNames = names
        self.overSignedFieldNames = Set(overSigned)
    }

    /// The TXT record to publish so receivers can verify this signer's signatures.
    public var dnsRecord: DKIMDNSRecord {
        key.dnsRecord(domain: domain, selector: selector)
    }

    /// The complete `DKIM-Signature` header field for `message`, folded and ending in CRLF,
    /// to put in front of the message's first line.
    /// - Parameters:
    ///   - message: A whole RFC 5322 message, header and body, with CRLF line endings.
    ///   - date: The signing time, written as `t=`.
    /// - Throws: ``DKIMError/malformedMessage(reason:)`` for a bare CR or LF or a broken
    ///   header section, ``DKIMError/missingFromField``, ``DKIMError/signingFailed``.
    public func signature(for message: [UInt8], at date: Date = Date()) throws(DKIMError) -> String {
        let parts = try MessageParts(parsing: message)
        guard parts.headerFields.contains(where: { $0.lowercasedName == "from" }) else {
            throw .missingFromField
        }
        let bodyHash = Data(SHA256.hash(data: RelaxedCanonicalization.body(parts.body)))
        let fieldList = headerFieldList(for: parts.headerFields)

        var field = FoldedFieldWriter(name: "DKIM-Signature")
        field.append("v=1;")
        field.append("a=\(key.type.signingAlgorithm);")
        field.append("c=relaxed/relaxed;")
        field.append("d=\(domain);")
        field.append("s=\(selector);")
        field.append("t=\(Int64(date.timeIntervalSince1970.rounded(.down)));")
        field.append(joined: fieldList.enumerated().map { index, name in
            (index == 0 ? "h=" : "") + name + (index == fieldList.count - 1 ? ";" : ":")
        })
        field.append("bh=\(bodyHash.base64EncodedString());")

        // RFC 6376 § 3.7: the selected fields, then this field with an empty b= and no final CRLF.
        var unsignedField = field
        unsignedField.append("b=")
        var signedData = canonicalizedFields(fieldList, in: parts.headerFields)
        signedData += RelaxedCanonicalization.header(
            name: "DKIM-Signature".utf8,
            value: unsignedField.unterminatedText.utf8.dropFirst("DKIM-Signature:".utf8.count)
        ).dropLast(2)

        field.appendFilling(prefix: "b=", try key.signature(for: signedData).base64EncodedString())
        return field.unterminatedText + "\r\n"
    }

    /// The `DKIM-Signature` field for a message held as a `String` (its UTF-8 bytes are signed).
    public func signature(for message: String, at date: Date = Date()) throws(DKIMError) -> String {
        try signature(for: Array(message.utf8), at: date)
    }

    /// `message` with its `DKIM-Signature` field prepended, ready to send as it is.
    public func signed(_ message: [UInt8], at date: Date = Date()) throws(DKIMError) -> [UInt8] {
        Array(try signature(for: message, at: date).utf8) + message
    }

    /// `message` with its `DKIM-Signature` field prepended, ready to send as it is.
    public func signed(_ message: String, at date: Date = Date()) throws(DKIMError) -> String {
        try signature(for: message, at: date) + message
    }

    /// The `h=` names: each signed field once per instance in the message, plus once more
    /// when over-signed.
    func headerFieldList(for fields: [MessageParts.HeaderField]) -> [String] {
        signedFieldNames.flatMap { name in
            let count = fields.count { $0.lowercasedName == name }
            return Array(repeating: name, count: count + (overSignedFieldNames.contains(name) ? 1 : 0))
        }
    }

    /// The canonicalized fields `h=` names, each name taking that field's instances from the
    /// bottom of the header up (RFC 6376 § 5.4.2); a name with no instance left adds nothing.
    func canonicalizedFields(_ fieldList: [String], in fields: [MessageParts.HeaderField]) -> [UInt8] {
        var usedCount: [String: Int] = [:]
        var output: [UInt8] = []
        for name in fieldList {
            let instances = fields.filter { $0.lowercasedName == name }
            let used = usedCount[name, default: 0]
            usedCount[name] = used + 1
            guard used < instances.count else { continue }
            let field = instances[instances.count - 1 - used]
            output += RelaxedCanonicalization.header(name: field.rawName, value: field.rawValue)
        }
        return output
    }
}
