import PortierQR
import Vapor

/// An authenticator set-up in progress as a page shows it — the QR code (SVG drawn by
/// PortierQR), the secret in groups of four and the `otpauth://` link — for a customer's Säkerhet
/// page and a staff member's first login alike.
struct TwoStepEnrolmentView: Encodable {
    let qrSVG: String
    let groupedSecret: String
    let uri: String

    init(_ enrolment: TwoStepService.Enrolment, account: String, request: Request) throws {
        let uri = enrolment.uri(issuer: request.localized("site.name"), account: account)
        self.qrSVG = try QRCode(text: uri).svg(moduleSize: 4, label: request.localized("security.two_step.qr_label"))
        self.groupedSecret = enrolment.groupedBase32
        self.uri = uri
    }
}
