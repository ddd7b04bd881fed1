import Mustache

// The rows the status page repeats (a row per worker or error, every time shown) answer the template's
// lookups directly instead of through reflection, which the benchmark showed dominating the page's time.
// A `nil` answer means "not here", exactly as reflection treats an empty optional. The domain tree, the
// largest part, is not rendered by Mustache at all (see StatusPage+Tree.swift).

extension StatusPage.WorkerRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "id": id
        case "link": link
        case "group": group
        case "groupLink": groupLink
        case "status": status
        case "reason": reason
        case "lastSeen": lastSeen
        case "uptime": uptime
        case "host": host
        case "version": version
        case "message": message
        case "errorCount": errorCount
        default: nil
        }
    }
}

extension StatusPage.ErrorRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "at": at
        case "workerID": workerID
        case "workerLink": workerLink
        case "group": group
        case "groupLink": groupLink
        case "message": message
        case "action": action
        case "count": count
        case "repeated": count > 1 ? count : nil
        default: nil
        }
    }
}

extension PageTime: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "exact": exact
        case "relative": relative
        default: nil
        }
    }
}
