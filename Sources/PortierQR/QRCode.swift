/// A QR code symbol (ISO/IEC 18004, model 2) holding one byte-mode segment, ready to be drawn.
///
/// Portier draws its own QR codes, for example the `otpauth://` URI of two-step verification, so
/// that a secret never leaves the server for a third-party service or library. The encoder is
/// deliberately small: byte mode only (UTF-8 text is bytes), all four error correction levels,
/// versions 1 through 40, and mask selection by the standard's penalty rules.
///
/// ```swift
/// let code = try QRCode(text: "otpauth://totp/Portier:ada%40example.se?secret=…&issuer=Portier")
/// let markup = code.svg(label: "QR code for your authenticator app")
/// ```
public struct QRCode: Sendable, Hashable {
    /// The versions this encoder can make.
    public static let supportedVersions: ClosedRange<Int> = 1...40

    /// The symbol's version, 1 through 40; its size grows by four modules per version.
    public let version: Int
    /// The error correction level the symbol was made with.
    public let errorCorrection: ErrorCorrectionLevel
    /// The data mask applied, chosen by the penalty rules unless one was asked for.
    public let mask: Mask
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Row-major: whether each module is dark.
    private let darkModules: [Bool]

    /// Encodes `bytes` in byte mode in the smallest version of `versions` that holds them.
    ///
    /// - Parameters:
    ///   - errorCorrection: The error correction level; M by default, which survives the glare and
    ///     moiré of a phone camera pointed at a screen.
    ///   - versions: The versions to choose from; pass a single version (`5...5`) to force it.
    ///   - mask: A mask to use instead of the one the penalty rules choose; meant for tests.
    /// - Throws: ``QRCodeError/dataTooLong(byteCount:capacity:)`` when no allowed version holds
    ///   the bytes, ``QRCodeError/unsupportedVersions(_:)`` when `versions` reaches past 1...40.
    public init(
        bytes: some Sequence<UInt8>,
        errorCorrection: ErrorCorrectionLevel = .medium,
        versions: ClosedRange<Int> = QRCode.supportedVersions,
        mask: Mask? = nil
    ) throws(QRCodeError) {
        guard Self.supportedVersions.contains(versions.lowerBound),
              Self.supportedVersions.contains(versions.upperBound) else {
            throw .unsupportedVersions(versions)
        }
        let payload = Array(bytes)
        let candidates = versions.lazy.map(SymbolVersion.init)
        guard let symbolVersion = candidates.first(where: { $0.byteCapacity(for: errorCorrection) >= payload.count }) else {
            let largest = SymbolVersion(versions.upperBound)
            throw .dataTooLong(byteCount: payload.count, capacity: largest.byteCapacity(for: errorCorrection))
        }

        let dataCodewords = DataCodewords.make(bytes: payload, version: symbolVersion, level: errorCorrection)
        let codewords = CodewordSequence.make(
            dataCodewords: dataCodewords,
            layout: symbolVersion.blockLayout(for: errorCorrection)
        )
        var unmasked = ModuleGrid(functionPatternsOf: symbolVersion)
        unmasked.placeCodewords(codewords)

        let chosenMask = mask ?? Self.bestMask(for: unmasked)
        var grid = unmasked.masked(by: chosenMask)
        grid.drawFormatAndVersionInformation(version: symbolVersion, level: errorCorrection, mask: chosenMask)

        version = symbolVersion.number
        self.errorCorrection = errorCorrection
        self.mask = chosenMask
        size = grid.size
        darkModules = grid.darkModules
    }

    /// Encodes `text` as UTF-8 in byte mode; see ``init(bytes:errorCorrection:versions:mask:)``.
    ///
    /// No ECI header is written: readers, and authenticator apps in particular, take byte-mode
    /// data as UTF-8 when it is valid UTF-8, while an ECI header confuses some of them.
    public init(
        text: String,
        errorCorrection: ErrorCorrectionLevel = .medium,
        versions: ClosedRange<Int> = QRCode.supportedVersions,
        mask: Mask? = nil
    ) throws(QRCodeError) {
        try self.init(bytes: text.utf8, errorCorrection: errorCorrection, versions: versions, mask: mask)
    }

    /// Whether the module at `row`, `column` (both from 0 at the top left) is dark.
    public func isDark(row: Int, column: Int) -> Bool {
        precondition((0..<size).contains(row) && (0..<size).contains(column), "module outside the symbol")
        return darkModules[row * size + column]
    }

    /// All modules, row by row from the top; `true` is dark.
    public var modules: [[Bool]] {
        (0..<size).map { row in Array(darkModules[row * size..<(row + 1) * size]) }
    }

    /// The mask whose result scores lowest by ``MaskPenalty``; the lower number wins a tie.
    private static func bestMask(for unmasked: ModuleGrid) -> Mask {
        var best = (mask: Mask.allCases[0], score: Int.max)
        for mask in Mask.allCases {
            let score = MaskPenalty.score(unmasked.masked(by: mask))
            if score < best.score { best = (mask, score) }
        }
        return best.mask
    }
}
