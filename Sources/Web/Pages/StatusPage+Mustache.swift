import Mustache

// The rows the status page repeats most (a node per group, a row per worker or error, every time
// shown) answer the template's lookups directly instead of through reflection, which the benchmark
// showed dominating the page's time with a thousand groups. A `nil` answer means "not here", exactly
// as reflection treats an empty optional.

extension StatusPage.TreeNode: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "path": path
        case "link": link
        case "running": running
        case "lost": lost
        case "failed": failed
        case "stopped": stopped
        case "worst": worst
        case "open": open
        case "selected": selected
        case "children": children
        default: nil
        }
    }
}

extension StatusPage.WorkerRow: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "id": id
        case "link": link
        case "group": group
        case "groupLink": groupLink
        case "status": status
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
        case "message": message
        case "action": action
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
