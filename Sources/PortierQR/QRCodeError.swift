/// Why a ``QRCode`` could not be made.
///
/// The cases carry the numbers a caller needs to explain the failure (or to shorten the payload),
/// rather than a message, so that callers decide how to word it.
public enum QRCodeError: Error, Sendable, Hashable {
    /// The payload needs more room than the largest allowed version offers at the chosen error
    /// correction level. `capacity` is the largest byte count that would have fitted.
    case dataTooLong(byteCount: Int, capacity: Int)

    /// The allowed versions reach outside ``QRCode/supportedVersions`` (1 through 40).
    case unsupportedVersions(ClosedRange<Int>)
}
