import PortierQR
import Testing

/// Where the data stops fitting: PortierQR's limits against segno's, and the error it throws.
@Suite("Capacity and too-long data")
struct CapacityTests {
    @Test("A version's capacity fits and one byte more throws, as in segno",
          arguments: QRCode.ErrorCorrectionLevel.allCases)
    func capacityBoundary(level: QRCode.ErrorCorrectionLevel) throws {
        let versions = Array(1...10) + [20, 40]
        let capacities = versions.map { byteCapacity(version: $0, level) }
        let requests = zip(versions, capacities).flatMap { version, capacity in
            [capacity, capacity + 1].map { count in
                SegnoReference.Request(bytes: [UInt8](repeating: 0x61, count: count), errorCorrection: level, version: version, mask: .allCases[0])
            }
        }

        let segno = try SegnoReference.symbols(for: requests)

        for (index, (version, capacity)) in zip(versions, capacities).enumerated() {
            #expect(capacity > 0)
            #expect(segno[2 * index].fits, "segno: \(capacity) bytes should fit version \(version) at \(level)")
            #expect(!segno[2 * index + 1].fits, "segno: \(capacity + 1) bytes should not fit version \(version) at \(level)")
            let fitting = try QRCode(bytes: [UInt8](repeating: 0x61, count: capacity), errorCorrection: level, versions: version...version)
            #expect(fitting.version == version)
            #expect(throws: QRCodeError.dataTooLong(byteCount: capacity + 1, capacity: capacity)) {
                try QRCode(bytes: [UInt8](repeating: 0x61, count: capacity + 1), errorCorrection: level, versions: version...version)
            }
        }
    }

    @Test("Data beyond version 40 throws with the largest capacity")
    func beyondLargestVersion() throws {
        let largest = byteCapacity(version: 40, .medium)
        let text = String(repeating: "å", count: largest / 2 + 1)   // two UTF-8 bytes each

        let error = #expect(throws: QRCodeError.self) { try QRCode(text: text) }

        #expect(error == .dataTooLong(byteCount: text.utf8.count, capacity: largest))
    }

    @Test("A version cap is honoured: the smallest version is chosen within it")
    func versionCap() throws {
        let capacityOf10 = byteCapacity(version: 10, .medium)
        let fitting = [UInt8](repeating: 0x30, count: capacityOf10)

        let code = try QRCode(bytes: fitting, versions: 1...10)

        #expect(code.version == 10)
        #expect(throws: QRCodeError.dataTooLong(byteCount: capacityOf10 + 1, capacity: capacityOf10)) {
            try QRCode(bytes: fitting + [0x30], versions: 1...10)
        }
    }

    @Test("Versions outside 1–40 are rejected", arguments: [0...3, 1...41, 41...41])
    func unsupportedVersions(versions: ClosedRange<Int>) {
        #expect(throws: QRCodeError.unsupportedVersions(versions)) {
            try QRCode(text: "x", versions: versions)
        }
    }
}
