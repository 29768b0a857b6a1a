/// Where a `next` parameter may send the visitor: only a relative path of this site.
/// Rejects scheme-relative (`//evil.example`), backslash (`/\evil`), schemes (`https:evil`)
/// and control characters.
enum SafeRedirect {
    static func path(from candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"),
              candidate.utf8.count <= 2048 else {
            return nil
        }
        let forbidden = candidate.unicodeScalars.contains { scalar in
            scalar == "\\" || scalar.properties.generalCategory == .control || scalar == " "
        }
        return forbidden ? nil : candidate
    }
}
