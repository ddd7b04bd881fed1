import HummingbirdAuth

/// Who is signed in on the page: for the header, the action buttons and their forms' token.
struct Viewer: Sendable {
    let name: String
    let role: String
    /// May act from the page: an admin key.
    let canAct: Bool
    let csrfToken: String
    /// What the last action did, said once.
    let notice: String?

    /// The viewer of a request: its session's key while the key is still accepted. Takes the notice out of
    /// the session, so it shows once.
    static func of(_ context: some AccessKeyContext, keys: KeyRing) -> Viewer? {
        guard var session = context.sessions.session, let key = keys.key(signedIn: session) else { return nil }
        let notice = session.notice
        if notice != nil {
            session.notice = nil
            _ = context.sessions.updateSession(session)
        }
        return Viewer(name: key.name, role: key.role.rawValue, canAct: key.role == .admin, csrfToken: session.csrfToken, notice: notice)
    }
}
