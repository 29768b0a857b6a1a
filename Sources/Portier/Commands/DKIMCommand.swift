import Foundation
import PortierDKIM
import Vapor

/// `portier dkim generate --domain D --selector S [--ed25519] [--output FILE]`: makes a signing
/// key (RSA 2048, or Ed25519), writes it with mode 0600 (default `var/dkim/<selector>.<domain>.pem`),
/// and prints the DNS TXT record to publish and the variables to set.
struct DKIMCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "generate")
        var action: String

        @Option(name: "domain", help: "The signing domain (d=), normally the domain of PORTIER_MAIL_FROM")
        var domain: String?

        @Option(name: "selector", help: "The selector (s=), e.g. portier2026")
        var selector: String?

        @Option(name: "output", help: "Where to write the private key (default var/dkim/<selector>.<domain>.pem)")
        var output: String?

        @Flag(name: "ed25519", help: "An Ed25519 key (RFC 8463) instead of RSA 2048")
        var ed25519: Bool
    }

    var help: String { "DKIM: 'generate' makes a signing key and prints its DNS record" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "generate" else { throw DKIMCommandError.unknownAction(signature.action) }
        guard let domain = signature.domain, let selector = signature.selector else { throw DKIMCommandError.missingDomainOrSelector }
        let key = try DKIMPrivateKey(generating: signature.ed25519 ? .ed25519 : .rsa)
        let signer: DKIMSigner
        do {
            signer = try DKIMSigner(domain: domain, selector: selector, key: key)
        } catch {
            throw DKIMCommandError.invalidName(String(describing: error))
        }
        let path = signature.output ?? "var/dkim/\(selector).\(domain).pem"
        guard !FileManager.default.fileExists(atPath: path) else { throw DKIMCommandError.fileExists(path) }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw DKIMCommandError.cannotWrite(path)
        }
        let record = signer.dnsRecord
        context.console.print("Wrote the private key to \(path) (mode 0600).")
        context.console.print("Publish this TXT record:")
        context.console.print(record.zoneFileLine)
        context.console.print("Then set:")
        context.console.print("PORTIER_DKIM_DOMAIN=\(domain)")
        context.console.print("PORTIER_DKIM_SELECTOR=\(selector)")
        context.console.print("PORTIER_DKIM_PRIVATE_KEY_FILE=\(path)")
    }
}

enum DKIMCommandError: Error, CustomStringConvertible {
    case unknownAction(String)
    case missingDomainOrSelector
    case invalidName(String)
    case fileExists(String)
    case cannotWrite(String)

    var description: String {
        switch self {
        case .unknownAction(let action): "Unknown action '\(action)'. Use: portier dkim generate --domain D --selector S [--ed25519] [--output FILE]"
        case .missingDomainOrSelector: "--domain and --selector are required"
        case .invalidName(let reason): "The domain or selector is not a DNS name: \(reason)"
        case .fileExists(let path): "\(path) exists already; choose another --output or selector (a key is never overwritten)"
        case .cannotWrite(let path): "Could not write \(path)"
        }
    }
}
