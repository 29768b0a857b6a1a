import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An image uploaded in the guide editor, stored beside the importer's images
/// (`Resources/Guides/<language>/<category>/images/`), where `/hjalp/media` serves them and a
/// guide's Markdown names them as `images/<file>`. The type is read from the file's own bytes
/// (PNG, JPEG or WebP; never SVG, which can carry script), never from its name or the browser's
/// word; the size is limited; the name is reduced to safe characters and never overwrites a file.
struct GuideImageUpload: Sendable {
    static let maximumBytes = 1_000_000
    /// The form's whole body may hold the image plus the other fields.
    static let maximumBodyBytes = maximumBytes + 16_384

    enum Kind: String, Sendable {
        case png, jpeg, webp

        var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    }

    enum Failure: Error, Equatable {
        case missing
        case tooLarge
        case unsupportedType

        var catalogKey: String {
            switch self {
            case .missing: "staff.guides.error.image_missing"
            case .tooLarge: "staff.guides.error.image_too_large"
            case .unsupportedType: "staff.guides.error.image_type"
            }
        }
    }

    /// `Resources/Guides/`.
    let libraryRoot: String

    static func kind(of bytes: [UInt8]) -> Kind? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.count >= 12, bytes[0..<4].elementsEqual(Array("RIFF".utf8)), bytes[8..<12].elementsEqual(Array("WEBP".utf8)) { return .webp }
        return nil
    }

    /// `Skärmbild 1 (ny).PNG` → `skarmbild-1-ny`: letters without accents, digits and single hyphens.
    static func baseName(from original: String) -> String {
        let stem = (original as NSString).deletingPathExtension
        let folded = stem.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "sv_SE")).lowercased()
        var name = ""
        for scalar in folded.unicodeScalars {
            if (97...122).contains(scalar.value) || (48...57).contains(scalar.value) {  // a–z, 0–9
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, !name.hasSuffix("-") {
                name += "-"
            }
        }
        while name.hasSuffix("-") { name.removeLast() }
        name = String(name.prefix(60))
        while name.hasSuffix("-") { name.removeLast() }
        return name.isEmpty ? "bild" : name
    }

    /// Stores the image for a guide of `language` in `categorySlug`; returns its Markdown path (`images/<file>`).
    func store(_ bytes: [UInt8], originalName: String, language: String, categorySlug: String) throws -> String {
        guard !bytes.isEmpty else { throw Failure.missing }
        guard bytes.count <= Self.maximumBytes else { throw Failure.tooLarge }
        guard let kind = Self.kind(of: bytes) else { throw Failure.unsupportedType }
        guard Language(rawValue: language) != nil, categorySlug.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) != nil else {
            throw Failure.missing
        }
        let folder = libraryRoot + language + "/" + categorySlug + "/" + GuideLibrary.imagesFolder + "/"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = Self.baseName(from: originalName)
        for attempt in 1...1000 {
            let name = (attempt == 1 ? base : base + "-\(attempt)") + "." + kind.fileExtension
            // `createFile` would replace an existing file; opening with O_EXCL never does.
            let descriptor = open(folder + name, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw Failure.missing
            }
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            guard written == bytes.count else {
                try? FileManager.default.removeItem(atPath: folder + name)
                throw Failure.missing
            }
            return GuideLibrary.imagesFolder + "/" + name
        }
        throw Failure.missing
    }
}
