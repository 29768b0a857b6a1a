import PortierQR

/// Reproducible test payloads: a fixed seed makes every run encode the same bytes, so a failure
/// can be replayed, while the bytes themselves are arbitrary enough to exercise every module.
struct PayloadGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// `count` arbitrary bytes (0 through 255).
    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: nextWord()) }
    }

    /// A random length in `range`.
    mutating func length(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(nextWord() % UInt64(range.count))
    }

    /// SplitMix64: tiny, and good enough to spread test data.
    private mutating func nextWord() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

extension QRCode.ErrorCorrectionLevel {
    /// A small number per level, to give each level's test data a seed of its own.
    var seedOffset: UInt64 { UInt64(Self.allCases.firstIndex(of: self) ?? 0) }
}

/// The byte counts that make `version` the smallest fitting one at `level`, read from the encoder
/// itself (the capacity tests check those capacities against segno).
func lengthsNeedingVersion(_ version: Int, _ level: QRCode.ErrorCorrectionLevel) -> ClosedRange<Int> {
    let previous = version == 1 ? -1 : byteCapacity(version: version - 1, level)
    return previous + 1...byteCapacity(version: version, level)
}

/// The most bytes `version` holds at `level`, as the encoder reports it in its error.
func byteCapacity(version: Int, _ level: QRCode.ErrorCorrectionLevel) -> Int {
    do {
        _ = try QRCode(bytes: [UInt8](repeating: 0, count: 8_000), errorCorrection: level, versions: version...version)
    } catch .dataTooLong(_, let capacity) {
        return capacity
    } catch {
        return -1
    }
    return -1
}
